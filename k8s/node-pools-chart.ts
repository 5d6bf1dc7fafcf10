/**
 * What Karpenter may launch in one region's cluster: one EC2NodeClass (how a node boots) and the NodePools (which
 * nodes, how many at most, and how they are given back), sized by lib/plan/node-pools.ts. The CRDs come with the
 * Karpenter Helm chart the compute stack installs (stacks/compute/karpenter.ts), which therefore applies first.
 *
 * Fields follow the karpenter.sh/v1 NodePool and karpenter.k8s.aws/v1 EC2NodeClass references of the pinned release
 * (lib/facts/karpenter.ts KARPENTER_VERSION); test/k8s-schema.test.ts validates the rendered objects against them.
 */
import { ApiObject, Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import {
  MIN_NODE_GENERATION,
  NODE_CATEGORIES,
  NODE_DISRUPTION,
  SPOT_TAINT,
  SUBNET_DISCOVERY_TAG,
  type NodePoolName,
} from '../lib/facts/karpenter';
import type { NodePoolSize } from '../lib/plan/node-pools';
import { GigascaleError, type Issue } from '../lib/util/errors';
import { CLUSTER_SECURITY_GROUP_TAG } from '../lib/facts/kubernetes';

export const NODE_POOLS_CHART_ID = 'node-pools';
/** The one EC2NodeClass every pool launches from. */
export const NODE_CLASS_NAME = 'gigascale';
/** Root device of the EKS-optimized Amazon Linux 2023 AMIs (as the managed node groups' launch template). */
const AL2023_ROOT_DEVICE = '/dev/xvda';

export interface NodePoolsChartProps {
  /** The EKS cluster (lib/facts/names/compute.ts clusterName): the subnets' and security group's tag value. */
  readonly clusterName: string;
  /** The region's AZs (the plan's); nodes launch only there. */
  readonly azs: readonly string[];
  /** The instance profile of the node role (stacks/compute/karpenter.ts), so Karpenter manages no IAM of its own. */
  readonly instanceProfile: string;
  /** The pools' limits, from lib/plan/node-pools.ts. */
  readonly pools: readonly NodePoolSize[];
  /** EC2NodeClass AMI alias (`al2023@latest` or `al2023@v<date>`). */
  readonly amiAlias: string;
  /** Root volume of each node, GiB. */
  readonly diskGiB: number;
  /** Tags of every instance, volume and network interface Karpenter launches (the stage's cost-allocation tags). */
  readonly tags: Readonly<Record<string, string>>;
}

export class NodePoolsChart extends Chart {
  readonly nodeClass: ApiObject;
  readonly nodePools: ReadonlyMap<NodePoolName, ApiObject>;

  constructor(scope: Construct, id: string, props: NodePoolsChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    validate(this.node.path, props);

    this.nodeClass = new ApiObject(this, 'NodeClass', {
      apiVersion: 'karpenter.k8s.aws/v1',
      kind: 'EC2NodeClass',
      metadata: { name: NODE_CLASS_NAME },
      spec: {
        instanceProfile: props.instanceProfile,
        amiSelectorTerms: [{ alias: props.amiAlias }],
        subnetSelectorTerms: [{ tags: { [SUBNET_DISCOVERY_TAG]: props.clusterName } }],
        securityGroupSelectorTerms: [{ tags: { [CLUSTER_SECURITY_GROUP_TAG]: props.clusterName } }],
        // Private subnets only; a node never gets a public address.
        associatePublicIPAddress: false,
        // IMDSv2 only, hop limit 1: containers cannot reach the node role's credentials (as the managed nodes).
        metadataOptions: { httpEndpoint: 'enabled', httpProtocolIPv6: 'disabled', httpPutResponseHopLimit: 1, httpTokens: 'required' },
        blockDeviceMappings: [
          { deviceName: AL2023_ROOT_DEVICE, ebs: { volumeSize: `${props.diskGiB}Gi`, volumeType: 'gp3', encrypted: true, deleteOnTermination: true } },
        ],
        tags: Object.fromEntries(Object.entries(props.tags).sort(([a], [b]) => (a < b ? -1 : 1))),
      },
    });

    this.nodePools = new Map(props.pools.map((pool) => [pool.name, this.nodePool(pool, props.azs)]));
  }

  private nodePool(pool: NodePoolSize, azs: readonly string[]): ApiObject {
    const spot = pool.name === 'spot';
    return new ApiObject(this, `NodePool-${pool.name}`, {
      apiVersion: 'karpenter.sh/v1',
      kind: 'NodePool',
      metadata: { name: pool.name, annotations: { 'kubernetes.io/description': pool.arithmetic } },
      spec: {
        template: {
          metadata: { labels: { 'gigascale.io/node-pool': pool.name } },
          spec: {
            nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: NODE_CLASS_NAME },
            // Spot first where a workload tolerates it; on-demand when spot has no capacity (Karpenter prefers spot).
            requirements: [
              { key: 'karpenter.sh/capacity-type', operator: 'In', values: spot ? ['spot', 'on-demand'] : ['on-demand'] },
              { key: 'kubernetes.io/arch', operator: 'In', values: ['arm64'] },
              { key: 'kubernetes.io/os', operator: 'In', values: ['linux'] },
              { key: 'topology.kubernetes.io/zone', operator: 'In', values: [...azs] },
              { key: 'karpenter.k8s.aws/instance-category', operator: 'In', values: [...NODE_CATEGORIES] },
              { key: 'karpenter.k8s.aws/instance-generation', operator: 'Gt', values: [String(MIN_NODE_GENERATION - 1)] },
              // Several types, so a spot pool can move when one type's capacity is reclaimed.
              ...(spot ? [{ key: 'node.kubernetes.io/instance-type', operator: 'Exists', minValues: 5 }] : []),
            ],
            ...(spot ? { taints: [{ ...SPOT_TAINT }] } : {}),
            expireAfter: NODE_DISRUPTION.expireAfter,
            terminationGracePeriod: NODE_DISRUPTION.terminationGracePeriod,
          },
        },
        disruption: {
          consolidationPolicy: NODE_DISRUPTION.consolidationPolicy,
          consolidateAfter: NODE_DISRUPTION.consolidateAfter,
          budgets: [{ nodes: NODE_DISRUPTION.budgetNodes }],
        },
        // The cost guard: never more CPU or memory than the plan's ceiling allots this pool.
        limits: { cpu: String(pool.cpu), memory: `${pool.memoryGiB}Gi` },
        // Tolerating pods try the spot pool first.
        weight: spot ? 50 : 10,
      },
    });
  }
}

function validate(path: string, props: NodePoolsChartProps): void {
  const issues: Issue[] = [];
  if (props.azs.length === 0) issues.push({ at: `${path} azs`, message: 'must list the region\'s AZs, got none' });
  for (const pool of props.pools) {
    if (!Number.isInteger(pool.cpu) || pool.cpu < 0) issues.push({ at: `${path} pools.${pool.name}.cpu`, message: `must be a whole number of vCPUs, got ${pool.cpu}` });
  }
  if (new Set(props.pools.map((p) => p.name)).size !== props.pools.length) issues.push({ at: `${path} pools`, message: 'must name each pool once' });
  if (issues.length > 0) throw new GigascaleError('Invalid NodePoolsChart props', issues);
}
