/**
 * `npm run -s review:changeset`: reads the describe-change-set files and the assembly they were created from, checks
 * them (lib/review/changeset.ts) and prints the report as text or JSON on stdout. Errors go to stderr.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EXIT_BAD_INPUT, EXIT_CHECK_FAILED, EXIT_OK, GigascaleError } from '../lib/errors';
import { isRecord } from '../lib/json';
import { isCfnTemplate, type StackInput } from '../lib/review/cfn';
import type { ChangeSetInput } from '../lib/review/changeset';
import { loadChangeSets } from '../lib/review/changeset-pages';
import { CHANGESET_SYNOPSIS, CHANGESET_USAGE, parseChangesetArgs, type ChangesetArgs } from '../lib/review/changeset-args';
import { parseAllowances, reviewChangeSets } from '../lib/review/changeset-review';
import { formatChangeSetText } from '../lib/review/changeset-text';
import type { DestructiveAllowance } from '../lib/config/schema';
import { ALLOWANCES_FILE } from '../lib/synth-output';
import { assemblyStages } from './output';

export interface Output {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const PROCESS_OUTPUT: Output = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) };

const unreadable = (at: string, e: unknown): GigascaleError =>
  new GigascaleError('Unreadable synth output', [{ at, message: `cannot be read (${(e as Error).message}); synthesize again (npx cdk synth)` }], EXIT_BAD_INPUT);

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (e) {
    throw unreadable(file, e);
  }
}

/**
 * Every stack of the assembly: stage, CloudFormation name, construct path and template, from the manifests read as
 * JSON (as review/output.ts reads them; its reader also loads the reports and rendered manifests this check does not
 * need). `label` is the directory as the user named it, for messages.
 */
export function readAssemblyStacks(dir: string, label: string): StackInput[] {
  if (!existsSync(join(dir, 'manifest.json'))) {
    throw new GigascaleError('Unreadable synth output', [{ at: label, message: 'has no manifest.json: it is not a cloud assembly; synthesize it (npx cdk synth) or pass --assembly' }], EXIT_BAD_INPUT);
  }
  let stages;
  try {
    stages = assemblyStages(dir);
  } catch (e) {
    throw e instanceof GigascaleError ? e : unreadable(join(label, 'manifest.json'), e);
  }
  return stages.flatMap(({ stage, dir: stageDir }) => {
    const manifest = readJson(join(stageDir, 'manifest.json'));
    const artifacts = isRecord(manifest) && isRecord(manifest.artifacts) ? manifest.artifacts : {};
    return Object.entries(artifacts).flatMap(([id, a]) => {
      if (!isRecord(a) || a.type !== 'aws:cloudformation:stack') return [];
      const props = isRecord(a.properties) ? a.properties : {};
      const file = join(stageDir, typeof props.templateFile === 'string' ? props.templateFile : `${id}.template.json`);
      const template = readJson(file);
      if (!isCfnTemplate(template)) throw new GigascaleError('Unreadable synth output', [{ at: file, message: 'is not a CloudFormation template' }], EXIT_BAD_INPUT);
      const stackName = typeof props.stackName === 'string' ? props.stackName : id;
      return [{ stage, stackName, path: typeof a.displayName === 'string' ? a.displayName : id, template }];
    });
  });
}

/** The allowances synth wrote beside the assembly; none when the file is absent (an assembly synthesized without them). */
function readAllowances(dir: string, label: string): { allowances: DestructiveAllowance[]; read: boolean } {
  const file = join(dir, ALLOWANCES_FILE);
  if (!existsSync(file)) return { allowances: [], read: false };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw unreadable(join(label, ALLOWANCES_FILE), e);
  }
  return { allowances: parseAllowances(join(label, ALLOWANCES_FILE), text), read: true };
}

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
  const stacks = readAssemblyStacks(dir, args.assembly);
  const { allowances, read } = readAllowances(dir, args.assembly);
  const report = reviewChangeSets(changeSets, stacks, allowances, args.assembly);
  out.stdout(args.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatChangeSetText(report, { assembly: args.assembly, allowancesFile: join(args.assembly, ALLOWANCES_FILE), allowancesRead: read })}\n`);
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
