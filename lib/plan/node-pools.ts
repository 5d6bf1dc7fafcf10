/**
 * The node pools of one region's cluster, sized from the capacity plan: what Karpenter may launch at most, so a
 * runaway scale-out (an autoscaler chasing a bad metric, a pod stuck in a crash loop with a surge) has a ceiling,
 * and the cost model's maximum is what can really be spent.
 *
 *   fleet ceiling      nodesPerAzMax x AZs (the planner's, or the config's)
 *   Karpenter's share  the ceiling less the managed node groups (SYSTEM_NODES_PER_AZ x AZs)
 *   spot pool          its workloads' (and the event consumers') share of the pods' CPU at the ceiling, in whole
 *                      nodes (at least one when it has any)
 *   on-demand pool     the rest
 *
 * A pool's limit is in the sizing type's vCPUs and memory (`sizes.compute.nodeInstanceType`): Karpenter may pick other
 * Graviton types, but never more CPU or memory in total.
 */
import { NODE_INSTANCE_TYPE_SHAPES } from '../facts/node-types';
import { NODE_POOLS, SPOT_WORKLOADS, SYSTEM_NODES_PER_AZ, type NodePoolName } from '../facts/karpenter';
import { WORKLOADS } from '../facts/workloads';
import { CONSUMERS } from '../facts/consumers';
import type { ComputePlan } from './plan';

export interface NodePoolSize {
  readonly name: NodePoolName;
  /** Nodes of the sizing type the limits stand for. */
  readonly nodes: number;
  /** `spec.limits.cpu`: vCPUs of all the pool's nodes together. */
  readonly cpu: number;
  /** `spec.limits.memory`, GiB. */
  readonly memoryGiB: number;
  /** How `nodes` was reached, for reviewers. */
  readonly arithmetic: string;
}

/** The pools of a region with `azs` AZs, in NODE_POOLS order. */
export function nodePoolSizes(compute: Pick<ComputePlan, 'nodesPerAzMax' | 'nodeInstanceType' | 'workloads' | 'turn' | 'consumers'>, azs: number): NodePoolSize[] {
  const shape = NODE_INSTANCE_TYPE_SHAPES[compute.nodeInstanceType];
  const ceiling = compute.nodesPerAzMax * azs;
  const karpenter = Math.max(0, ceiling - SYSTEM_NODES_PER_AZ * azs);
  const cpuAtMax = (sizes: { readonly maxReplicas: number; readonly cpuMillis: number }) => sizes.maxReplicas * sizes.cpuMillis;
  // The event consumers tolerate spot too (k8s/consumers-chart.ts).
  const consumersCpu = CONSUMERS.reduce((s, c) => s + cpuAtMax(compute.consumers[c]), 0);
  const spotCpu = SPOT_WORKLOADS.reduce((s, w) => s + cpuAtMax(compute.workloads[w]), 0) + consumersCpu;
  const allCpu = WORKLOADS.reduce((s, w) => s + cpuAtMax(compute.workloads[w]), 0) + cpuAtMax(compute.turn) + consumersCpu;
  const share = allCpu === 0 ? 0 : spotCpu / allCpu;
  const spot = karpenter === 0 || spotCpu === 0 ? 0 : Math.min(karpenter, Math.max(1, Math.round(karpenter * share)));
  const base = `${ceiling} nodes at the ceiling (${compute.nodesPerAzMax} per AZ x ${azs}) - ${SYSTEM_NODES_PER_AZ * azs} in the managed node groups = ${karpenter}`;
  const nodes: Record<NodePoolName, { n: number; why: string }> = {
    spot: { n: spot, why: `${base}; x ${Math.round(share * 1000) / 10} % of the pods' CPU at the ceiling (${SPOT_WORKLOADS.join(', ')}, the event consumers) -> ${spot}` },
    'on-demand': { n: karpenter - spot, why: `${base}; less ${spot} for spot -> ${karpenter - spot}` },
  };
  return NODE_POOLS.map((name) => ({
    name,
    nodes: nodes[name].n,
    cpu: nodes[name].n * shape.vcpus,
    memoryGiB: nodes[name].n * shape.memoryGiB,
    arithmetic: `${nodes[name].why} x ${compute.nodeInstanceType} (${shape.vcpus} vCPU, ${shape.memoryGiB} GiB)`,
  }));
}
