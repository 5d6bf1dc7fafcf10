/**
 * The static checks of `npm test`, as package.json's scripts run them: the type check (`npm run -s typecheck`), eslint
 * (`npm run -s lint`) and the import rules (`npm run -s lint:deps`). Vitest runs the default export as global
 * setup (vitest.config.mts): the checks start one after the other when the run starts, at the lowest CPU priority,
 * in the CPU the timed tests and the other files leave idle; test/static-checks.test.ts awaits and asserts them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import type { TestProject } from 'vitest/node';
import { PROJECT_ROOT } from '../../lib/plan/cdk-json';
import { backgroundResult, startInBackground } from './background-run';
import type { ProcessRun } from './process';

/** The package.json scripts, in the order they run. */
export const STATIC_CHECKS = ['typecheck', 'lint', 'lint:deps'] as const;
export type StaticCheck = (typeof STATIC_CHECKS)[number];

/** Longest each check may take before it is killed and its test fails (the type check takes about 20 s alone). */
const CHECK_LIMIT_MS = 240_000;

declare module 'vitest' {
  export interface ProvidedContext {
    staticChecks: Record<StaticCheck, string>;
  }
}

export default function setup(project: TestProject): () => Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gigascale-static-checks-'));
  const resultFiles = Object.fromEntries(STATIC_CHECKS.map((check) => [check, join(dir, `${check.replace(':', '-')}.json`)])) as Record<StaticCheck, string>;
  const checks = (async () => {
    for (const check of STATIC_CHECKS) await startInBackground(resultFiles[check], 'npm', ['run', '-s', check], { cwd: PROJECT_ROOT, limitMs: CHECK_LIMIT_MS });
  })();
  project.provide('staticChecks', resultFiles);
  return async () => {
    await checks;
    rmSync(dir, { recursive: true, force: true });
  };
}

/** `npm run -s <check>` of this run, once it has exited. */
export function staticCheck(check: StaticCheck): Promise<ProcessRun> {
  // It waits for the checks before it too.
  return backgroundResult(inject('staticChecks')[check], CHECK_LIMIT_MS * (STATIC_CHECKS.indexOf(check) + 1));
}
