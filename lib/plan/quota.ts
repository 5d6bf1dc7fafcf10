/**
 * Quota preflight. RDS quotas are per account and region (defaults: 40 DB clusters, 40 DB instances, 20 proxies);
 * a deploy that needs more fails half-way, after other shards' databases exist. gigascale counts what every region
 * of an environment needs at synth and refuses a plan that does not fit the quotas the config declares.
 */
import type { Issue } from '../util/errors';

export interface RdsQuotas {
  /** Amazon RDS "DB clusters" per region. */
  readonly clustersPerRegion: number;
  /** Amazon RDS "DB instances" per region. */
  readonly instancesPerRegion: number;
  /** Amazon RDS "Proxies" per region. */
  readonly proxiesPerRegion: number;
}

export const DEFAULT_RDS_QUOTAS: RdsQuotas = { clustersPerRegion: 40, instancesPerRegion: 40, proxiesPerRegion: 20 };

export interface RdsNeeds {
  readonly clusters: number;
  readonly instances: number;
  readonly proxies: number;
}

export interface DataTierShape {
  readonly shards: number;
  readonly writeRegionReaders: number;
  readonly readersPerRegion: number;
  readonly proxy: boolean;
}

/** What one region needs: a cluster per shard, its instances (writer + readers in the write region), its proxy. */
export function rdsNeeds(shape: DataTierShape, isWriteRegion: boolean): RdsNeeds {
  const perShard = isWriteRegion ? 1 + shape.writeRegionReaders : shape.readersPerRegion;
  return { clusters: shape.shards, instances: shape.shards * perShard, proxies: shape.proxy ? shape.shards : 0 };
}

const QUOTA_TEXT = {
  clusters: { what: 'Aurora DB clusters', field: 'rdsClustersPerRegion', flag: 'rdsClusterQuota', quota: 'clustersPerRegion', service: 'DB clusters' },
  instances: { what: 'Aurora DB instances', field: 'rdsInstancesPerRegion', flag: 'rdsInstanceQuota', quota: 'instancesPerRegion', service: 'DB instances' },
  proxies: { what: 'RDS proxies', field: 'rdsProxiesPerRegion', flag: 'rdsProxyQuota', quota: 'proxiesPerRegion', service: 'Proxies' },
} as const;

/**
 * One issue per quota the environment exceeds in some region: the regions and what each needs, and how to declare
 * more. The figure to declare is the largest need (quotas are declared once for all regions of an environment).
 */
export function quotaIssues(
  envName: string,
  shape: DataTierShape,
  regions: readonly { readonly name: string; readonly isWriteRegion: boolean }[],
  quotas: RdsQuotas,
): Issue[] {
  const issues: Issue[] = [];
  for (const kind of ['clusters', 'instances', 'proxies'] as const) {
    const t = QUOTA_TEXT[kind];
    const have = quotas[t.quota];
    const over = regions.map((r) => ({ region: r.name, need: rdsNeeds(shape, r.isWriteRegion)[kind] })).filter((n) => n.need > have);
    if (over.length === 0) continue;
    const most = Math.max(...over.map((o) => o.need));
    const declared = have === DEFAULT_RDS_QUOTAS[t.quota] ? 'the AWS default quota' : 'the declared quota';
    issues.push({
      at: `environments.${envName}.quotas.${t.field}`,
      message:
        `${shape.shards} shards need ${byNeed(over, t.what)}, ` +
        `more than ${declared} of ${have} per region. Raise the Amazon RDS quota "${t.service}" in Service Quotas ` +
        `for ${over.length === 1 ? 'that region' : 'those regions'}, then declare it: quotas.${t.field}: ${most} in ` +
        `regions.config.ts, or -c ${t.flag}=${most}`,
    });
  }
  return issues;
}

/** `256 Aurora DB instances in us-east-1 and 128 in us-west-2, eu-west-1`: regions grouped by what they need. */
function byNeed(over: readonly { region: string; need: number }[], what: string): string {
  const groups = new Map<number, string[]>();
  for (const o of over) groups.set(o.need, [...(groups.get(o.need) ?? []), o.region]);
  return [...groups.entries()]
    .sort(([a], [b]) => b - a)
    .map(([need, regions], i) => `${need}${i === 0 ? ` ${what}` : ''} in ${regions.join(', ')}`)
    .join(' and ');
}
