import type { Cidr } from './cidr';
/**
 * Subnet layout of a region's VPC, derived from the VPC prefix and the AZ count so that any CIDR the config
 * allows (/16../20) and any AZ count (2..4) fits. Private subnets hold EKS nodes and pods (the VPC CNI gives every
 * pod a VPC address), so they take the bulk; public subnets hold only ALBs and NAT gateways; isolated subnets
 * hold databases, caches and brokers.
 */
export const MIN_VPC_PREFIX = 16;
export const MAX_VPC_PREFIX = 20;
export const MIN_AZS = 2;
export const MAX_AZS = 4;

export interface SubnetLayout {
  /** Prefix length of each private (egress through NAT) subnet. */
  readonly privatePrefix: number;
  /** Prefix length of each public subnet. */
  readonly publicPrefix: number;
  /** Prefix length of each isolated subnet. */
  readonly isolatedPrefix: number;
}

export function subnetLayout(vpcPrefix: number, azCount: number): SubnetLayout {
  if (vpcPrefix < MIN_VPC_PREFIX || vpcPrefix > MAX_VPC_PREFIX) {
    throw new Error(`VPC prefix must be /${MIN_VPC_PREFIX}../${MAX_VPC_PREFIX}, got /${vpcPrefix}`);
  }
  if (azCount < MIN_AZS || azCount > MAX_AZS) {
    throw new Error(`AZ count must be ${MIN_AZS}..${MAX_AZS}, got ${azCount}`);
  }
  // Private subnets take at most 3/4 of the VPC (1/4 each for up to 3 AZs, 1/8 each for 4) and are laid out
  // first so they stay aligned; public (/7 below the VPC: /23 of a /16, /27 of a /20, ALB's minimum) and
  // isolated (/6 below) follow in the remaining quarter.
  const privatePrefix = vpcPrefix + Math.ceil(Math.log2(azCount + 1));
  return { privatePrefix, publicPrefix: vpcPrefix + 7, isolatedPrefix: vpcPrefix + 6 };
}

/**
 * The private subnets' CIDRs, one per AZ in AZ order: the VPC's first blocks, because private subnets are laid
 * out first (see NetworkStack). Data stores admit their clients by these literal ranges, so the rule a reviewer
 * reads is the rule that applies; a test checks them against the synthesized VPC.
 */
export function privateSubnetCidrs(vpc: Cidr, azCount: number): Cidr[] {
  const { privatePrefix } = subnetLayout(vpc.prefix, azCount);
  const size = 2 ** (32 - privatePrefix);
  return Array.from({ length: azCount }, (_, i) => ({ base: vpc.base + i * size, prefix: privatePrefix }));
}
