-- Vector search for the Memory service: an embedding per fact and an HNSW index for cosine nearest neighbours.
-- Same contract as 0001: idempotent, statement by statement, outside a transaction (see 0001's header).

-- Aurora PostgreSQL 17 ships pgvector; creating it needs rds_superuser, which the shard's master user has.
CREATE EXTENSION IF NOT EXISTS vector;

-- The one place the embedding dimension is stated: 1536, the output of OpenAI text-embedding-3-small and
-- ada-002 (HNSW indexes vector up to 2000 dimensions). A different model means a new column and a backfill, not an
-- ALTER of this one, so an existing column of another type is refused rather than skipped by IF NOT EXISTS.
-- Nullable: a fact is written first and embedded asynchronously; HNSW leaves NULLs out of the index.
DO $migration$
DECLARE
  dimensions constant int := 1536;
  wanted constant text := format('vector(%s)', dimensions);
  actual text;
BEGIN
  SELECT format_type(atttypid, atttypmod) INTO actual
    FROM pg_attribute
   WHERE attrelid = 'ai_user_memory'::regclass AND attname = 'embedding' AND NOT attisdropped;
  IF actual IS NULL THEN
    -- Nullable without a default: a catalog-only change, no table rewrite, a brief ACCESS EXCLUSIVE lock.
    EXECUTE format('ALTER TABLE ai_user_memory ADD COLUMN embedding %s', wanted);
  ELSIF actual <> wanted THEN
    RAISE EXCEPTION 'ai_user_memory.embedding is %, expected %', actual, wanted
      USING HINT = 'Changing the embedding model needs a new column and a backfill; it is not done in place.';
  END IF;
END
$migration$;

-- HNSW with pgvector's build parameters spelled out (m = 16, ef_construction = 64 are its defaults), so a change
-- of default upstream cannot change our index silently. Built per partition like the covering index in 0001
-- (gigascale_partition_index_steps): parent ON ONLY, each partition CONCURRENTLY, then attached. A query that
-- filters by user_id is pruned to one partition and is usually better served by the primary key (a user has few
-- facts); this index serves searches across users, and per-user searches when pgvector's iterative scans
-- (hnsw.iterative_scan, 0.8+) are enabled.
CREATE INDEX IF NOT EXISTS ai_user_memory_embedding_hnsw
  ON ONLY ai_user_memory USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64);

SELECT * FROM gigascale_partition_index_steps('ai_user_memory', 'ai_user_memory_embedding_hnsw', '_embedding_hnsw',
                                              'USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)')
\gexec
