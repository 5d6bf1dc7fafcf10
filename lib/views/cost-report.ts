/** The capacity plan and its cost as a table for reviewers, and as exact JSON (`npm run -s plan -- --json`). */
import type { EnvironmentPlan } from '../plan/plan';
import { formatTable } from '../util/table';
import { WORKLOADS } from '../facts/workloads';
import { CONSUMERS, consumerWorkload } from '../facts/consumers';
import { stageName } from '../facts/names/stage';
import { CAPACITY_SOURCES, type UnitCapacities } from '../plan/capacities';
import { COST_SERVICES, costRange, estimateCost, type CostEstimate, type CostRange } from './cost';
import { compact, type Sized } from '../plan/planner';
import { PRICE_DATE, PRICE_SOURCE } from '../facts/prices';

/** Every planned count of an environment, by the name a reviewer finds it under in `sizes`. */
export function sizedCounts(env: EnvironmentPlan): [string, Sized][] {
  const c = env.capacity;
  return [
    ['shards', c.shards],
    ['database.writeRegionReaders', c.writeRegionReaders],
    ['database.readersPerRegion', c.readersPerRegion],
    ['cache.shards', c.cacheShards],
    ['bus.brokersPerAz', c.brokersPerAz],
    ['compute.nodesPerAzMin', c.nodesPerAzMin],
    ['compute.nodesPerAzMax', c.nodesPerAzMax],
    ...WORKLOADS.flatMap((w): [string, Sized][] => [
      [`compute.workloads.${w}.minReplicas`, c.replicas[w].minReplicas],
      [`compute.workloads.${w}.maxReplicas`, c.replicas[w].maxReplicas],
    ]),
    ['compute.turn.minReplicas', c.turn.minReplicas],
    ['compute.turn.maxReplicas', c.turn.maxReplicas],
    ...CONSUMERS.flatMap((k): [string, Sized][] => [
      [`compute.consumers.${k}.minReplicas`, c.consumers[k].minReplicas],
      [`compute.consumers.${k}.maxReplicas`, c.consumers[k].maxReplicas],
    ]),
  ];
}

export const money = (n: number): string => `$${Math.round(n).toLocaleString('en-US')}`;
export const perUser = (n: number): string => `$${n < 0.01 ? n.toFixed(4) : n.toFixed(3)}`;

/** Why a count is what it is: the binding constraint's arithmetic, or the planner's figure beside the config's. */
function why(s: Sized): string {
  const top = s.constraints.find((c) => c.value === s.planned)!;
  if (s.binding !== 'set in config') return top.arithmetic;
  const note = s.value < s.planned ? 'BELOW the plan: ' : '';
  return `${note}planned ${s.planned} (${top.name}: ${top.arithmetic})`;
}

