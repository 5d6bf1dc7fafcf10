/**
 * Splits a psql script into the statements psql would send, one at a time, so the migration runner executes
 * `db/migrations/*.sql` exactly as `psql -v ON_ERROR_STOP=1 -f <file>` would.
 *
 * psql's rules (src/bin/psql/psqlscanslash.l, src/fe_utils/psqlscan.l) that matter here:
 * - a `;` ends a statement unless it is inside a string, a quoted identifier, a dollar-quoted body, a comment or
 *   parentheses;
 * - `'…'` doubles `''` to escape; `E'…'` also takes backslash escapes; `"…"` doubles `""`;
 * - `$$…$$` and `$tag$…$tag$` quote bodies verbatim (a `$` inside an identifier such as `a$b` does not open one);
 * - `--` runs to the end of the line, `/* … *\/` nests;
 * - a backslash outside all of those starts a meta-command that runs to the end of the line. Only `\gexec` is
 *   supported: it sends the query buffer and executes every non-null field of the result, row by row, left to
 *   right, as a statement of its own (how the migrations build one index per partition with CONCURRENTLY, which
 *   cannot run inside a DO block). Any other meta-command is refused rather than silently skipped;
 * - whatever is left in the buffer at the end of the file is sent too.
 * `BEGIN ATOMIC … END` function bodies (SQL-standard bodies, whose inner `;` psql also tracks) are not recognised;
 * the migrations use dollar-quoted bodies instead.
 */
import { EXIT_BAD_INPUT, GigascaleError, type Issue } from '../lib/util/errors';

/** One unit the runner executes: a statement, or a query whose result rows are statements (`\gexec`). */
export interface ScriptStep {
  /** `statement`: run the SQL. `gexec`: run the SQL, then every non-null field of the result as a statement. */
  readonly kind: 'statement' | 'gexec';
  /** The SQL without the terminating `;` and without leading comments. */
  readonly sql: string;
  /** 1-based line of the file where the SQL starts. */
  readonly line: number;
}

const IDENT_CHAR = /[A-Za-z0-9_$\u0080-\uffff]/;
const DOLLAR_TAG = /\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/y;
const META_COMMAND = /\\([A-Za-z]+|\\)?/y;

/**
 * The steps of a psql script, in order. `name` only labels errors. Throws a GigascaleError (exit 2) naming
 * `name:line` for an unterminated string, identifier, dollar quote or comment, an unsupported meta-command, or a
 * `\gexec` with nothing to execute.
 */
export function splitScript(text: string, name: string): ScriptStep[] {
  const steps: ScriptStep[] = [];
  const issues: Issue[] = [];
  const n = text.length;
  let i = 0;
  let line = 1;
  /** Offset and line of the first significant character of the statement being read; -1 between statements. */
  let start = -1;
  let startLine = 0;
  let depth = 0;

  /** Moves to `to`, counting the newlines passed. */
  const advance = (to: number) => {
    for (let k = i; k < to; k++) if (text.charCodeAt(k) === 10) line++;
    i = to;
  };
  const mark = () => {
    if (start < 0) {
      start = i;
      startLine = line;
    }
  };
  const flush = (end: number, kind: ScriptStep['kind']) => {
    steps.push({ kind, sql: text.slice(start, end).trim(), line: startLine });
    start = -1;
    depth = 0;
  };
  const unterminated = (what: string, fix: string) => {
    issues.push({ at: `${name}:${line}`, message: `unterminated ${what} starting here; ${fix}` });
    i = n;
  };

  while (i < n) {
    const c = text[i];
    const next = text[i + 1];
    if (c === '-' && next === '-') {
      const eol = text.indexOf('\n', i);
      advance(eol < 0 ? n : eol);
    } else if (c === '/' && next === '*') {
      const end = blockCommentEnd(text, i);
      if (end < 0) unterminated('/* comment', 'close it with */');
      else advance(end);
    } else if (c === "'") {
      mark();
      const escapes = /[eE]/.test(text[i - 1] ?? '') && !IDENT_CHAR.test(text[i - 2] ?? '');
      const end = quotedEnd(text, i, "'", escapes);
      if (end < 0) unterminated('string literal', "close it with '");
      else advance(end);
    } else if (c === '"') {
      mark();
      const end = quotedEnd(text, i, '"', false);
      if (end < 0) unterminated('quoted identifier', 'close it with "');
      else advance(end);
    } else if (c === '$' && !IDENT_CHAR.test(text[i - 1] ?? '') && matchAt(DOLLAR_TAG, text, i)) {
      mark();
      const tag = matchAt(DOLLAR_TAG, text, i) as string;
      const close = text.indexOf(tag, i + tag.length);
      if (close < 0) unterminated(`dollar-quoted string ${tag}`, `close it with ${tag}`);
      else advance(close + tag.length);
    } else if (c === '\\') {
      const command = matchAt(META_COMMAND, text, i) as string;
      const eol = text.indexOf('\n', i);
      const rest = text.slice(i + command.length, eol < 0 ? n : eol).trim();
      if (command !== '\\gexec') {
        issues.push({ at: `${name}:${line}`, message: `psql meta-command ${command} is not supported; the runner implements only \\gexec` });
      } else if (rest !== '') {
        issues.push({ at: `${name}:${line}`, message: `\\gexec takes no arguments, got "${rest}"; put it on a line of its own` });
      } else if (start < 0) {
        // psql would re-run the previous query, which a reader of the file cannot see: ask for the explicit form.
        issues.push({ at: `${name}:${line}`, message: '\\gexec has no query to run; end the generating SELECT with \\gexec instead of ;' });
      } else {
        flush(i, 'gexec');
      }
      advance(eol < 0 ? n : eol);
    } else if (c === ';' && depth === 0) {
      if (start >= 0) flush(i, 'statement');
      i++;
    } else {
      if (!/\s/.test(c)) mark();
      if (c === '(') depth++;
      else if (c === ')' && depth > 0) depth--;
      advance(i + 1);
    }
  }
  if (start >= 0 && issues.length === 0) flush(n, 'statement');
  if (issues.length > 0) throw new GigascaleError('Cannot read migration script', issues, EXIT_BAD_INPUT);
  return steps;
}

/** Offset just past the `*\/` closing the comment opened at `from`, following nesting; -1 when unterminated. */
function blockCommentEnd(text: string, from: number): number {
  let nesting = 0;
  for (let k = from; k < text.length - 1; k++) {
    if (text[k] === '/' && text[k + 1] === '*') {
      nesting++;
      k++;
    } else if (text[k] === '*' && text[k + 1] === '/') {
      nesting--;
      k++;
      if (nesting === 0) return k + 1;
    }
  }
  return -1;
}

/** Offset just past the quote closing the one at `from` (doubled quotes escape; backslashes too if `escapes`). */
function quotedEnd(text: string, from: number, quote: string, escapes: boolean): number {
  for (let k = from + 1; k < text.length; k++) {
    if (escapes && text[k] === '\\') k++;
    else if (text[k] === quote) {
      if (text[k + 1] === quote) k++;
      else return k + 1;
    }
  }
  return -1;
}

function matchAt(re: RegExp, text: string, at: number): string | undefined {
  re.lastIndex = at;
  return re.exec(text)?.[0];
}
