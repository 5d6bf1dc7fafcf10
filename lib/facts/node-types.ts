/**
 * Graviton EC2 types the managed node groups may use, with their vCPUs and memory (GiB) from the EC2 instance type
 * pages. Pods per node are capped by the VPC CNI's IP-per-ENI limits unless prefix delegation is on (it is: see
 * stacks/compute/cluster-addons.ts), so CPU and memory are what bound packing.
 */
export const NODE_INSTANCE_TYPE_SHAPES: Readonly<Record<string, { readonly vcpus: number; readonly memoryGiB: number }>> = {
  'm7g.large': { vcpus: 2, memoryGiB: 8 },
  'm7g.xlarge': { vcpus: 4, memoryGiB: 16 },
  'm7g.2xlarge': { vcpus: 8, memoryGiB: 32 },
  'm7g.4xlarge': { vcpus: 16, memoryGiB: 64 },
  'm7g.8xlarge': { vcpus: 32, memoryGiB: 128 },
  'm7g.12xlarge': { vcpus: 48, memoryGiB: 192 },
  'm7g.16xlarge': { vcpus: 64, memoryGiB: 256 },
  'c7g.xlarge': { vcpus: 4, memoryGiB: 8 },
  'c7g.2xlarge': { vcpus: 8, memoryGiB: 16 },
  'c7g.4xlarge': { vcpus: 16, memoryGiB: 32 },
  'c7g.8xlarge': { vcpus: 32, memoryGiB: 64 },
  'r7g.xlarge': { vcpus: 4, memoryGiB: 32 },
  'r7g.2xlarge': { vcpus: 8, memoryGiB: 64 },
  'r7g.4xlarge': { vcpus: 16, memoryGiB: 128 },
};

export const NODE_INSTANCE_TYPES: readonly string[] = Object.keys(NODE_INSTANCE_TYPE_SHAPES);
