/**
 * What a change does to every stage, offline: the base commit and the head synthesized and compared, and a
 * replacement or removal of a stateful resource refused unless the head's config allows it.
 *   npm run -s review -- --base <git ref> [--head <git ref>] [--json] [--markdown FILE] [-c key=value ...]
 * Exit 0 nothing refused, 1 a destructive change refused (or another failed check), 2 bad input (review/main.ts).
 */
import { GigascaleError } from '../lib/util/errors';
import { runReview } from '../review/main';
import { Aborted } from '../review/run';

// The synths run in process groups of their own (so one side's failure can stop the other's): Ctrl-C reaches them
// through this signal, and the worktrees are removed before the process ends.
const interrupt = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => interrupt.abort());

// process.exitCode, not process.exit(): a report of megabytes written to a pipe must drain before the process ends.
runReview(process.argv.slice(2), process.cwd(), (line) => console.error(`review: ${line}`), interrupt.signal).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof GigascaleError) {
      console.error(`gigascale: ${e.message}`);
      process.exitCode = e.exitCode;
      return;
    }
    if (e instanceof Aborted && interrupt.signal.aborted) {
      console.error('review: interrupted');
      process.exitCode = 130;
      return;
    }
    throw e;
  },
);
