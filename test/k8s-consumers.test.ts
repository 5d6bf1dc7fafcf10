/**
 * The event consumers (k8s/consumers-chart.ts) and chat's scaling on its sockets (k8s/service-chart.ts): KEDA
 * ScaledObjects from the plan, and the workloads they scale.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes manifests, asserted field by field */
import { App, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { addComputeCharts, renderedBusRefs, renderedIngressRefs } from '../k8s';
import { PLATFORM_HPA_BEHAVIOR } from './support/autoscaling';
import { planOf } from './support/synth';

const prod = planOf({ env: 'prod' }).environments[0];
const region = prod.regions.find((r) => r.name === 'eu-west-1')!;
const all = addComputeCharts(new App(), { environment: prod, region, ingress: renderedIngressRefs('prod', 'eu-west-1'), bus: renderedBusRefs('prod', 'eu-west-1') }).flatMap(
  (c) => (Testing.synth(c) as Record<string, any>[]).map((o): Record<string, any> => ({ ...o, chart: c.node.id })),
);
const of = (kind: string, name?: string) => all.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));

describe('event consumers', () => {
  const consumers = ['gigascale-memory-consumer', 'gigascale-analytics-consumer', 'gigascale-push-consumer'];

  it('runs Memory, Analytics and Push as workers: a Deployment each, no Service, no HPA of their own (KEDA makes it)', () => {
    expect(of('Deployment').filter((d) => d.chart === 'consumers').map((d) => d.metadata.name)).toEqual(consumers);
    for (const name of consumers) {
      expect(of('Service', name)).toEqual([]);
      expect(of('HorizontalPodAutoscaler', name)).toEqual([]);
      const deployment = of('Deployment', name)[0];
      expect(deployment.spec.replicas).toBeUndefined();
      expect(deployment.spec.template.spec.tolerations).toEqual([{ key: 'gigascale.io/spot', operator: 'Equal', value: 'true', effect: 'NoSchedule' }]);
      expect(of('PodDisruptionBudget', name)).toHaveLength(1);
    }
    const env = Object.fromEntries(of('Deployment', 'gigascale-analytics-consumer')[0].spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));
    expect(env).toMatchObject({ GIGASCALE_SERVICE: 'analytics', GIGASCALE_CONSUMER_GROUP: 'gigascale.analytics', GIGASCALE_TOPICS: 'user-actions,memory-events', AWS_REGION: 'eu-west-1' });
    expect(of('Deployment', 'gigascale-memory-consumer')[0].spec.template.spec.containers[0].image).toBe(`222222222222.dkr.ecr.eu-west-1.amazonaws.com/${prod.compute.images['memory-consumer']}`);
  });

  it('scales each on its group\'s lag of every topic it reads, between the planned bounds, over MSK IAM with KEDA\'s own credentials', () => {
    const memory = of('ScaledObject', 'gigascale-memory-consumer')[0].spec;
    expect(memory).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'gigascale-memory-consumer' },
      minReplicaCount: prod.compute.consumers.memory.minReplicas,
      maxReplicaCount: prod.compute.consumers.memory.maxReplicas,
      pollingInterval: 15,
      cooldownPeriod: 300,
      advanced: { horizontalPodAutoscalerConfig: { behavior: PLATFORM_HPA_BEHAVIOR } },
      triggers: [
        {
          type: 'kafka',
          name: 'lag-user-actions',
          authenticationRef: { name: 'gigascale-aws' },
          metadata: {
            bootstrapServers: '<prod-eu-west-1-bus output BootstrapBrokers>',
            consumerGroup: 'gigascale.memory',
            topic: 'user-actions',
            // 5,000 events/s per pod x 10 s.
            lagThreshold: '50000',
            offsetResetPolicy: 'latest',
            allowIdleConsumers: 'false',
            sasl: 'aws_msk_iam',
            tls: 'enable',
            awsRegion: 'eu-west-1',
          },
        },
      ],
    });
    expect(of('ScaledObject', 'gigascale-push-consumer')[0].spec.triggers.map((t: any) => [t.name, t.metadata.consumerGroup])).toEqual([
      ['lag-user-actions', 'gigascale.push'],
      ['lag-push-notifications', 'gigascale.push'],
    ]);
    expect(of('TriggerAuthentication', 'gigascale-aws')[0].spec).toEqual({ podIdentity: { provider: 'aws', identityOwner: 'keda' } });
  });

  it("keeps every consumer's ceiling at or under its topics' partitions, and above its floor", () => {
    // prod: user-actions has 52 partitions, memory-events and push-notifications 11 each.
    expect(prod.compute.consumers).toMatchObject({
      memory: { minReplicas: 20, maxReplicas: 52 },
      analytics: { minReplicas: 24, maxReplicas: 63 },
      push: { minReplicas: 24, maxReplicas: 63 },
    });
    expect(prod.capacity.consumers.memory.maxReplicas).toMatchObject({ binding: 'partitions' });
  });

  it('lets a consumer reach only its own dependencies: the bus, HTTPS, and for memory the shards and the cache', () => {
    const ports = (name: string) =>
      of('NetworkPolicy', name)[0].spec.egress.flatMap((r: any) => r.ports.map((p: any) => p.port)).sort((a: number, b: number) => a - b);
    expect(ports('gigascale-memory-consumer')).toEqual([80, 443, 5432, 6379, 9098]);
    expect(ports('gigascale-push-consumer')).toEqual([80, 443, 9098]);
    expect(of('NetworkPolicy', 'gigascale-analytics-consumer')[0].spec.ingress).toBeUndefined();
  });
});

