/**
 * Context overrides from the command line (`npx cdk synth -c env=prod -c regions=eu-west-1,us-east-1 -c shards=32`).
 * They are parsed here, naming the flag in every error, and then applied to the config before it is validated
 * as a whole, so an override can never produce a plan the file itself could not.
 */
import type { Issue } from '../util/errors';
import { catalogRegion, REGION_NAME } from '../facts/regions';
import { CROSS_REGION_REPLICATION, ENV_NAME, MAX_SHARDS, type CrossRegionReplication, type EnvironmentInput, type GigascaleConfig, type RegionInput } from './schema';
import { integerProblem } from '../util/ranges';

/** Context keys gigascale reads; every other key is CDK's own. */
export const OVERRIDE_KEYS = ['config', 'env', 'regions', 'shards', 'rdsClusterQuota', 'rdsInstanceQuota', 'rdsProxyQuota', 'replication'] as const;

/** `-c rdsClusterQuota=<n>` and friends: the raised RDS quotas, as `quotas.*` in the file would declare them. */
const QUOTA_FLAGS = {
  rdsClusterQuota: 'rdsClustersPerRegion',
  rdsInstanceQuota: 'rdsInstancesPerRegion',
  rdsProxyQuota: 'rdsProxiesPerRegion',
} as const;
type QuotaFlag = keyof typeof QUOTA_FLAGS;
type Quotas = NonNullable<EnvironmentInput['quotas']>;

export interface Overrides {
  /** `-c config=<path>`: config module to load instead of regions.config.ts. */
  readonly config?: string;
  /** `-c env=<name>`: synthesize this environment only. */
  readonly env?: string;
  /** `-c regions=<r1,r2,...>`: the regions of the selected environment(s); the first is the write region. */
  readonly regions?: readonly string[];
  /** `-c shards=<n>`: the shard count of the selected environment(s). */
  readonly shards?: number;
  /** `-c rdsClusterQuota=<n> -c rdsInstanceQuota=<n> -c rdsProxyQuota=<n>`: raised RDS quotas per region. */
  readonly quotas?: Quotas;
  /**
   * `-c replication=off|sources|on`: how much cross-region replication exists (environment field
   * `crossRegionReplication`; docs/deploy.md "First deploy of an environment").
   */
  readonly replication?: CrossRegionReplication;
}

const asText = (v: unknown): string | undefined =>
  typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : undefined;

export interface ParsedOverrides {
  /** The well-formed overrides. */
  readonly overrides: Overrides;
  /** One issue per malformed flag, naming it. */
  readonly issues: readonly Issue[];
}

/** Reads the gigascale keys out of a CDK context object; malformed flags become issues that name the flag. */
export function parseOverrides(context: Readonly<Record<string, unknown>>): ParsedOverrides {
  const issues: Issue[] = [];
  const out: { config?: string; env?: string; regions?: string[]; shards?: number; quotas?: Record<string, number>; replication?: CrossRegionReplication } = {};

  if (context.config !== undefined) {
    const v = asText(context.config);
    if (!v) issues.push({ at: '-c config', message: 'must be the path of a config module, e.g. -c config=./staging.config.ts' });
    else out.config = v;
  }
  if (context.env !== undefined) {
    const v = asText(context.env);
    if (!v || !ENV_NAME.test(v)) issues.push({ at: '-c env', message: `must be an environment name like prod, got ${JSON.stringify(context.env)}` });
    else out.env = v;
  }
  if (context.regions !== undefined) {
    const v = asText(context.regions);
    const names = (v ?? '').split(',').map((s) => s.trim());
    const bad = names.filter((n) => !REGION_NAME.test(n));
    const dupes = names.filter((n, i) => names.indexOf(n) !== i);
    if (!v || bad.length > 0) {
      issues.push({ at: '-c regions', message: `must be a comma-separated list of region names like us-east-1,eu-west-1, got ${JSON.stringify(context.regions)}` });
    } else if (dupes.length > 0) {
      issues.push({ at: '-c regions', message: `lists ${[...new Set(dupes)].join(', ')} more than once` });
    } else {
      out.regions = names;
    }
  }
  if (context.shards !== undefined) {
    const v = asText(context.shards);
    const n = v !== undefined && /^\d+$/.test(v) ? Number(v) : NaN;
    const problem = integerProblem(n, 1, MAX_SHARDS, JSON.stringify(context.shards));
    if (problem !== undefined) {
      issues.push({ at: '-c shards', message: problem });
    } else {
      out.shards = n;
    }
  }
  for (const flag of Object.keys(QUOTA_FLAGS) as QuotaFlag[]) {
    if (context[flag] === undefined) continue;
    const v = asText(context[flag]);
    const n = v !== undefined && /^\d+$/.test(v) ? Number(v) : NaN;
    if (!(n >= 1 && n <= 10_000)) {
      issues.push({ at: `-c ${flag}`, message: `must be the raised quota per region, an integer in 1..10000, got ${JSON.stringify(context[flag])}` });
    } else {
      out.quotas = { ...out.quotas, [QUOTA_FLAGS[flag]]: n };
    }
  }
  if (context.replication !== undefined) {
    const v = asText(context.replication);
    const mode = CROSS_REGION_REPLICATION.find((m) => m === v);
    if (mode === undefined) {
      issues.push({
        at: '-c replication',
        message: `must be off, sources or on (off, then sources, then on for the first deploy of an environment), got ${JSON.stringify(context.replication)}`,
      });
    } else {
      out.replication = mode;
    }
  }
  return { overrides: out, issues };
}

