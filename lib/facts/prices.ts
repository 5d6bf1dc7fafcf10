/**
 * AWS on-demand list prices, USD, us-east-1, and multipliers for other regions: the data the cost estimate
 * (lib/views/cost.ts) multiplies. Prices change; this table is dated and says where each figure comes from.
 * gigascale reads no price API at synth (offline, deterministic), so refresh the table by hand and change its date.
 *
 * Source: copies of the AWS Price List API and pricing pages in public repositories and pages, dated 2025-10 to
 * 2026-10 (EC2, EKS, Aurora, RDS Proxy, ElastiCache Valkey, MSK Standard m7g.large-2xlarge and Express large,
 * 4xlarge, 16xlarge, S3, ALB, NAT, data transfer). Figures marked "derived" scale a listed size linearly by vCPU,
 * as AWS's own tables do within a family. Region multipliers are the ratio of m7g.large's price in the region to
 * us-east-1's, applied to every item (an approximation: services differ by a few percent).
 */

import { vcpusOfSize } from './instance-sizes';

export const PRICE_DATE = '2026-10';
export const PRICE_SOURCE =
  'AWS on-demand list prices, us-east-1, as copied from the AWS Price List API and pricing pages into public sources dated 2025-10..2026-10; ' +
  'other regions by the ratio of their m7g.large price; derived sizes scale a listed size by vCPU';

/** Hours AWS bills in a month (8760 / 12). */
export const HOURS_PER_MONTH = 730;
export const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;

/** The sizes of the Graviton families priced here, priced linearly by vCPU within a family. */
const SIZES = ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge'] as const;

/** A family priced per vCPU-hour (`large` costs 2 x perVcpu), with listed exceptions. */
const family = (prefix: string, perVcpuHour: number, listed: Readonly<Record<string, number>> = {}): Record<string, number> =>
  Object.fromEntries(SIZES.map((size) => [`${prefix}.${size}`, listed[size] ?? Math.round(perVcpuHour * vcpusOfSize(size) * 10_000) / 10_000]));

/** EC2 Linux, per instance-hour: m7g 0.0408, c7g 0.03625, r7g 0.05355 per vCPU (all listed sizes match). */
export const EC2_PER_HOUR: Readonly<Record<string, number>> = {
  ...family('m7g', 0.0408),
  ...family('c7g', 0.03625),
  ...family('r7g', 0.05355),
};

/** EKS control plane, standard support, per cluster-hour. */
export const EKS_CLUSTER_PER_HOUR = 0.1;

/** Aurora PostgreSQL, Aurora Standard storage configuration, per instance-hour. */
export const AURORA_PER_HOUR: Readonly<Record<string, number>> = {
  ...family('db.r7g', 0.138, { large: 0.276, xlarge: 0.553, '2xlarge': 1.106, '4xlarge': 2.211, '8xlarge': 4.422, '12xlarge': 6.633, '16xlarge': 8.844 }),
  ...family('db.r8g', 0.138),
  ...family('db.r6g', 0.13, { large: 0.26, xlarge: 0.519 }),
  'db.t4g.medium': 0.073,
};
/** Aurora Standard: storage per GB-month, I/O per million requests, Global Database replicated write I/O per million. */
export const AURORA_STORAGE_PER_GB_MONTH = 0.1;
export const AURORA_IO_PER_MILLION = 0.2;
export const AURORA_REPLICATED_WRITE_IO_PER_MILLION = 0.2;
/** RDS Proxy: per vCPU-hour of the instances behind it, at least 2 vCPUs. */
export const RDS_PROXY_PER_VCPU_HOUR = 0.015;

/** ElastiCache for Valkey, node-based, per node-hour (Valkey lists at 80 % of Redis OSS). */
export const VALKEY_PER_HOUR: Readonly<Record<string, number>> = {
  ...family('cache.r7g', 0.0873, { large: 0.1752, xlarge: 0.3496, '2xlarge': 0.6984, '4xlarge': 1.396, '8xlarge': 2.7928, '12xlarge': 4.188, '16xlarge': 5.5848 }),
  ...family('cache.m7g', 0.0632, { large: 0.1264, xlarge: 0.252 }),
  ...family('cache.r6g', 0.0824),
  ...family('cache.m6g', 0.0592),
};

/** MSK per broker-hour: Standard m7g 0.102 per vCPU (large 0.204); Express twice that (large 0.408, 16xlarge 13.056). */
export const MSK_BROKER_PER_HOUR: Readonly<Record<string, number>> = {
  ...family('kafka.m7g', 0.102),
  ...family('express.m7g', 0.204),
};
/** MSK: Standard EBS and Express storage per GB-month, Express data written per GB, MSK Replicator per hour and per GB. */
export const MSK_STORAGE_PER_GB_MONTH = 0.1;
export const MSK_EXPRESS_DATA_IN_PER_GB = 0.01;
export const MSK_REPLICATOR_PER_HOUR = 0.3;
export const MSK_REPLICATOR_PER_GB = 0.08;

/** S3 Standard per GB-month by tier (first 50 TB, next 450 TB, over 500 TB), Standard-IA per GB-month. */
export const S3_STANDARD_TIERS: readonly (readonly [upToGB: number, perGB: number])[] = [
  [51_200, 0.023],
  [512_000, 0.022],
  [Infinity, 0.021],
];
export const S3_STANDARD_IA_PER_GB_MONTH = 0.0125;

/** Application Load Balancer per hour and per LCU-hour; an LCU is the most of these per hour. */
export const ALB_PER_HOUR = 0.0225;
export const ALB_PER_LCU_HOUR = 0.008;
export const LCU = { newConnectionsPerSecond: 25, activeConnectionsPerMinute: 3000, processedGBPerHour: 1, ruleEvaluationsPerSecond: 1000 } as const;

/** NAT gateway per hour. */
export const NAT_PER_HOUR = 0.045;

/** Data transfer out to the internet per GB by monthly tier (first 10 TB, next 40 TB, next 100 TB, over 150 TB). */
export const INTERNET_OUT_TIERS: readonly (readonly [upToGB: number, perGB: number])[] = [
  [10_240, 0.09],
  [51_200, 0.085],
  [153_600, 0.07],
  [Infinity, 0.05],
];
/** Data transfer between AWS regions per GB (paid by the sending region). */
export const INTER_REGION_PER_GB = 0.02;

/** Price of a region relative to us-east-1 (m7g.large). */
export const REGION_MULTIPLIERS: Readonly<Record<string, number>> = {
  'us-east-1': 1,
  'us-east-2': 1,
  'us-west-2': 1,
  'us-west-1': 1.12,
  'eu-west-1': 1.115,
  'eu-central-1': 1.2,
  'ca-central-1': 1.2,
  'eu-west-2': 1.23,
  'ap-southeast-1': 1.29,
  'ap-northeast-1': 1.31,
  'ap-southeast-2': 1.39,
  'sa-east-1': 1.59,
};
/** A region the table does not list is priced as the dearest it lists (an upper bound, flagged in the estimate). */
export const UNLISTED_REGION_MULTIPLIER = Math.max(...Object.values(REGION_MULTIPLIERS));

/** The price of `gb` GB in a month under a tiered price. */
export function tiered(tiers: readonly (readonly [number, number])[], gb: number): number {
  let cost = 0;
  let from = 0;
  for (const [upTo, perGB] of tiers) {
    if (gb <= from) break;
    cost += (Math.min(gb, upTo) - from) * perGB;
    from = upTo;
  }
  return cost;
}
