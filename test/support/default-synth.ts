/**
 * The default config synthesized once per test run, as a platform engineer runs it (`npx cdk synth`, offline), before
 * any test file starts: every test that reads the default stages' output - the compliance gate's report, the CLI's
 * summary, the rendered manifests - reads this one instead of synthesizing all five stages through both nag packs
 * itself. Vitest runs the default export as global setup (vitest.config.ts) and hands the result to the test files
 * (`defaultSynth()`); the output directory is removed when the run ends.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import type { TestProject } from 'vitest/node';
import { PROJECT_ROOT } from '../../lib/plan/cdk-json';
import { CDK, offlineEnv } from './cdk-cli';
import { runProcess } from './process';

export interface DefaultSynth {
  /** The output directory (`-o`): the cloud assembly, k8s/, budget.json, cost.json. Read it; never write into it. */
  readonly outdir: string;
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly elapsedMs: number;
}

declare module 'vitest' {
  export interface ProvidedContext {
    defaultSynth: DefaultSynth;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const outdir = mkdtempSync(join(tmpdir(), 'gigascale-default-synth-'));
  const run = await runProcess(CDK, ['synth', '--quiet', '-o', outdir], { cwd: PROJECT_ROOT, env: offlineEnv(), killAfterMs: 170_000 });
  project.provide('defaultSynth', { outdir, ...run });
  return () => rmSync(outdir, { recursive: true, force: true });
}

/** The default synth of this run; throws, with the CLI's output, if it failed (the tests that read it fail with it). */
export function defaultSynth(): DefaultSynth {
  const synth = inject('defaultSynth');
  if (synth.code !== 0) throw new Error(`npx cdk synth of the default config exited ${synth.code}:\n${synth.stderr}`);
  return synth;
}
