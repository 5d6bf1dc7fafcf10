/**
 * Karpenter's node pools: their limits from the capacity plan (lib/plan/node-pools.ts), the manifests
 * (k8s/node-pools-chart.ts), and which workloads may run on spot nodes.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes manifests, asserted field by field */
import { App, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { addComputeCharts, renderedIngressRefs, renderedBusRefs } from '../k8s';
import { nodePoolSizes } from '../lib/plan/node-pools';
import { planOf } from './support/synth';

const prod = planOf({ env: 'prod' }).environments[0];
const dev = planOf({ env: 'dev' }).environments[0];

function objects(environment = prod, regionName = 'eu-west-1'): Record<string, any>[] {
  const region = environment.regions.find((r) => r.name === regionName)!;
  return addComputeCharts(new App(), { environment, region, ingress: renderedIngressRefs(environment.name, region.name), bus: renderedBusRefs(environment.name, region.name) }).flatMap((c) => Testing.synth(c) as Record<string, any>[]);
}
const find = (all: Record<string, any>[], kind: string, name: string) => all.find((o) => o.kind === kind && o.metadata.name === name)!;

describe('node pool sizes', () => {
  it('gives Karpenter the plan\'s ceiling less the system nodes, split between spot and on-demand by the pods\' CPU', () => {
    // prod: 8 nodes per AZ at most x 3 AZs = 24, less 3 system nodes = 21. At the ceiling the spot-tolerant pods are
    // auth, entity and memory (6 x 1 vCPU each: 18) and the consumers ((52 + 63 + 63) x 0.5: 89) of 125 vCPU (the
    // gateway's 6 x 0.5, chat's and voice's 6 x 1, TURN's 6 x 0.5 besides): 85.6 % -> 18 spot nodes, 3 on-demand.
    expect(prod.compute).toMatchObject({ nodesPerAzMax: 8, nodeInstanceType: 'm7g.2xlarge' });
    expect(nodePoolSizes(prod.compute, 3)).toEqual([
      {
        name: 'on-demand',
        nodes: 3,
        cpu: 24,
        memoryGiB: 96,
        arithmetic: '24 nodes at the ceiling (8 per AZ x 3) - 3 in the managed node groups = 21; less 18 for spot -> 3 x m7g.2xlarge (8 vCPU, 32 GiB)',
      },
      {
        name: 'spot',
        nodes: 18,
        cpu: 144,
        memoryGiB: 576,
        arithmetic:
          "24 nodes at the ceiling (8 per AZ x 3) - 3 in the managed node groups = 21; x 85.6 % of the pods' CPU at the ceiling (auth, entity, memory, the event consumers) -> 18 x m7g.2xlarge (8 vCPU, 32 GiB)",
      },
    ]);
  });

  it('never lets the pools together exceed the fleet ceiling the cost model prices at its maximum', () => {
    for (const env of [prod, dev, planOf({ env: 'prod', regions: 'us-east-1,eu-west-1' }).environments[0]]) {
      for (const region of env.regions) {
        const pools = nodePoolSizes(env.compute, region.azs.length);
        const nodes = pools.reduce((s, p) => s + p.nodes, 0);
        expect(nodes + region.azs.length).toBe(env.compute.nodesPerAzMax * region.azs.length);
      }
    }
  });

  it('gives Karpenter nothing when the managed node groups already hold the ceiling', () => {
    const pools = nodePoolSizes({ ...prod.compute, nodesPerAzMax: 1 }, 3);
    expect(pools.map((p) => [p.name, p.nodes, p.cpu])).toEqual([['on-demand', 0, 0], ['spot', 0, 0]]);
  });
});

describe('NodePoolsChart from the plan', () => {
  const all = objects();

  it('launches Graviton nodes of generation 7 or newer in the region\'s AZs, private, IMDSv2 only, encrypted', () => {
    const nodeClass = find(all, 'EC2NodeClass', 'gigascale');
    expect(nodeClass.spec).toMatchObject({
      instanceProfile: 'gigascale-prod-eu-west-1-karpenter-node',
      amiSelectorTerms: [{ alias: 'al2023@latest' }],
      subnetSelectorTerms: [{ tags: { 'karpenter.sh/discovery': 'gigascale-prod-eu-west-1' } }],
      securityGroupSelectorTerms: [{ tags: { 'aws:eks:cluster-name': 'gigascale-prod-eu-west-1' } }],
      associatePublicIPAddress: false,
      metadataOptions: { httpTokens: 'required', httpPutResponseHopLimit: 1 },
      blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { volumeSize: '50Gi', volumeType: 'gp3', encrypted: true, deleteOnTermination: true } }],
      tags: { project: 'gigascale', env: 'prod', region: 'eu-west-1', concern: 'compute', owner: 'platform', 'cost-centre': 'cc-platform-prod' },
    });
    for (const pool of ['on-demand', 'spot']) {
      const requirements = find(all, 'NodePool', pool).spec.template.spec.requirements;
      expect(requirements).toEqual(
        expect.arrayContaining([
          { key: 'kubernetes.io/arch', operator: 'In', values: ['arm64'] },
          { key: 'topology.kubernetes.io/zone', operator: 'In', values: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'] },
          { key: 'karpenter.k8s.aws/instance-generation', operator: 'Gt', values: ['6'] },
        ]),
      );
    }
  });

  it('caps each pool at its planned CPU and memory, consolidates, and disrupts at most 10 % of its nodes at once', () => {
    for (const pool of nodePoolSizes(prod.compute, 3)) {
      const spec = find(all, 'NodePool', pool.name).spec;
      expect(spec.limits).toEqual({ cpu: String(pool.cpu), memory: `${pool.memoryGiB}Gi` });
      expect(spec.disruption).toEqual({ consolidationPolicy: 'WhenEmptyOrUnderutilized', consolidateAfter: '1m', budgets: [{ nodes: '10%' }] });
      expect(spec.template.spec).toMatchObject({ expireAfter: '720h', terminationGracePeriod: '1h' });
    }
  });

  it('keeps spot capacity behind a taint, tried first by the pods that tolerate it, with on-demand as its fallback', () => {
    const spot = find(all, 'NodePool', 'spot').spec;
    const onDemand = find(all, 'NodePool', 'on-demand').spec;
    expect(spot.template.spec.taints).toEqual([{ key: 'gigascale.io/spot', value: 'true', effect: 'NoSchedule' }]);
    expect(spot.template.spec.requirements[0]).toEqual({ key: 'karpenter.sh/capacity-type', operator: 'In', values: ['spot', 'on-demand'] });
    expect(onDemand.template.spec.requirements[0]).toEqual({ key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'] });
    expect(onDemand.template.spec.taints).toBeUndefined();
    expect(spot.weight).toBeGreaterThan(onDemand.weight);
  });

  it('lets auth, entity, memory and the event consumers tolerate spot nodes, and keeps the gateway, chat, voice and TURN on on-demand', () => {
    const tolerations = Object.fromEntries(
      all.filter((o) => o.kind === 'Deployment').map((d) => [d.metadata.name, d.spec.template.spec.tolerations ?? []]),
    );
    const spot = [{ key: 'gigascale.io/spot', operator: 'Equal', value: 'true', effect: 'NoSchedule' }];
    expect(tolerations).toEqual({
      'gigascale-gateway': [],
      'gigascale-auth': spot,
      'gigascale-entity': spot,
      'gigascale-chat': [],
      'gigascale-voice': [],
      'gigascale-memory': spot,
      'gigascale-memory-consumer': spot,
      'gigascale-analytics-consumer': spot,
      'gigascale-push-consumer': spot,
      'gigascale-turn': [],
    });
  });
});