export function formatCapacityPlan(env: EnvironmentPlan, cost: CostEstimate = estimateCost(env)): string {
  const w = env.workload;
  const out: string[] = [];
  out.push(`Capacity plan of ${env.name}: phase ${env.phase}, ${env.regions.length} region(s) (${env.regions.map((r) => r.name).join(', ')}), write region ${env.writeRegion}`);
  out.push(
    `Workload: ${compact(w.users)} users (${w.dailyActiveRatio * 100} % daily), at the peak ${compact(w.peakRequestsPerSecond)} requests/s, ` +
      `${compact(w.dbWritesPerSecond)} writes/s, ${compact(w.dbReadsPerSecond)} reads/s, ${compact(w.eventsPerSecond)} events/s of ${w.meanEventBytes} B, ` +
      `${compact(w.concurrentSockets)} sockets; ${compact(w.mediaStorageTB)} TB media (+${compact(w.mediaGrowthTBPerMonth)} TB/month), ${compact(w.databaseTB)} TB database`,
  );
  out.push('');
  const rows = [['size', 'value', 'binding', 'arithmetic']];
  for (const [name, s] of sizedCounts(env)) rows.push([name, String(s.value), s.binding, why(s)]);
  out.push(...formatTable(rows, [false, true, false, false]));
  out.push('');
  out.push(`Monthly cost, USD (on-demand list prices of ${PRICE_DATE}; usage at the mean of peak and trough)`);
  const costRows = [['region', ...COST_SERVICES, 'total']];
  for (const r of env.regions) {
    costRows.push([r.name, ...COST_SERVICES.map((s) => money(cost.lines.filter((l) => l.region === r.name && l.service === s).reduce((a, l) => a + l.monthlyUsd, 0))), money(cost.byRegion[r.name])]);
  }
  costRows.push(['total', ...COST_SERVICES.map((s) => money(cost.byService[s])), money(cost.monthlyUsd)]);
  out.push(...formatTable(costRows, [false, ...COST_SERVICES.map(() => true), true]));
  const b = cost.seedBand;
  out.push('');
  out.push(
    `${money(cost.monthlyUsd)}/month for ${compact(cost.users)} monthly active users: ${perUser(cost.usdPerMau)} per user. ` +
      `Seed: ${money(b.lowUsd)}-${money(b.highUsd)}/month for ${compact(b.users)} users (${perUser(b.lowUsdPerUser)}-${perUser(b.highUsdPerUser)} per user): ` +
      `${cost.usdPerMau < b.lowUsdPerUser ? 'below' : cost.usdPerMau > b.highUsdPerUser ? 'above' : 'within'} the band.`,
  );
  if (cost.unpriced.length > 0) out.push(`Not priced (counted as $0): ${cost.unpriced.join(', ')}`);
  out.push('');
  const range = costRange(env, cost);
  out.push(`Elastic range per region (the autoscalers' floor and ceiling; every other size is fixed):`);
  const scaled = [...WORKLOADS, 'turn', ...CONSUMERS.map(consumerWorkload)] as const;
  const rangeRows = [['region', 'nodes', ...scaled, 'USD/month at min', 'at max']];
  for (const r of elasticRanges(env, range)) {
    rangeRows.push([r.region, span(r.nodes), ...scaled.map((w) => span(r.replicas[w])), money(r.monthly_usd.at_min), money(r.monthly_usd.at_max)]);
  }
  out.push(...formatTable(rangeRows, [false, true, ...scaled.map(() => true), true, true]));
  out.push(`All regions: ${money(range.minUsd)} at the floor, ${money(range.maxUsd)} at the ceiling (the estimate above prices the nodes at the midpoint).`);
  out.push('');
  out.push(`Cost lines of ${env.writeRegion} (other regions differ by their multiplier and their share):`);
  out.push(...formatTable([['service', 'item', 'USD/month', 'arithmetic'], ...cost.lines.filter((l) => l.region === env.writeRegion).map((l) => [l.service, l.item, money(l.monthlyUsd), l.arithmetic])], [false, false, true, false]));
  out.push('');
  out.push('Unit capacities (environments.<env>.capacity replaces any of them):');
  for (const [field, source] of Object.entries(CAPACITY_SOURCES)) {
    out.push(`  ${field} = ${formatCapacity(env.capacities[field as keyof UnitCapacities])}: ${source}`);
  }
  out.push(`Prices: ${PRICE_SOURCE}.`);
  return out.join('\n');
}

const formatCapacity = (v: UnitCapacities[keyof UnitCapacities]): string =>
  typeof v === 'number' ? String(v) : Object.entries(v).map(([k, x]) => `${k} ${x}`).join(', ');

const span = (r: { readonly min: number; readonly max: number }): string => `${r.min}..${r.max}`;

/** What can scale in one region, between the autoscalers' floor and ceiling, and what it costs at each end. */
export interface ElasticRangeJson {
  readonly region: string;
  /** Nodes of the region: per-AZ floor and ceiling x its AZs. */
  readonly nodes: { readonly min: number; readonly max: number };
  /** Replicas of each workload's autoscaler, the TURN relay's and each event consumer's (`memory-consumer`). */
  readonly replicas: Readonly<Record<(typeof WORKLOADS)[number] | 'turn' | ReturnType<typeof consumerWorkload>, { readonly min: number; readonly max: number }>>;
  /** The region's monthly cost with the nodes all month at the floor, at the midpoint (the estimate), at the ceiling. */
  readonly monthly_usd: { readonly at_min: number; readonly mean: number; readonly at_max: number };
}

export function elasticRanges(env: EnvironmentPlan, range: CostRange = costRange(env)): ElasticRangeJson[] {
  const c = env.compute;
  return env.regions.map((r) => {
    const cost = range.byRegion[r.name];
    return {
      region: r.name,
      nodes: { min: c.nodesPerAzMin * r.azs.length, max: c.nodesPerAzMax * r.azs.length },
      replicas: {
        ...Object.fromEntries(WORKLOADS.map((w) => [w, { min: c.workloads[w].minReplicas, max: c.workloads[w].maxReplicas }])),
        turn: { min: c.turn.minReplicas, max: c.turn.maxReplicas },
        ...Object.fromEntries(CONSUMERS.map((k) => [consumerWorkload(k), { min: c.consumers[k].minReplicas, max: c.consumers[k].maxReplicas }])),
      } as ElasticRangeJson['replicas'],
      monthly_usd: { at_min: cost.minUsd, mean: cost.meanUsd, at_max: cost.maxUsd },
    };
  });
}

