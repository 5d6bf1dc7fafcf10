/**
 * `npm run -s review`: both sides synthesized (at once: the base in its worktree, the head in place), read back,
 * compared, and reported as text or JSON on stdout and optionally as the Markdown comment. Progress goes to stderr.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { EXIT_BAD_INPUT, EXIT_CHECK_FAILED, EXIT_OK } from '../lib/util/errors';
import { parseReviewArgs, REVIEW_USAGE } from '../lib/review/args';
import { formatReviewMarkdown } from '../lib/review/markdown-report';
import { reviewChange, type ReviewJson, type ReviewSide } from '../lib/review/review';
import { formatReviewText } from '../lib/review/text-report';
import { commitOf, repositoryOf } from './git';
import { readSynthOutput } from './output';
import { synthesizeCommit, synthesizeWorkingTree, type SideOutput } from './side';

/** Where installs and base outputs are kept: GIGASCALE_REVIEW_CACHE, else the user's cache directory. */
export function reviewCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.GIGASCALE_REVIEW_CACHE) return resolve(env.GIGASCALE_REVIEW_CACHE);
  return join(env.XDG_CACHE_HOME ? resolve(env.XDG_CACHE_HOME) : join(homedir(), '.cache'), 'gigascale', 'review');
}

/**
 * Runs the review in `projectDir` (the directory holding cdk.json); returns the exit code. When `interrupt` aborts
 * (Ctrl-C), the synths stop, the worktrees go, and the promise rejects with Aborted.
 */
export async function runReview(argv: readonly string[], projectDir: string, log: (line: string) => void, interrupt?: AbortSignal): Promise<number> {
  const args = parseReviewArgs(argv);
  if (args.help) {
    process.stdout.write(`${REVIEW_USAGE}\n`);
    return EXIT_OK;
  }
  const { root, prefix } = repositoryOf(projectDir);
  const baseCommit = commitOf(root, args.base, '--base');
  const headCommit = args.head === undefined ? null : commitOf(root, args.head, '--head');
  const cacheDir = reviewCacheDir();
  // The first side to fail stops the other: its error is the one reported, and no synth runs on for nothing.
  const stop = new AbortController();
  interrupt?.addEventListener('abort', () => stop.abort(), { once: true });
  const options = { context: args.context, log, signal: stop.signal };
  const started = Date.now();
  const stopOnFailure = <T>(p: Promise<T>): Promise<T> =>
    p.catch((e: unknown) => {
      stop.abort();
      throw e;
    });

  const [base, head] = await Promise.all([
    stopOnFailure(synthesizeCommit({ root, prefix, commit: baseCommit, what: `base ${args.base} (${baseCommit.slice(0, 12)})`, exitCode: EXIT_BAD_INPUT }, cacheDir, options)),
    stopOnFailure(
      headCommit === null
        ? synthesizeWorkingTree(projectDir, join(projectDir, 'cdk.out'), join(projectDir, '.tmp', 'review', 'edge'), options)
        : synthesizeCommit({ root, prefix, commit: headCommit, what: `head ${args.head} (${headCommit.slice(0, 12)})`, exitCode: EXIT_CHECK_FAILED }, cacheDir, options),
    ),
  ]);
  const sides: { base: ReviewSide; head: ReviewSide } = {
    base: { ref: args.base, commit: baseCommit },
    head: headCommit === null ? { ref: 'working tree', commit: null } : { ref: args.head!, commit: headCommit },
  };
  const report = compare(base, head, { ...sides, context: args.context });
  log(`compared; ${((Date.now() - started) / 1000).toFixed(1)} s in all`);

  if (args.markdown !== undefined) {
    const file = resolve(projectDir, args.markdown);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, formatReviewMarkdown(report));
  }
  process.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReviewText(report)}\n`);
  return report.ok ? EXIT_OK : EXIT_CHECK_FAILED;
}

function compare(base: SideOutput, head: SideOutput, sides: { base: ReviewSide; head: ReviewSide; context: readonly string[] }): ReviewJson {
  return reviewChange(readSynthOutput(base.outdir, base.edgeDir), readSynthOutput(head.outdir, head.edgeDir), sides);
}
