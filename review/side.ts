/**
 * One side of a review synthesized: a commit in a temporary worktree with its own node_modules (review/install.ts),
 * or the working tree as it is. Each side runs its own code (`cdk synth`, `edge:plan`), offline, with the review's
 * `-c` context. A commit's output is kept in the cache under its tree, lockfile and context: synth is deterministic,
 * so the next review against the same base reads it instead of synthesizing again.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative } from 'node:path';
import { EXIT_BAD_INPUT, EXIT_CHECK_FAILED, GigascaleError } from '../lib/util/errors';
import { REGION_NAME } from '../lib/facts/regions';
import type { StageCostsJson } from '../lib/views/cost-report';
import { COST_REPORT_FILE } from '../lib/facts/synth-output';
import { addWorktree, fileAt, removeWorktree, treeOf, uncommitted } from './git';
import { linkNodeModules, pruneCache } from './install';
import { assemblyStages } from './output';
import { run, tail } from './run';

/** Synth outputs kept: the bases of the last few reviews. */
export const KEPT_SYNTHS = 8;
/** Bump when what a cache entry holds changes, so old entries are not read as new ones. */
const CACHE_FORMAT = 1;
const COMPLETE = '.complete';

export interface SideOutput {
  /** The synth output directory. */
  readonly outdir: string;
  /** `<env>.json` edge plans. */
  readonly edgeDir: string;
  /** Whether it came from the cache. */
  readonly cached: boolean;
}

export interface SideOptions {
  /** The `-c key=value` for the synth. */
  readonly context: readonly string[];
  /** Progress lines go here (stderr). */
  readonly log: (line: string) => void;
  /** Aborted when the other side fails: this side's commands stop. */
  readonly signal?: AbortSignal;
}

/**
 * The environments an output holds: from its cost.json, which lists them as the plan has them; an output of a version
 * that did not write it gives them by its stage names (`<env>-<region>`).
 */
function synthesizedEnvironments(outdir: string): string[] {
  const costs = join(outdir, COST_REPORT_FILE);
  if (existsSync(costs)) return (JSON.parse(readFileSync(costs, 'utf8')) as StageCostsJson).environments.map((e) => e.env);
  const region = new RegExp(`-${REGION_NAME.source.slice(1, -1)}$`);
  return [...new Set(assemblyStages(outdir).map((s) => s.stage.replace(region, '')))];
}

