/** The resolved, frozen plan: what stacks, charts and the edge read. Nothing here is optional. */
import type { RdsQuotas } from '../data/quota';
import type { DatabaseSizes, NetworkSizes, Phase } from './phases';
import type { SubnetLayout } from '../net/subnets';

export interface RegionPlan {
  /** AWS region name. */
  readonly name: string;
  /** Availability zones, in subnet order. */
  readonly azs: readonly string[];
  /** VPC CIDR. */
  readonly cidr: string;
  /** Subnet prefix lengths for this VPC. */
  readonly subnets: SubnetLayout;
  /** CIDRs of the private subnets, where compute (EKS nodes and pods) runs; data stores admit only these. */
  readonly computeCidrs: readonly string[];
  /** True for the region that holds the database writers. */
  readonly isWriteRegion: boolean;
}

export interface LatencyBudgets {
  /** P95 budget per hop, milliseconds. */
  readonly hopsMs: Readonly<Record<string, number>>;
  /** P95 target per flow, milliseconds. */
  readonly flowTargetsMs: Readonly<Record<string, number>>;
}

export interface DatabasePlan extends DatabaseSizes {
  /** Aurora PostgreSQL engine version of every shard. */
  readonly engineVersion: string;
  /** `max_connections` of every instance. */
  readonly maxConnections: number;
}

export interface EnvironmentPlan {
  readonly name: string;
  readonly phase: Phase;
  readonly account: string;
  readonly domain: string;
  readonly owner: string;
  readonly costCentre: string;
  readonly writeRegion: string;
  readonly shards: number;
  readonly network: NetworkSizes;
  readonly database: DatabasePlan;
  /** RDS quotas per region the account has (AWS defaults unless the config declares raised ones). */
  readonly quotas: RdsQuotas;
  readonly latencyBudgets: LatencyBudgets;
  readonly regions: readonly RegionPlan[];
}

export interface Plan {
  /** Environments in the order the config lists them. */
  readonly environments: readonly EnvironmentPlan[];
}