describe('chat', () => {
  it('scales on its open WebSockets as well as its CPU, through KEDA, with no HPA of its own', () => {
    expect(of('HorizontalPodAutoscaler', 'gigascale-chat')).toEqual([]);
    const spec = of('ScaledObject', 'gigascale-chat')[0].spec;
    expect(spec).toMatchObject({
      minReplicaCount: prod.compute.workloads.chat.minReplicas,
      maxReplicaCount: prod.compute.workloads.chat.maxReplicas,
      advanced: { horizontalPodAutoscalerConfig: { behavior: PLATFORM_HPA_BEHAVIOR } },
    });
    expect(spec.triggers).toEqual([
      { type: 'cpu', name: 'cpu', metricType: 'Utilization', metadata: { value: '60' } },
      {
        type: 'aws-cloudwatch',
        name: 'sockets',
        authenticationRef: { name: 'gigascale-aws' },
        metadata: {
          namespace: 'gigascale/chat',
          metricName: 'ConnectedSockets',
          dimensionName: 'Stage',
          dimensionValue: 'prod-eu-west-1',
          metricStat: 'Sum',
          metricStatPeriod: '60',
          metricEndTimeOffset: '60',
          metricCollectionTime: '180',
          // The planner's 10,000 sockets per pod / 1.3 headroom.
          targetMetricValue: '7692',
          minMetricValue: '0',
          awsRegion: 'eu-west-1',
        },
      },
    ]);
    // The other services keep their CPU HPA.
    expect(of('HorizontalPodAutoscaler').map((h) => h.metadata.name).sort()).toEqual(['gigascale-auth', 'gigascale-entity', 'gigascale-gateway', 'gigascale-memory', 'gigascale-turn', 'gigascale-voice']);
  });

  it('tells chat where to report its sockets, and lets it reach the CloudWatch agent on its node', () => {
    const container = of('Deployment', 'gigascale-chat')[0].spec.template.spec.containers[0];
    const env = Object.fromEntries(container.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env).toMatchObject({
      SOCKETS_METRIC_NAMESPACE: 'gigascale/chat',
      SOCKETS_METRIC_NAME: 'ConnectedSockets',
      SOCKETS_METRIC_STAGE: 'prod-eu-west-1',
      EMF_AGENT_PORT: '25888',
      HOST_IP: { fieldRef: { fieldPath: 'status.hostIP' } },
    });
    const egress = of('NetworkPolicy', 'gigascale-chat')[0].spec.egress;
    expect(egress).toContainEqual({ to: [{ ipBlock: { cidr: region.cidr } }], ports: [{ protocol: 'TCP', port: 25888 }] });
  });
});
