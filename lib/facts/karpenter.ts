/**
 * Karpenter, the node autoscaler of every cluster (README "Compute: why Karpenter, not EKS Auto Mode"): the release,
 * where it runs, and the node pools it launches nodes for. The pools' sizes come from the capacity plan
 * (lib/plan/node-pools.ts); their manifests are k8s/node-pools-chart.ts; the AWS side (controller role, node role,
 * interruption queue) is stacks/compute/karpenter.ts.
 */
import type { Workload } from './workloads';

/**
 * The Karpenter release: the Helm chart `oci://public.ecr.aws/karpenter/karpenter` at this version, with the
 * karpenter.sh/v1 and karpenter.k8s.aws/v1 APIs. 1.11 supports Kubernetes 1.29 to 1.35 (the clusters run 1.35:
 * lib/facts/kubernetes.ts); its manifests' schemas are test/fixtures/crds/karpenter.*.json, written from the v1.11
 * API reference.
 */
export const KARPENTER_VERSION = '1.11.1';
export const KARPENTER_CHART_REPOSITORY = 'oci://public.ecr.aws/karpenter/karpenter';
/** Karpenter's own namespace and service account (its Pod Identity association names them). */
export const KARPENTER_NAMESPACE = 'kube-system';
export const KARPENTER_SERVICE_ACCOUNT = 'karpenter';

/**
 * The AMI of Karpenter's nodes, as an EC2NodeClass alias: EKS-optimized Amazon Linux 2023 for the cluster's
 * Kubernetes version. `latest` follows each AMI release: Karpenter marks older nodes drifted and replaces them within
 * the pools' disruption budgets. A dated release (`al2023@v20260501`) holds the fleet on an AMI until the config moves
 * it (`compute.nodeAmiAlias`).
 */
export const DEFAULT_NODE_AMI_ALIAS = 'al2023@latest';
/** What `compute.nodeAmiAlias` accepts: the AL2023 family, at `latest` or a release date. */
export const NODE_AMI_ALIAS = /^al2023@(latest|v\d{8})$/;

/** Tag of the private subnets Karpenter launches into (the network stack sets it; the EC2NodeClass selects on it). */
export const SUBNET_DISCOVERY_TAG = 'karpenter.sh/discovery';

/** Label Karpenter puts on every node it launches, naming its NodePool; the managed node groups' nodes lack it. */
export const KARPENTER_NODEPOOL_LABEL = 'karpenter.sh/nodepool';

/** Nodes per AZ of the managed node groups: the Karpenter controller and the add-ons run there, never on its nodes. */
export const SYSTEM_NODES_PER_AZ = 1;

/** The node pools of every cluster. */
export const NODE_POOLS = ['on-demand', 'spot'] as const;
export type NodePoolName = (typeof NODE_POOLS)[number];

/**
 * Taint of the `spot` pool's nodes: only pods that tolerate an interruption (a 2-minute warning, then the node is
 * gone) go there. Karpenter drains a node on the warning (its interruption queue), and each workload's
 * PodDisruptionBudget and zone spread still hold.
 */
export const SPOT_TAINT = { key: 'gigascale.io/spot', value: 'true', effect: 'NoSchedule' } as const;

/**
 * Workloads that may run on spot capacity: request-response services without long-lived connections, whose pods can
 * be drained on a 2-minute notice without a user noticing more than a retried request. The event consumers tolerate
 * it too (a drained consumer's partitions move to the rest of its group). The gateway (every request
 * passes it), chat and voice (WebSockets and calls held open for minutes) and the TURN relay stay on on-demand nodes.
 */
export const SPOT_WORKLOADS: readonly Workload[] = ['auth', 'entity', 'memory'];

/**
 * How the pools give nodes back. Consolidation on (empty or underused nodes are removed or replaced by cheaper ones)
 * one minute after the last pod change; at most 10 % of a pool's nodes disrupted at once, for any reason (drift,
 * consolidation, expiry); nodes replaced after 30 days so none runs an old AMI and kernel for long.
 */
export const NODE_DISRUPTION = {
  consolidationPolicy: 'WhenEmptyOrUnderutilized',
  consolidateAfter: '1m',
  budgetNodes: '10%',
  expireAfter: '720h',
  /** Longest a draining node waits for its pods (the TURN relay's drain is 75 s) before it is terminated anyway. */
  terminationGracePeriod: '1h',
} as const;

/** Graviton families the pools may launch: compute, general purpose and memory optimized, 7th generation or newer. */
export const NODE_CATEGORIES = ['c', 'm', 'r'] as const;
export const MIN_NODE_GENERATION = 7;
