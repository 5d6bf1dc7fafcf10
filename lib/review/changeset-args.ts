/** Command line of bin/review-changeset.ts, parsed without side effects so tests can cover every refusal. */
import { EXIT_BAD_INPUT, GigascaleError, type Issue } from '../util/errors';

export interface ChangesetArgs {
  /** The synthesized cloud assembly the change sets were created from. @default 'cdk.out' */
  readonly assembly: string;
  /** Print the report as JSON on stdout instead of text. @default false */
  readonly json: boolean;
  /** describe-change-set output files, in the order given (pages of one change set in any order). */
  readonly files: readonly string[];
  /** Print usage and exit 0. @default false */
  readonly help: boolean;
}

export const CHANGESET_SYNOPSIS = 'usage: npm run -s review:changeset -- [--assembly DIR] [--json] <describe-change-set JSON files...>';

export const CHANGESET_USAGE = `${CHANGESET_SYNOPSIS}

Checks CloudFormation change sets before they are executed: a replacement or removal of a stateful resource is
refused unless the config allows its construct path (review.allowDestructive). Each file is what
aws cloudformation describe-change-set --output json prints; several pages of one change set (same ChangeSetId) are
merged. review/change-sets.sh prepares the change sets with cdk deploy --method=prepare-change-set and fetches them.

  --assembly DIR   the synth output the change sets were created from (default cdk.out): its stacks give each change
                   set's stage and each resource's construct path, its allowed-destructive-changes.json the allowances
  --json           print the report as one JSON object instead of text
Exit codes: 0 no destructive change refused, 1 one refused (do not execute the change sets), 2 bad arguments, an
unreadable, invalid or incomplete change set, or one not created from the assembly.`;

/** Parses argv (without node and script). Throws one GigascaleError (exit 2) listing every bad argument. */
export function parseChangesetArgs(argv: readonly string[]): ChangesetArgs {
  const issues: Issue[] = [];
  const files: string[] = [];
  let assembly: string | undefined;
  let json = false;
  let help = false;
  let positional = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (positional || !arg.startsWith('-')) {
      files.push(arg);
    } else if (arg === '--') {
      positional = true;
    } else if (arg === '--json') {
      json = true;
    } else if (arg === '--help' || arg === '-h') {
      help = true;
    } else if (arg === '--assembly') {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('-')) {
        issues.push({ at: '--assembly', message: 'needs a value: the synth output directory, e.g. --assembly cdk.out' });
        continue;
      }
      i++;
      if (assembly !== undefined) issues.push({ at: '--assembly', message: `given twice (${JSON.stringify(assembly)} and ${JSON.stringify(value)}); give it once` });
      else if (value.trim() === '') issues.push({ at: '--assembly', message: 'must not be empty' });
      else assembly = value;
    } else {
      issues.push({ at: arg, message: 'unknown flag' });
    }
  }
  if (files.length === 0 && !help) {
    issues.push({ at: 'files', message: 'none given: pass the JSON files aws cloudformation describe-change-set --output json printed (review/change-sets.sh writes them)' });
  }
  if (issues.length > 0) throw new GigascaleError('Bad arguments', issues, EXIT_BAD_INPUT);
  return { assembly: assembly ?? 'cdk.out', json, files, help };
}
