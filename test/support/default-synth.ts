/**
 * The default config synthesized once per test run, as a platform engineer runs it (`npx cdk synth`, offline): every
 * test that reads the default stages' output - the compliance gate's report, the CLI's summary, the rendered
 * manifests - reads this one instead of synthesizing all five stages through both nag packs itself. Vitest runs the
 * default export as global setup (vitest.config.mts); test files await the result (`await defaultSynth()`).
 *
 * The synth starts when the run starts and runs at the lowest CPU priority (`nice -n 19`, which its children inherit:
 * the CDK CLI runs the app in the same session) while the timed tests run first: they get the cores whenever they
 * want them, and the synth the time they leave idle. Its result is written to a file once it exits; the output
 * directory is removed when the run ends.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import type { TestProject } from 'vitest/node';
import { PROJECT_ROOT } from '../../lib/plan/cdk-json';
import { backgroundResult, startInBackground } from './background-run';
import { CDK, offlineEnv } from './cdk-cli';
import type { ProcessRun } from './process';

/** Longest the synth may take before it is killed and the tests that read it fail. */
const SYNTH_LIMIT_MS = 300_000;

export interface DefaultSynth extends ProcessRun {
  /** The output directory (`-o`): the cloud assembly, k8s/, budget.json, cost.json. Read it; never write into it. */
  readonly outdir: string;
}

interface DefaultSynthFiles {
  readonly outdir: string;
  /** Where the synth's ProcessRun is written, as JSON, once it has exited. */
  readonly resultFile: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    defaultSynth: DefaultSynthFiles;
  }
}

export default function setup(project: TestProject): () => Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gigascale-default-synth-'));
  const files: DefaultSynthFiles = { outdir: join(dir, 'out'), resultFile: join(dir, 'result.json') };
  const synth = startInBackground(files.resultFile, CDK, ['synth', '--quiet', '-o', files.outdir], { cwd: PROJECT_ROOT, env: offlineEnv(), limitMs: SYNTH_LIMIT_MS });
  project.provide('defaultSynth', files);
  return async () => {
    await synth;
    rmSync(dir, { recursive: true, force: true });
  };
}

/** The default synth of this run, once it has ended; throws, with the CLI's output, if it failed. */
export async function defaultSynth(): Promise<DefaultSynth> {
  const { outdir, resultFile } = inject('defaultSynth');
  const run = await backgroundResult(resultFile, SYNTH_LIMIT_MS);
  if (run.code !== 0) throw new Error(`npx cdk synth of the default config exited ${run.code}:\n${run.stderr}`);
  return { outdir, ...run };
}
