/**
 * node_modules for a checkout of another commit, installed once per package-lock.json: `npm ci` runs in a staging
 * directory of the cache and the result is kept under the lockfile's sha-256, so the next review of a commit with
 * the same lockfile links it in seconds. The checkout gets a symlink, never a copy.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT_BAD_INPUT, GigascaleError } from '../lib/util/errors';
import { run, tail } from './run';

/** Installs kept: a few lockfiles (a base behind a dependency upgrade, and the head's) without filling the disk. */
export const KEPT_INSTALLS = 3;
const COMPLETE = '.complete';

export interface Install {
  /** sha-256 of package-lock.json. */
  readonly lockHash: string;
  /** True when the cache had it. */
  readonly cached: boolean;
  readonly ms: number;
}

export const lockHashOf = (projectDir: string): string => {
  const lock = join(projectDir, 'package-lock.json');
  if (!existsSync(lock)) {
    throw new GigascaleError('No lockfile', [{ at: lock, message: 'is missing: the review installs exactly what package-lock.json pins (npm ci)' }], EXIT_BAD_INPUT);
  }
  return createHash('sha256').update(readFileSync(lock)).digest('hex');
};

/** Links `<projectDir>/node_modules` to the cached install of its lockfile, running `npm ci` first on a miss. */
export async function linkNodeModules(projectDir: string, cacheDir: string, what: string, signal?: AbortSignal): Promise<Install> {
  const started = Date.now();
  if (existsSync(join(projectDir, 'node_modules'))) {
    throw new GigascaleError('node_modules in the commit', [{ at: what, message: 'its checkout already has node_modules (the commit tracks it): the review installs what package-lock.json pins instead; stop tracking node_modules' }], EXIT_BAD_INPUT);
  }
  const lockHash = lockHashOf(projectDir);
  const root = join(cacheDir, 'node_modules');
  const entry = join(root, lockHash);
  const cached = existsSync(join(entry, COMPLETE));
  if (!cached) {
    mkdirSync(root, { recursive: true });
    const staging = mkdtempSync(join(root, '.staging-'));
    try {
      for (const f of ['package.json', 'package-lock.json', '.npmrc']) {
        if (existsSync(join(projectDir, f))) cpSync(join(projectDir, f), join(staging, f));
      }
      const r = await run('npm', ['ci', '--no-audit', '--no-fund'], staging, process.env, signal);
      if (r.code !== 0) {
        throw new GigascaleError('npm ci failed', [{ at: what, message: `npm ci of its package-lock.json exited ${r.code}:\n${tail(r.stderr)}` }], EXIT_BAD_INPUT);
      }
      writeFileSync(join(staging, COMPLETE), '');
      if (existsSync(join(entry, COMPLETE))) rmSync(staging, { recursive: true, force: true });
      else {
        rmSync(entry, { recursive: true, force: true });
        renameSync(staging, entry);
      }
    } catch (e) {
      rmSync(staging, { recursive: true, force: true });
      throw e;
    }
  }
  const now = new Date();
  utimesSync(entry, now, now);
  symlinkSync(join(entry, 'node_modules'), join(projectDir, 'node_modules'), 'dir');
  pruneCache(root, KEPT_INSTALLS);
  return { lockHash, cached, ms: Date.now() - started };
}

/** Removes all but the `keep` most recently used entries of a cache directory (staging directories are left alone). */
export function pruneCache(dir: string, keep: number): void {
  const entries = readdirSync(dir)
    .filter((name) => !name.startsWith('.'))
    .map((name) => ({ name, used: statSync(join(dir, name)).mtimeMs }))
    .sort((a, b) => b.used - a.used || (a.name < b.name ? -1 : 1));
  for (const e of entries.slice(keep)) rmSync(join(dir, e.name), { recursive: true, force: true });
}
