/** The resolved, frozen plan: what stacks, charts and the edge read. Nothing here is optional. */
import type { NetworkSizes, Phase } from './phases';
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
  /** True for the region that holds the database writers. */
  readonly isWriteRegion: boolean;
}

export interface LatencyBudgets {
  /** P95 budget per hop, milliseconds. */
  readonly hopsMs: Readonly<Record<string, number>>;
  /** P95 target per flow, milliseconds. */
  readonly flowTargetsMs: Readonly<Record<string, number>>;
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
  readonly latencyBudgets: LatencyBudgets;
  readonly regions: readonly RegionPlan[];
}

export interface Plan {
  /** Environments in the order the config lists them. */
  readonly environments: readonly EnvironmentPlan[];
}