/**
 * Returns the config narrowed and changed by the overrides, and the issues of overrides that do not fit the
 * config. A region named in `-c regions` keeps the AZs and CIDR the file gives it, if any; a region the file does
 * not mention must be in the region catalog.
 */
export function applyOverrides(config: GigascaleConfig, overrides: Overrides): { config: GigascaleConfig; issues: Issue[] } {
  const issues: Issue[] = [];
  const known = Object.keys(config.environments);
  let names = known;
  if (overrides.env !== undefined) {
    if (!known.includes(overrides.env)) {
      issues.push({ at: '-c env', message: `unknown environment ${overrides.env}; the config defines ${known.join(', ') || 'none'}` });
    }
    names = known.filter((n) => n === overrides.env);
  }

  const environments: Record<string, EnvironmentInput> = {};
  for (const name of names) {
    let env = config.environments[name];
    if (overrides.regions) {
      // The config is validated before overrides apply, so every entry is a name or an object with one.
      const fromFile = new Map<string, RegionInput>(env.regions.map((r) => [typeof r === 'string' ? r : r.name, r]));
      for (const r of overrides.regions) {
        if (!fromFile.has(r) && !catalogRegion(r)) {
          issues.push({
            at: '-c regions',
            message: `region ${r} is neither in the region catalog nor defined in environment ${name}; add it with its azs to the config file`,
          });
        }
      }
      env = { ...env, regions: overrides.regions.map((r) => fromFile.get(r) ?? r), writeRegion: overrides.regions[0], latencyBudgets: narrowLatency(env.latencyBudgets, overrides.regions) };
    }
    if (overrides.shards !== undefined) env = { ...env, shards: overrides.shards };
    if (overrides.quotas !== undefined) env = { ...env, quotas: { ...env.quotas, ...overrides.quotas } };
    if (overrides.replication !== undefined) env = { ...env, crossRegionReplication: overrides.replication };
    environments[name] = env;
  }
  return { config: { ...config, environments }, issues };
}


/**
 * The latency settings of the regions `-c regions` keeps: a waiver or round trip of a region left out says nothing
 * about the narrowed environment (and validation would refuse it as naming a region outside it).
 */
function narrowLatency(budgets: EnvironmentInput['latencyBudgets'], regions: readonly string[]): EnvironmentInput['latencyBudgets'] {
  if (budgets === undefined) return undefined;
  const rtt = Object.entries(budgets.interRegionRttMs ?? {}).flatMap(([a, row]) => {
    const kept = Object.entries(row).filter(([b]) => regions.includes(b));
    return regions.includes(a) && kept.length > 0 ? [[a, Object.fromEntries(kept)] as const] : [];
  });
  return {
    ...budgets,
    ...(budgets.interRegionRttMs === undefined ? {} : { interRegionRttMs: Object.fromEntries(rtt) }),
    ...(budgets.waivers === undefined ? {} : { waivers: budgets.waivers.filter((w) => regions.includes(w.region)) }),
  };
}
