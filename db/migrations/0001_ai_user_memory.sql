-- ai_user_memory: what the Memory service knows about a user, as (key -> value, confidence) facts,
-- hash-partitioned by user so each partition stays small enough to vacuum and index on a live shard.
--
-- Contract of every file in db/migrations (db/migrate.ts applies all of them, in name order, on every run):
-- applying it twice changes nothing, and it runs outside a transaction, one statement at a time, because
-- CREATE INDEX CONCURRENTLY refuses to run inside one. By hand, with psql (never --single-transaction):
--   PGOPTIONS='-c gigascale.memory_partitions=10' psql -v ON_ERROR_STOP=1 -f db/migrations/0001_ai_user_memory.sql
--
-- The partition count is the hash MODULUS. It comes from the plan (database.memoryPartitions, default 10) through
-- the session setting gigascale.memory_partitions, which bin/migrate.ts --memory-partitions sets. Postgres cannot
-- change a hash modulus in place, so a table that already has another count is refused, not repartitioned.

-- Table and partitions in one DO block, i.e. one transaction: a shard has either the whole table or none of it.
--
-- user_id is text: the platform's user ids are opaque strings that the application hashes to pick the shard
-- (sha-256 -> bucket -> jump hash, lib/facts/shard-map.ts). Storing the string it hashed keeps lookups free of a second
-- mapping; uuid would reject ids that are not UUIDs, bigint would need one. Postgres hashes the text with its own
-- function to pick the partition, independent of the shard hash, so users spread evenly over partitions inside
-- a shard even though a shard holds only a hash-selected subset of users.
--
-- The CHECKs bound what goes into the covering index below: a btree entry must fit in 2704 bytes, so user_id
-- (<= 128 bytes) + key (<= 256) + value (<= 2048, as stored uncompressed) + confidence stays under it, and an
-- oversized value fails with a named constraint instead of "index row size exceeds btree version 4 maximum".
DO $migration$
DECLARE
  setting text := coalesce(nullif(current_setting('gigascale.memory_partitions', true), ''), '10');
  partitions int;
  existing text;
  found int;
BEGIN
  -- 1..256 mirrors MAX_MEMORY_PARTITIONS in lib/facts/aurora.ts; bin/migrate.ts checks it before connecting.
  IF setting !~ '^[0-9]{1,4}$' OR setting::int NOT BETWEEN 1 AND 256 THEN
    RAISE EXCEPTION 'gigascale.memory_partitions must be an integer in 1..256, got "%"', setting
      USING HINT = 'Pass bin/migrate.ts --memory-partitions N, or PGOPTIONS=''-c gigascale.memory_partitions=N'' to psql.';
  END IF;
  partitions := setting::int;

  IF to_regclass('ai_user_memory') IS NULL THEN
    CREATE TABLE ai_user_memory (
      user_id    text        NOT NULL CONSTRAINT ai_user_memory_user_id_size CHECK (octet_length(user_id) BETWEEN 1 AND 128),
      key        text        NOT NULL CONSTRAINT ai_user_memory_key_size CHECK (octet_length(key) BETWEEN 1 AND 256),
      value      jsonb       NOT NULL CONSTRAINT ai_user_memory_value_size CHECK (pg_column_size(value) <= 2048),
      confidence real        NOT NULL CONSTRAINT ai_user_memory_confidence_range CHECK (confidence BETWEEN 0 AND 1),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT ai_user_memory_pkey PRIMARY KEY (user_id, key)
    ) PARTITION BY HASH (user_id);
  ELSIF NOT EXISTS (SELECT 1 FROM pg_partitioned_table WHERE partrelid = 'ai_user_memory'::regclass AND partstrat = 'h') THEN
    RAISE EXCEPTION 'ai_user_memory exists but is not hash-partitioned'
      USING HINT = 'This migration only manages the partitioned table it creates; move the existing table aside first.';
  END IF;

  SELECT string_agg(DISTINCT substring(pg_get_expr(c.relpartbound, c.oid) FROM 'modulus (\d+)'), ', ')
    INTO existing
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
   WHERE i.inhparent = 'ai_user_memory'::regclass;
  IF existing <> partitions::text THEN  -- NULL (no partitions yet) passes
    RAISE EXCEPTION 'ai_user_memory is hash-partitioned with modulus %, but gigascale.memory_partitions is %', existing, partitions
      USING DETAIL = 'A hash modulus cannot be changed in place: every row would move to another partition.',
            HINT = format('Run with --memory-partitions %s (this shard''s count), or copy the data into a new table '
                          'partitioned the new way and swap it in.', existing);
  END IF;

  FOR r IN 0 .. partitions - 1 LOOP
    IF to_regclass(format('ai_user_memory_p%s', r)) IS NULL THEN
      EXECUTE format('CREATE TABLE %I PARTITION OF ai_user_memory FOR VALUES WITH (MODULUS %s, REMAINDER %s)',
                     format('ai_user_memory_p%s', r), partitions, r);
    END IF;
  END LOOP;

  -- A table of the same name that is not a partition would have been skipped above.
  SELECT count(*) INTO found FROM pg_inherits WHERE inhparent = 'ai_user_memory'::regclass;
  IF found <> partitions THEN
    RAISE EXCEPTION 'ai_user_memory has % partitions, expected %', found, partitions
      USING HINT = 'A table named ai_user_memory_pN that is not a partition of ai_user_memory blocks one; rename it.';
  END IF;
