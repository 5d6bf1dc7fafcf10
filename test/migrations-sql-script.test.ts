/** The psql-script splitter: where statements end, what \gexec takes, and what it refuses. */
import { describe, expect, it } from 'vitest';
import { splitScript, type ScriptStep } from '../db/sql-script';
import { GigascaleError } from '../lib/util/errors';
import { migrationFiles } from './support/postgres';

const sqlOf = (text: string) => splitScript(text, 't.sql').map((s) => s.sql);

function refusal(text: string): GigascaleError {
  try {
    splitScript(text, 't.sql');
  } catch (e) {
    if (e instanceof GigascaleError) return e;
    throw e;
  }
  throw new Error('expected splitScript to refuse the script');
}

describe('splitScript', () => {
  it('ends statements at top-level semicolons and sends what is left at the end of the file', () => {
    expect(sqlOf('SELECT 1;\nSELECT 2 ;  SELECT 3')).toEqual(['SELECT 1', 'SELECT 2', 'SELECT 3']);
  });

  it('drops empty statements and leading comments but keeps comments inside a statement', () => {
    expect(sqlOf(';;\n-- heading\n/* block */ SELECT 1 -- trailing\n;\n-- only a comment\n')).toEqual(['SELECT 1 -- trailing']);
  });

  it.each<[string, string, string[]]>([
    ['single quotes', "SELECT 'a;b', 'it''s; fine';", ["SELECT 'a;b', 'it''s; fine'"]],
    ['E-strings with backslash escapes', "SELECT E'a\\';b';", ["SELECT E'a\\';b'"]],
    ['a backslash in a standard string', "SELECT 'C:\\';SELECT 2;", ["SELECT 'C:\\'", 'SELECT 2']],
    ['double-quoted identifiers', 'SELECT 1 AS "a;""b";', ['SELECT 1 AS "a;""b"']],
    ['$$ bodies', 'DO $$ BEGIN PERFORM 1; END $$;', ['DO $$ BEGIN PERFORM 1; END $$']],
    ['$tag$ bodies holding $$', "DO $m$ BEGIN EXECUTE $$SELECT ';'$$; END $m$;", ["DO $m$ BEGIN EXECUTE $$SELECT ';'$$; END $m$"]],
    ['a $ inside an identifier, which opens nothing', 'SELECT 1 AS a$b$; SELECT 2;', ['SELECT 1 AS a$b$', 'SELECT 2']],
    ['positional parameters', 'PREPARE p AS SELECT $1; SELECT 2;', ['PREPARE p AS SELECT $1', 'SELECT 2']],
    ['-- comments', 'SELECT 1 -- not the end;\n + 1;', ['SELECT 1 -- not the end;\n + 1']],
    ['nested /* */ comments', 'SELECT /* a /* b; */ c; */ 1;', ['SELECT /* a /* b; */ c; */ 1']],
    ['parentheses', 'CREATE RULE r AS ON INSERT TO t DO ALSO (NOTIFY a; NOTIFY b);', ['CREATE RULE r AS ON INSERT TO t DO ALSO (NOTIFY a; NOTIFY b)']],
  ])('keeps a semicolon inside %s', (_, text, expected) => {
    expect(sqlOf(text)).toEqual(expected);
  });

  it('makes the query buffer before \\gexec a gexec step, and records the line each step starts on', () => {
    const text = "SELECT 1;\n\nSELECT format('CREATE INDEX %I ON t (a)', 'i' || g)\n  FROM generate_series(1, 3) g\n\\gexec\nSELECT 2;";
    expect(splitScript(text, 't.sql')).toEqual<ScriptStep[]>([
      { kind: 'statement', sql: 'SELECT 1', line: 1 },
      { kind: 'gexec', sql: "SELECT format('CREATE INDEX %I ON t (a)', 'i' || g)\n  FROM generate_series(1, 3) g", line: 3 },
      { kind: 'statement', sql: 'SELECT 2', line: 6 },
    ]);
  });

  it('takes \\gexec after a query on the same line, as psql does', () => {
    expect(splitScript("SELECT 'SELECT 1' \\gexec", 't.sql')).toEqual([{ kind: 'gexec', sql: "SELECT 'SELECT 1'", line: 1 }]);
  });

  it('does not mistake a backslash inside a string or dollar quote for a meta-command', () => {
    expect(sqlOf("SELECT '\\gexec';\nDO $$ BEGIN RAISE NOTICE '\\set'; END $$;")).toEqual(["SELECT '\\gexec'", "DO $$ BEGIN RAISE NOTICE '\\set'; END $$"]);
  });

  it.each<[string, string, string]>([
    ['a string', "SELECT 1;\nSELECT 'abc", "t.sql:2: unterminated string literal starting here; close it with '"],
    ['an identifier', 'SELECT "abc', 't.sql:1: unterminated quoted identifier starting here; close it with "'],
    ['a dollar quote', 'DO $m$ BEGIN\nEND $$;', 't.sql:1: unterminated dollar-quoted string $m$ starting here; close it with $m$'],
    ['a block comment', 'SELECT 1; /* a /* b */', 't.sql:1: unterminated /* comment starting here; close it with */'],
  ])('refuses an unterminated %s and names the line it starts on', (_, text, issue) => {
    const e = refusal(text);
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe(`Cannot read migration script (1 problem):\n  - ${issue}`);
  });

  it('refuses meta-commands other than \\gexec, \\gexec with arguments, and \\gexec after a ; in one error', () => {
    const e = refusal('\\set x 1\nSELECT 1 \\gexec now\nSELECT 2;\n\\gexec\n\\\\');
    expect(e.message).toBe(
      [
        'Cannot read migration script (4 problems):',
        '  - t.sql:1: psql meta-command \\set is not supported; the runner implements only \\gexec',
        '  - t.sql:2: \\gexec takes no arguments, got "now"; put it on a line of its own',
        '  - t.sql:4: \\gexec has no query to run; end the generating SELECT with \\gexec instead of ;',
        '  - t.sql:5: psql meta-command \\\\ is not supported; the runner implements only \\gexec',
      ].join('\n'),
    );
  });

  it('splits the repository migrations into statements and \\gexec steps, none of them empty', () => {
    for (const file of migrationFiles()) {
      const steps = splitScript(file.sql, file.name);
      // Files that build indexes per partition have exactly one \gexec step; the others have none.
      expect(steps.filter((s) => s.kind === 'gexec').length, file.name).toBe(file.sql.includes('\\gexec') ? 1 : 0);
      expect(steps.every((s) => s.sql.length > 0 && !s.sql.endsWith(';')), file.name).toBe(true);
    }
  });
});
