/**
 * Temporary output directories of the CDK apps a test file makes (test/support/synth.ts's newApp), removed once the
 * file has run (test/support/remove-outdirs.ts): each stage with a cluster holds a 37 MB asset. A module of its
 * own, so the setup file that removes them loads nothing else.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];

/** A new empty directory, removed by removeOutdirs(). */
export function newOutdir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gigascale-test-'));
  made.push(dir);
  return dir;
}

/** Removes every directory newOutdir() made so far. */
export function removeOutdirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}
