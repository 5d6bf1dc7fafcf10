/**
 * Reads one side's synth output into the review's data: every stage's stacks (from the cloud assembly's manifests,
 * read as JSON so an assembly written by another aws-cdk-lib version reads too), its rendered manifests, and the
 * reports beside the assembly. Edge plans live beside the output, one `<env>.json` each.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT_BAD_INPUT, GigascaleError } from '../lib/util/errors';
import type { DestructiveAllowance } from '../lib/plan/schema';
import { parseAllowances } from '../lib/review/guard';
import { isRecord } from '../lib/util/json';
import { isCfnTemplate, type StackInput } from '../lib/review/cfn';
import type { EdgeResourceJson } from '../lib/review/reports';
import type { StageOutput, SynthOutput } from '../lib/review/review';
import { ALLOWANCES_FILE, BUDGET_REPORT_FILE, COST_REPORT_FILE, MANIFESTS_DIR } from '../lib/facts/synth-output';

/** A file of the output, parsed; a GigascaleError (exit 2) naming it when it cannot be read or parsed. */
function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (e) {
    throw new GigascaleError('Unreadable synth output', [{ at: file, message: `cannot be read (${(e as Error).message}); synthesize again (npx cdk synth)` }], EXIT_BAD_INPUT);
  }
}
const optionalJson = <T>(file: string): T | null => (existsSync(file) ? (readJson(file) as T) : null);

interface ManifestArtifact {
  readonly type?: string;
  /** A stack's construct path. */
  readonly displayName?: string;
  readonly properties?: {
    /** A stage's assembly directory and name. */
    readonly directoryName?: string;
    readonly displayName?: string;
    readonly templateFile?: string;
    readonly stackName?: string;
  };
}

function artifacts(dir: string): [string, ManifestArtifact][] {
  const manifest = readJson(join(dir, 'manifest.json'));
  const list = isRecord(manifest) && isRecord(manifest.artifacts) ? manifest.artifacts : {};
  return Object.entries(list).filter((e): e is [string, ManifestArtifact] => isRecord(e[1]));
}

function stackOf(stage: string, dir: string, id: string, a: ManifestArtifact): StackInput {
  const file = join(dir, a.properties?.templateFile ?? `${id}.template.json`);
  const template = readJson(file);
  if (!isCfnTemplate(template)) throw new GigascaleError('Unreadable synth output', [{ at: file, message: 'is not a CloudFormation template' }], EXIT_BAD_INPUT);
  return { stage, stackName: a.properties?.stackName ?? id, path: a.displayName ?? id, template };
}

function manifestsOf(outdir: string, stage: string): Map<string, string> {
  const dir = join(outdir, MANIFESTS_DIR, stage);
  if (!existsSync(dir)) return new Map();
  return new Map(readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}

/** The stages of a synth output (its nested assemblies), in synthesis order, with their directories. */
export function assemblyStages(outdir: string): { readonly stage: string; readonly dir: string }[] {
  if (!existsSync(join(outdir, 'manifest.json'))) {
    throw new GigascaleError('Unreadable synth output', [{ at: outdir, message: 'has no manifest.json: it is not a cloud assembly' }]);
  }
  return artifacts(outdir)
    .filter(([, a]) => a.type === 'cdk:cloud-assembly')
    .map(([id, a]) => ({ stage: a.properties?.displayName ?? id.replace(/^assembly-/, ''), dir: join(outdir, a.properties?.directoryName ?? id) }));
}

/** Every stack of every stage of a cloud assembly, in synthesis order. */
export function readAssemblyStacks(outdir: string): StackInput[] {
  return assemblyStages(outdir).flatMap(({ stage, dir }) =>
    artifacts(dir)
      .filter(([, s]) => s.type === 'aws:cloudformation:stack')
      .map(([id, s]) => stackOf(stage, dir, id, s)),
  );
}

/** The allowances synth wrote beside the assembly, checked (lib/review/guard.ts); null when it wrote none. */
export function readAllowances(outdir: string): DestructiveAllowance[] | null {
  const file = join(outdir, ALLOWANCES_FILE);
  return existsSync(file) ? parseAllowances(file, readFileSync(file, 'utf8')) : null;
}

/** The synth output in `outdir`, with the edge plans of `edgeDir` (`<env>.json`; no directory: the edge was not planned). */
export function readSynthOutput(outdir: string, edgeDir: string): SynthOutput {
  const stacks = readAssemblyStacks(outdir);
  const stages: StageOutput[] = assemblyStages(outdir).map(({ stage }) => ({
    stage,
    stacks: stacks.filter((s) => s.stage === stage),
    manifests: manifestsOf(outdir, stage),
  }));
  const edge = existsSync(edgeDir) ? new Map<string, EdgeResourceJson[]>() : null;
  for (const f of edge ? readdirSync(edgeDir).filter((x) => x.endsWith('.json')).sort() : []) {
    edge!.set(f.slice(0, -'.json'.length), readJson(join(edgeDir, f)) as EdgeResourceJson[]);
  }
  return {
    stages,
    budget: optionalJson(join(outdir, BUDGET_REPORT_FILE)),
    cost: optionalJson(join(outdir, COST_REPORT_FILE)),
    allowances: readAllowances(outdir),
    edge,
  };
}
