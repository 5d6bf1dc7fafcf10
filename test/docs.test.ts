/**
 * Keeps README.md and docs/*.md honest without synthesizing anything: every relative link resolves to a file of this
 * repository (and a #anchor to one of its headings), every `npm run` script named exists in package.json, every
 * repository path written in backticks exists, the entry page stays short, and no sentence cites this project's own
 * issue numbers (a reader cannot look them up; upstream references such as aws-cdk#31426 are fine).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '..');
const README_MAX_LINES = 200;
/** Top-level folders whose paths the docs write in backticks. */
const REPO_PATH = /^(?:bin|lib|stacks|k8s|edge|probe|db|review|test|bench|local|docs)\/[\w.*<>/-]*/;

interface Doc {
  readonly file: string; // relative to ROOT, with forward slashes
  readonly text: string;
}

function docFiles(): Doc[] {
  const docs = readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`);
  return ['README.md', ...docs].map((file) => ({ file, text: readFileSync(join(ROOT, file), 'utf8') }));
}

/** The text outside fenced code blocks (``` or ````, closed by a fence at least as long), line numbers kept. */
function prose(text: string): string {
  let fence = '';
  return text
    .split('\n')
    .map((line) => {
      const m = /^\s*(`{3,}|~{3,})/.exec(line);
      if (fence === '') {
        if (m) fence = m[1];
        return m ? '' : line;
      }
      if (m && m[1][0] === fence[0] && m[1].length >= fence.length && line.trim() === m[1]) fence = '';
      return '';
    })
    .join('\n');
}

/** GitHub's heading anchor: lower case, punctuation dropped, each space a hyphen; repeats get -1, -2, ... */
function slug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const line of prose(text).split('\n')) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = slug(m[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** The line (from 1) of a character index. */
function lineOf(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

/** Markdown links `[text](target)` outside code, with their line numbers (inline code may span lines). */
function links(text: string): { target: string; line: number }[] {
  const bare = prose(text).replace(/`[^`]*`/g, (code) => code.replace(/[^\n]/g, ' '));
  return [...bare.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => ({ target: m[1], line: lineOf(bare, m.index) }));
}

/** What is wrong with each relative link of `doc`, as "file:line: target: reason". */
function brokenLinks(doc: Doc, root: string = ROOT): string[] {
  const problems: string[] = [];
  for (const { target, line } of links(doc.text)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
    const [pathPart, anchor] = target.split('#', 2) as [string, string | undefined];
    const where = `${doc.file}:${line}: ${target}`;
    if (pathPart === '') {
      if (anchor && !anchors(doc.text).has(anchor)) problems.push(`${where}: no heading with anchor #${anchor} in ${doc.file}`);
      continue;
    }
    const file = resolve(root, dirname(doc.file), decodeURIComponent(pathPart));
    const rel = relative(root, file);
    if (rel.startsWith('..') || rel.split(sep).includes('node_modules')) {
      problems.push(`${where}: points outside the repository`);
      continue;
    }
    if (!existsSync(file)) {
      problems.push(`${where}: no such file ${rel}`);
      continue;
    }
    if (anchor !== undefined && anchor !== '' && file.endsWith('.md') && !anchors(readFileSync(file, 'utf8')).has(anchor)) {
      problems.push(`${where}: no heading with anchor #${anchor} in ${rel}`);
    }
  }
  return problems;
}

/** Scripts named as `npm run <script>` or `npm run -s <script>`, code blocks included. */
function npmScripts(text: string): string[] {
  return [...text.matchAll(/\bnpm run\s+(?:(?:-s|--silent)\s+)?([a-z][\w:.-]*)/g)].map((m) => m[1].replace(/[:.]+$/, ''));
}

/** Repository paths written in backticks outside code blocks (`stacks/data/shard.ts`, `db/migrations/*.sql`). */
function backtickPaths(text: string): { path: string; line: number }[] {
  const body = prose(text);
  const out: { path: string; line: number }[] = [];
  for (const span of body.matchAll(/`([^`]+)`/g)) {
    for (const token of span[1].split(/\s+/)) {
      const m = REPO_PATH.exec(token.replace(/^['"(]+/, ''));
      if (m) out.push({ path: m[0].replace(/[.,:;]+$/, ''), line: lineOf(body, span.index) });
    }
  }
  return out;
}

/**
 * Whether a written path exists: a placeholder segment (`<stage>`) ends the check at the folder before it; a `*` in
 * the last segment must match at least one entry of its folder.
 */
function pathExists(path: string, root: string = ROOT): boolean {
  const segments = path.replace(/\/+$/, '').split('/');
  let dir = root;
  for (const [i, segment] of segments.entries()) {
    if (segment.includes('<')) return true;
    if (segment.includes('*')) {
      const re = new RegExp(`^${segment.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
      return i === segments.length - 1 && readdirSync(dir).some((e) => re.test(e));
    }
    dir = join(dir, segment);
    if (!existsSync(dir)) return false;
    if (i < segments.length - 1 && !statSync(dir).isDirectory()) return false;
  }
  return true;
}

/**
 * This project's issue numbers: the word issue (or issues) before a number, or a bare `#` and digits not preceded by
 * a repository name (aws-cdk#31426 is an upstream reference).
 */
function issueNumbers(text: string): string[] {
  return [...text.matchAll(/\bissues?\s+#?\d+|(?<![\w/.-])#\d+\b/gi)].map((m) => m[0]);
}

const DOCS = docFiles();
const SCRIPTS = Object.keys((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);

describe('the docs', () => {
  it('have an entry page and at least the index in docs/', () => {
    expect(DOCS.map((d) => d.file)).toEqual(expect.arrayContaining(['README.md', 'docs/README.md']));
  });

  it(`keep README.md to at most ${README_MAX_LINES} lines`, () => {
    const readme = DOCS.find((d) => d.file === 'README.md')!;
    expect(readme.text.trimEnd().split('\n').length).toBeLessThanOrEqual(README_MAX_LINES);
  });

  it.each(DOCS.map((d) => [d.file, d] as const))('%s: every relative link resolves to a file and heading of the repository', (_f, doc) => {
    expect(brokenLinks(doc)).toEqual([]);
  });

  it.each(DOCS.map((d) => [d.file, d] as const))('%s: every npm run script it names is in package.json', (_f, doc) => {
    expect(npmScripts(doc.text).filter((s) => !SCRIPTS.includes(s))).toEqual([]);
  });

  it.each(DOCS.map((d) => [d.file, d] as const))('%s: every repository path in backticks exists', (_f, doc) => {
    const missing = backtickPaths(doc.text)
      .filter((p) => !pathExists(p.path))
      .map((p) => `${doc.file}:${p.line}: ${p.path}`);
    expect(missing).toEqual([]);
  });

  it.each(DOCS.map((d) => [d.file, d] as const))('%s: cites no issue numbers of this project', (_f, doc) => {
    expect(issueNumbers(doc.text)).toEqual([]);
  });
});

describe('the docs checks themselves', () => {
  const doc = (text: string): Doc => ({ file: 'docs/sample.md', text });

  it('find a link to a missing file, a missing heading and a folder outside the repository', () => {
    const text = '# Sample\n\n[a](config.md) [b](missing.md) [c](config.md#no-such-heading) [d](../../shared/x.md) [e](#sample)\n';
    expect(brokenLinks(doc(text))).toEqual([
      'docs/sample.md:3: missing.md: no such file docs/missing.md',
      'docs/sample.md:3: config.md#no-such-heading: no heading with anchor #no-such-heading in docs/config.md',
      'docs/sample.md:3: ../../shared/x.md: points outside the repository',
    ]);
  });

  it('ignore links and headings inside code blocks', () => {
    const text = '````md\n### Not a heading\n[x](nowhere.md)\n```diff\n```\n````\n[y](#not-a-heading)\n';
    expect(brokenLinks(doc(text))).toEqual(['docs/sample.md:7: #not-a-heading: no heading with anchor #not-a-heading in docs/sample.md']);
  });

  it.each([
    ['Event bus (`<env>-<region>-bus`)', 'event-bus-env-region-bus'],
    ['Sharding: user id → bucket → shard', 'sharding-user-id--bucket--shard'],
    ['What services are told (`services.json`)', 'what-services-are-told-servicesjson'],
  ])('anchor %j as GitHub does: #%s', (heading, anchor) => {
    expect(slug(heading)).toBe(anchor);
  });

  it('name every npm run script, with or without -s', () => {
    expect(npmScripts('`npm run -s plan -- --env prod`, npm run probe:local and npm run -s edge:plan. npm run -s review: npm test')).toEqual([
      'plan',
      'probe:local',
      'edge:plan',
      'review',
    ]);
  });

  it('find repository paths in backticks and judge globs and placeholders', () => {
    expect(backtickPaths('see `stacks/data/shard.ts`, `review/change-sets.sh\n\'prod-*/*\'` and `alias/gigascale/<env>`\n`lib/plan/`')).toEqual([
      { path: 'stacks/data/shard.ts', line: 1 },
      { path: 'review/change-sets.sh', line: 1 },
      { path: 'lib/plan/', line: 3 },
    ]);
    expect(pathExists('db/migrations/*.sql')).toBe(true);
    expect(pathExists('k8s/<stage>/<chart>.yaml')).toBe(true);
    expect(pathExists('lib/facts/no-such-file.ts')).toBe(false);
    expect(pathExists('db/migrations/*.yaml')).toBe(false);
  });

  it('find issue numbers but not upstream references', () => {
    // The sample is built from parts so that this file does not cite an issue number itself.
    const [word, n, m] = ['issue', 7, 12];
    expect(issueNumbers(`fixed in ${word} ${n} (see #${m}); upstream aws-cdk#31426 and aws-cdk#17362`)).toEqual([`${word} ${n}`, `#${m}`]);
  });
});
