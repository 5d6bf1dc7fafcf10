/**
 * `npm run -s review:changeset`: reads the describe-change-set files and the assembly they were created from, checks
 * them (lib/review/changeset.ts) and prints the report as text or JSON on stdout. Errors go to stderr.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EXIT_BAD_INPUT, EXIT_CHECK_FAILED, EXIT_OK, GigascaleError } from '../lib/util/errors';
import type { ChangeSetInput } from '../lib/review/changeset';
import { loadChangeSets } from '../lib/review/changeset-pages';
import { CHANGESET_SYNOPSIS, CHANGESET_USAGE, parseChangesetArgs, type ChangesetArgs } from '../lib/review/changeset-args';
import { reviewChangeSets } from '../lib/review/changeset-review';
import { formatChangeSetText } from '../lib/review/changeset-text';
import { ALLOWANCES_FILE } from '../lib/facts/synth-output';
import { readAllowances, readAssemblyStacks } from './output';

export interface Output {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const PROCESS_OUTPUT: Output = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) };

function readInputs(cwd: string, files: readonly string[]): ChangeSetInput[] {
  return files.map((file) => {
    try {
      return { file, text: readFileSync(resolve(cwd, file), 'utf8') };
    } catch (e) {
      return { file, unreadable: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message };
    }
  });
}

function check(args: ChangesetArgs, cwd: string, out: Output): number {
  const changeSets = loadChangeSets(readInputs(cwd, args.files));
  const dir = resolve(cwd, args.assembly);
  if (!existsSync(join(dir, 'manifest.json'))) {
    throw new GigascaleError(
      'Unreadable synth output',
      [{ at: args.assembly, message: 'has no manifest.json: it is not a cloud assembly; synthesize it (npx cdk synth) or pass --assembly' }],
      EXIT_BAD_INPUT,
    );
  }
  const stacks = readAssemblyStacks(dir);
  const allowances = readAllowances(dir);
  const report = reviewChangeSets(changeSets, stacks, allowances ?? [], args.assembly);
  out.stdout(
    args.json
      ? `${JSON.stringify(report, null, 2)}\n`
      : `${formatChangeSetText(report, { assembly: args.assembly, allowancesFile: join(args.assembly, ALLOWANCES_FILE), allowancesRead: allowances !== null })}\n`,
  );
  return report.ok ? EXIT_OK : EXIT_CHECK_FAILED;
}

/** Runs the check in `cwd`; returns the exit code. Bad input is reported on stderr with the usage, exit 2. */
export function runChangesetReview(argv: readonly string[], cwd: string, out: Output = PROCESS_OUTPUT): number {
  let args: ChangesetArgs;
  try {
    args = parseChangesetArgs(argv);
  } catch (e) {
    if (!(e instanceof GigascaleError)) throw e;
    out.stderr(`gigascale: ${e.message}\n\n${CHANGESET_USAGE}\n`);
    return e.exitCode;
  }
  if (args.help) {
    out.stdout(`${CHANGESET_USAGE}\n`);
    return EXIT_OK;
  }
  try {
    return check(args, cwd, out);
  } catch (e) {
    if (!(e instanceof GigascaleError)) throw e;
    out.stderr(`gigascale: ${e.message}\n${CHANGESET_SYNOPSIS}\n`);
    return e.exitCode;
  }
}
