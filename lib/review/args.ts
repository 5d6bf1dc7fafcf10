/** Command line of bin/review.ts, parsed without side effects so tests can cover every refusal. */
import { EXIT_BAD_INPUT, GigascaleError, type Issue } from '../util/errors';

export interface ReviewArgs {
  /** Git ref of the base: a commit, branch or tag. */
  readonly base: string;
  /** Git ref of the head. @default - the working tree, uncommitted changes included */
  readonly head?: string;
  /** Print the report as JSON on stdout instead of text. @default false */
  readonly json: boolean;
  /** Also write the Markdown report (the pull-request comment) to this file. @default - none */
  readonly markdown?: string;
  /** `-c key=value` for both synths, in the order given. @default [] */
  readonly context: readonly string[];
  /** Print usage and exit 0. @default false */
  readonly help: boolean;
}

export const REVIEW_USAGE = `usage: npm run -s review -- --base <git ref> [--head <git ref>] [--json] [--markdown FILE] [-c key=value ...]

Synthesizes the base commit (in a temporary git worktree with its own npm ci, cached by package-lock.json) and the
head (default: the working tree, into cdk.out) offline with the same context, and compares them stage by stage:
CloudFormation stacks and resources (replacements named), IAM and security-group changes, rendered Kubernetes
manifests, latency verdicts, the edge plan and the monthly cost. A replacement or removal of a stateful resource is
refused unless regions.config.ts allows it (review.allowDestructive).

  --base REF        what the change starts from (a commit, branch or tag; e.g. origin/main, HEAD~1)
  --head REF        the change itself, committed (default: the working tree, uncommitted changes included)
  --json            print the report as JSON instead of text
  --markdown FILE   also write the report as Markdown (the pull-request comment) to FILE
  -c KEY=VALUE      context for both synths, as npx cdk synth takes it (e.g. -c env=dev); repeatable
Environment: GIGASCALE_REVIEW_CACHE, the cache directory (default ~/.cache/gigascale/review).
Exit codes: 0 no destructive change refused, 1 one refused (or an allowance matched nothing, or the head does not
synthesize), 2 bad arguments, an unknown ref, a base whose checkout is not clean or does not synthesize.`;

const CONTEXT = /^([A-Za-z0-9@_.:/-]+)=(.*)$/s;

/** Parses argv (without node and script). Throws one GigascaleError (exit 2) listing every bad argument. */
export function parseReviewArgs(argv: readonly string[]): ReviewArgs {
  const issues: Issue[] = [];
  const values = new Map<string, string>();
  const context: string[] = [];
  const contextKeys = new Map<string, string>();
  let json = false;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--json' || arg === '--help' || arg === '-h') {
      if (arg === '--json') json = true;
      else help = true;
      continue;
    }
    const flag = arg === '--context' ? '-c' : arg;
    if (!['--base', '--head', '--markdown', '-c'].includes(flag)) {
      issues.push({ at: arg, message: `${arg.startsWith('-') ? 'unknown flag' : 'unexpected argument'} (--help shows the usage)` });
      continue;
    }
    const value = argv[i + 1];
    if (value === undefined || (value.startsWith('-') && flag !== '-c')) {
      issues.push({ at: flag, message: 'needs a value (--help shows the usage)' });
      continue;
    }
    i++;
    if (flag === '-c') {
      const m = CONTEXT.exec(value);
      if (!m) {
        issues.push({ at: '-c', message: `must be key=value, like -c env=dev, got ${JSON.stringify(value)}` });
      } else if (contextKeys.has(m[1])) {
        issues.push({ at: '-c', message: `${m[1]} is given twice (${JSON.stringify(contextKeys.get(m[1]))} and ${JSON.stringify(m[2])}); give it once` });
      } else {
        contextKeys.set(m[1], m[2]);
        context.push(value);
      }
    } else if (values.has(flag)) {
      issues.push({ at: flag, message: `given twice (${JSON.stringify(values.get(flag))} and ${JSON.stringify(value)}); give it once` });
    } else if (value.trim() === '') {
      issues.push({ at: flag, message: 'must not be empty' });
    } else {
      values.set(flag, value);
    }
  }
  if (!values.has('--base') && !help && !issues.some((i) => i.at === '--base')) {
    issues.push({ at: '--base', message: 'is required: the git ref the change starts from, e.g. --base origin/main or --base HEAD~1' });
  }
  if (issues.length > 0) throw new GigascaleError('Bad arguments', issues, EXIT_BAD_INPUT);
  return { base: values.get('--base') ?? '', head: values.get('--head'), json, markdown: values.get('--markdown'), context, help };
}