/** `npx cdk synth` of `projectDir` into `outdir`, then `edge:plan --json` of each environment into `edgeDir`. */
async function synthesize(projectDir: string, outdir: string, edgeDir: string, what: string, exitCode: number, options: SideOptions): Promise<void> {
  const cdk = join(projectDir, 'node_modules', '.bin', 'cdk');
  const synth = await run(cdk, ['synth', '--quiet', '-o', outdir, ...options.context.flatMap((c) => ['-c', c])], projectDir, undefined, options.signal);
  if (synth.code !== 0) {
    throw new GigascaleError('Synth failed', [{ at: what, message: `npx cdk synth exited ${synth.code}:\n${tail(synth.stderr)}` }], exitCode);
  }
  options.log(`${what}: synthesized in ${(synth.ms / 1000).toFixed(1)} s`);
  const scripts = (JSON.parse(readFileSync(join(projectDir, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }).scripts ?? {};
  if (scripts['edge:plan'] === undefined) {
    // No edgeDir: the review reads that as "not planned", not as an edge without resources.
    options.log(`${what}: no edge:plan script, the edge is not compared`);
    return;
  }
  mkdirSync(edgeDir, { recursive: true });
  const config = options.context.find((c) => c.startsWith('config='))?.slice('config='.length);
  const plans = await Promise.all(
    synthesizedEnvironments(outdir).map(async (env) => {
      const r = await run('npm', ['run', '-s', 'edge:plan', '--', '--env', env, '--json', ...(config ? ['--config', config] : [])], projectDir, undefined, options.signal);
      if (r.code !== 0) throw new GigascaleError('Edge plan failed', [{ at: what, message: `npm run -s edge:plan -- --env ${env} exited ${r.code}:\n${tail(r.stderr)}` }], exitCode);
      writeFileSync(join(edgeDir, `${env}.json`), r.stdout);
      return r.ms;
    }),
  );
  options.log(`${what}: edge planned for ${plans.length} environment(s) in ${(Math.max(0, ...plans) / 1000).toFixed(1)} s`);
}

/** The working tree as it is: synthesized into `outdir` (cdk.out, as `npx cdk synth` would). */
export async function synthesizeWorkingTree(projectDir: string, outdir: string, edgeDir: string, options: SideOptions): Promise<SideOutput> {
  rmSync(edgeDir, { recursive: true, force: true });
  await synthesize(projectDir, outdir, edgeDir, 'head (working tree)', EXIT_CHECK_FAILED, options);
  return { outdir, edgeDir, cached: false };
}

export interface CommitSide {
  readonly root: string;
  /** Where the project sits in the repository (`''`, or `infra/`). */
  readonly prefix: string;
  readonly commit: string;
  /** `base abc123` or `head abc123`, for messages. */
  readonly what: string;
  /** Exit code when it fails: 2 for the base (bad input), 1 for the head (the change). */
  readonly exitCode: number;
}

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/**
 * What a commit's synth output depends on: its tree, its lockfile (through the tree), the context and the major
 * version of Node.js; and a config module outside the repository (`-c config=/abs/path`), by its content.
 */
function cacheKey(side: CommitSide, context: readonly string[]): string {
  const config = context.find((c) => c.startsWith('config='))?.slice('config='.length);
  const configPath = config === undefined ? undefined : isAbsolute(config) ? config : join(side.root, side.prefix, config);
  const outside = configPath !== undefined && relative(side.root, configPath).startsWith('..');
  return sha256(
    JSON.stringify({
      format: CACHE_FORMAT,
      tree: treeOf(side.root, side.commit),
      prefix: side.prefix,
      context,
      config: outside && existsSync(configPath) ? sha256(readFileSync(configPath)) : null,
      node: process.versions.node.split('.')[0],
    }),
  );
}

/** A commit synthesized in a temporary worktree, or read from the cache. */
export async function synthesizeCommit(side: CommitSide, cacheDir: string, options: SideOptions): Promise<SideOutput> {
  const started = Date.now();
  if (fileAt(side.root, side.commit, `${side.prefix}package-lock.json`) === undefined) {
    throw new GigascaleError('No lockfile', [{ at: side.what, message: `has no ${side.prefix}package-lock.json: the review installs exactly what a commit's lockfile pins (npm ci)` }], side.exitCode);
  }
  const key = cacheKey(side, options.context);
  const root = join(cacheDir, 'synth');
  const entry = join(root, key);
  if (existsSync(join(entry, COMPLETE))) {
    const now = new Date();
    utimesSync(entry, now, now);
    options.log(`${side.what}: synth output from the cache (${key.slice(0, 12)})`);
    return { outdir: join(entry, 'out'), edgeDir: join(entry, 'edge'), cached: true };
  }
  const work = mkdtempSync(join(tmpdir(), 'gigascale-review-'));
  const tree = join(work, 'tree');
  try {
    addWorktree(side.root, tree, side.commit);
    const dirty = uncommitted(tree);
    if (dirty.length > 0) {
      throw new GigascaleError(
        'Dirty base',
        [{ at: side.what, message: `its checkout differs from the commit (${dirty.slice(0, 5).join(', ')}${dirty.length > 5 ? ', ...' : ''}): git filters or attributes rewrite files, so the review would not compare the commit` }],
        EXIT_BAD_INPUT,
      );
    }
    const projectDir = join(tree, side.prefix);
    const install = await linkNodeModules(projectDir, cacheDir, side.what, options.signal);
    options.log(`${side.what}: node_modules ${install.cached ? 'from the cache' : 'installed (npm ci)'} in ${(install.ms / 1000).toFixed(1)} s (lockfile ${install.lockHash.slice(0, 12)})`);
    mkdirSync(root, { recursive: true });
    const staging = mkdtempSync(join(root, '.staging-'));
    try {
      await synthesize(projectDir, join(staging, 'out'), join(staging, 'edge'), side.what, side.exitCode, options);
      // The review reads templates, manifests and reports; the staged assets (Lambda bundles, tens of MB) stay out.
      for (const name of readdirSync(join(staging, 'out'))) {
        if (name.startsWith('asset.')) rmSync(join(staging, 'out', name), { recursive: true, force: true });
      }
      writeFileSync(join(staging, COMPLETE), '');
      rmSync(entry, { recursive: true, force: true });
      renameSync(staging, entry);
    } catch (e) {
      rmSync(staging, { recursive: true, force: true });
      throw e;
    }
    pruneCache(root, KEPT_SYNTHS);
    options.log(`${side.what}: ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return { outdir: join(entry, 'out'), edgeDir: join(entry, 'edge'), cached: false };
  } finally {
    removeWorktree(side.root, tree);
    rmSync(work, { recursive: true, force: true });
  }
}