END
$migration$;

-- The covering index: the Memory service's point read (SELECT value, confidence ... WHERE user_id = $1 AND
-- key = $2) is answered from the index alone (Index Only Scan), never touching the heap.
--
-- CREATE INDEX CONCURRENTLY is refused on a partitioned table, and a plain CREATE INDEX would lock every
-- partition against writes for the whole build. What works on a live table: the parent index ON ONLY the parent
-- (no partition is touched; it stays invalid until every partition has its index attached), then per partition
-- CREATE INDEX CONCURRENTLY (writes go on) and ALTER INDEX ... ATTACH PARTITION. Attaching the last one makes the
-- parent valid.
CREATE INDEX IF NOT EXISTS ai_user_memory_covering
  ON ONLY ai_user_memory (user_id, key) INCLUDE (value, confidence);

-- The steps that give every partition of a partitioned table its part of a parent index, for \gexec: one row per
-- partition whose index is not attached yet (no rows on a second run), executed column by column: drop what a
-- failed build left behind, build concurrently, attach. Every per-partition index of the migrations goes through
-- this one function (0002 uses it too); CREATE OR REPLACE keeps it idempotent.
--
-- A CREATE INDEX CONCURRENTLY that fails (cancelled, Job deadline, connection lost) leaves an INVALID index that
-- IF NOT EXISTS would then skip for ever; the first column drops it (only ours, by name, and never attached,
-- since an invalid index cannot be attached) so the second builds it again. The partition index is named
-- <partition><suffix>; `definition` is what follows `ON <partition>` (columns, method, options), trusted text
-- from the migration files.
CREATE OR REPLACE FUNCTION gigascale_partition_index_steps(parent regclass, parent_index regclass, suffix text, definition text)
RETURNS TABLE (drop_invalid text, build text, attach text)
LANGUAGE sql STABLE AS $fn$
  SELECT CASE WHEN NOT stale.indisvalid THEN format('DROP INDEX CONCURRENTLY IF EXISTS %s', stale.indexrelid::regclass) END,
         format('CREATE INDEX CONCURRENTLY IF NOT EXISTS %I ON %I %s', part.relname || suffix, part.relname, definition),
         format('ALTER INDEX %s ATTACH PARTITION %I', parent_index, part.relname || suffix)
    FROM pg_inherits i
    JOIN pg_class part ON part.oid = i.inhrelid
    LEFT JOIN pg_index stale
      ON stale.indexrelid = to_regclass(quote_ident(part.relname || suffix))
   WHERE i.inhparent = parent
     AND NOT EXISTS (SELECT 1
                       FROM pg_inherits attached JOIN pg_index ix ON ix.indexrelid = attached.inhrelid
                      WHERE attached.inhparent = parent_index AND ix.indrelid = part.oid)
   ORDER BY length(part.relname), part.relname  -- p0, p1, ..., p9, p10: numeric order for same-prefix names
$fn$;

SELECT * FROM gigascale_partition_index_steps('ai_user_memory', 'ai_user_memory_covering', '_covering',
                                              '(user_id, key) INCLUDE (value, confidence)')
\gexec