/** The exact JSON of one environment's plan. */
export function capacityPlanJson(env: EnvironmentPlan, cost: CostEstimate = estimateCost(env)): Record<string, unknown> {
  const range = costRange(env, cost);
  return {
    env: env.name,
    phase: env.phase,
    regions: env.regions.map((r) => r.name),
    write_region: env.writeRegion,
    workload: env.workload,
    capacities: env.capacities,
    sizes: Object.fromEntries(
      sizedCounts(env).map(([name, s]) => [name, { value: s.value, planned: s.planned, binding: s.binding, below_plan: s.value < s.planned, constraints: s.constraints }]),
    ),
    cost: {
      price_date: PRICE_DATE,
      by_region: cost.byRegion,
      by_service: cost.byService,
      lines: cost.lines.map((l) => ({ region: l.region, service: l.service, item: l.item, monthly_usd: l.monthlyUsd, arithmetic: l.arithmetic })),
      seed_band: { users: cost.seedBand.users, low_usd: cost.seedBand.lowUsd, high_usd: cost.seedBand.highUsd },
      unpriced: cost.unpriced,
    },
    elastic: { regions: elasticRanges(env, range), monthly_usd: { at_min: range.minUsd, mean: range.meanUsd, at_max: range.maxUsd } },
    monthly_usd: cost.monthlyUsd,
    usd_per_mau: cost.usdPerMau,
  };
}

/** The monthly estimate of the stages synthesized, as synth writes it to `<outdir>/cost.json` for reviewers. */
export interface StageCostsJson {
  /** Month of the list prices (lib/facts/prices.ts). */
  readonly price_date: string;
  readonly environments: readonly {
    readonly env: string;
    /** Monthly active users the environment is sized for. */
    readonly users: number;
    readonly monthly_usd: number;
    /** With every autoscaler at its floor, and at its ceiling, all month (`monthly_usd` prices the midpoint). */
    readonly min_usd: number;
    readonly max_usd: number;
    readonly usd_per_mau: number;
    /** One per region, in plan order. */
    readonly stages: readonly { readonly stage: string; readonly region: string; readonly monthly_usd: number; readonly min_usd: number; readonly max_usd: number }[];
  }[];
}

/** The monthly estimate of every stage (environment x region) and of each environment. */
export function stageCostJson(environments: readonly EnvironmentPlan[]): StageCostsJson {
  return {
    price_date: PRICE_DATE,
    environments: environments.map((env) => {
      const cost = estimateCost(env);
      const range = costRange(env, cost);
      return {
        env: env.name,
        users: cost.users,
        monthly_usd: cost.monthlyUsd,
        min_usd: range.minUsd,
        max_usd: range.maxUsd,
        usd_per_mau: cost.usdPerMau,
        stages: env.regions.map((r) => ({
          stage: stageName(env.name, r.name),
          region: r.name,
          monthly_usd: cost.byRegion[r.name],
          min_usd: range.byRegion[r.name].minUsd,
          max_usd: range.byRegion[r.name].maxUsd,
        })),
      };
    }),
  };
}

/** Synth's cost summary: the monthly estimate of every stage (environment x region) and of each environment. */
export function formatStageCosts(costs: StageCostsJson): string {
  const rows = [['stage', 'USD/month', 'range (autoscalers at floor..ceiling)']];
  const totals: string[] = [];
  for (const env of costs.environments) {
    for (const s of env.stages) rows.push([s.stage, money(s.monthly_usd), `${money(s.min_usd)}..${money(s.max_usd)}`]);
    totals.push(`${env.env} ${money(env.monthly_usd)} (${money(env.min_usd)}..${money(env.max_usd)}; ${perUser(env.usd_per_mau)} per user of ${compact(env.users)})`);
  }
  return [`Monthly estimate per stage (on-demand list prices of ${costs.price_date}; npm run -s plan -- --env <name> itemizes it):`, ...formatTable(rows, [false, true, true]), `Per environment: ${totals.join('; ')}`].join('\n');
}
