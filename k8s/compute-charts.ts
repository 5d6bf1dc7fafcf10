/**
 * Every Kubernetes chart of one environment in one region, from the plan: what the compute stack deploys to the
 * region's cluster and what synth renders as YAML for reviewers (`<outdir>/k8s/<stage>/<chart>.yaml`).
 *
 * The charts are built twice from the same function: inside the compute stack with the ingress stack's target-group
 * ARNs and security-group ids as CDK references, and for rendering with readable placeholders in their place
 * (RENDERED_INGRESS_REFS), so the YAML a reviewer reads is what is deployed, with those values named.
 */
import { App, Yaml, type Chart } from 'cdk8s';
import type { EnvironmentPlan, RegionPlan } from '../lib/plan';
import { imageUri } from '../lib/facts/images';
import { HTTP_SERVICES } from '../lib/facts/workloads';
import { shardMapDocument } from '../lib/views/shard-map-document';
import { shardEndpointName, shardName, shardSecretName } from '../lib/facts/names/data';
import { PROJECT, stageName, TAG_KEYS } from '../lib/facts/names/stage';
import { clusterName, karpenterNodeRoleName } from '../lib/facts/names/compute';
import { nodePoolSizes } from '../lib/plan/node-pools';
import { NodePoolsChart, NODE_POOLS_CHART_ID } from './node-pools-chart';
import { INGRESS_OUTPUTS, turnHostname } from '../lib/facts/names/ingress';
import { serviceConfigDocument } from '../lib/views/service-config-document';
import { GatewayChart, GATEWAY_CHART_ID } from './gateway-chart';
import { MigrationsChart } from './migrations-job';
import { NamespacesChart } from './namespaces-chart';
import { NetworkPoliciesChart, NETWORK_POLICIES_CHART_ID } from './network-policies-chart';
import { ProbeChart, PROBE_CHART_ID } from './probe-chart';
import { SecretSyncChart, SECRET_SYNC_CHART_ID } from './secret-sync-chart';
import { ServiceChart, serviceChartId } from './service-chart';
import { ServiceConfigChart } from './service-config-chart';
import { TargetGroupBindingsChart, TARGET_GROUP_BINDINGS_CHART_ID, type TargetGroupArns } from './target-group-bindings-chart';
import { TurnChart, TURN_CHART_ID } from './turn-chart';
import { ConsumersChart, CONSUMERS_CHART_ID } from './consumers-chart';
import { FisChart, FIS_CHART_ID } from './fis-chart';
import { CONSUMERS, consumerWorkload, type Consumer } from '../lib/facts/consumers';
import { BUS_OUTPUTS } from '../lib/facts/names/bus';

/** What the charts need from the region's ingress stack. */
export interface IngressRefs {
  readonly targetGroupArns: TargetGroupArns;
  readonly albSecurityGroupId: string;
  readonly nlbSecurityGroupId: string;
}

/** The ingress values as rendered YAML shows them: the ingress stack output each one is read from. */
export function renderedIngressRefs(environment: string, region: string): IngressRefs {
  const output = (name: string) => `<${stageName(environment, region)}-ingress output ${name}>`;
  return {
    targetGroupArns: {
      gateway: output(INGRESS_OUTPUTS.gatewayTargetGroupArn),
      chat: output(INGRESS_OUTPUTS.chatTargetGroupArn),
      turnUdp: output(INGRESS_OUTPUTS.turnUdpTargetGroupArn),
      turnTls: output(INGRESS_OUTPUTS.turnTlsTargetGroupArn),
    },
    albSecurityGroupId: output(INGRESS_OUTPUTS.albSecurityGroupId),
    nlbSecurityGroupId: output(INGRESS_OUTPUTS.nlbSecurityGroupId),
  };
}

/** What the charts need from the region's bus stack. */
export interface BusRefs {
  /** The cluster's SASL/IAM bootstrap brokers (KEDA reads the consumers' lag from them). */
  readonly bootstrapBrokers: string;
}

/** The bus values as rendered YAML shows them: the bus stack output each one is read from. */
export function renderedBusRefs(environment: string, region: string): BusRefs {
  return { bootstrapBrokers: `<${stageName(environment, region)}-bus output ${BUS_OUTPUTS.bootstrapBrokers}>` };
}

export interface ComputeChartsProps {
  readonly environment: EnvironmentPlan;
  readonly region: RegionPlan;
  /** Target groups and load-balancer security groups of the region's ingress stack. */
  readonly ingress: IngressRefs;
  /** The bus stack's bootstrap brokers. */
  readonly bus: BusRefs;
}

/**
 * The region's charts, deployed by the compute stack. Chart ids are file names (`<id>.yaml`); `namespaces` comes
 * first, the compute stack applies it before the rest.
 */
export function addComputeCharts(app: App, props: ComputeChartsProps): Chart[] {
  const { environment, region, ingress, bus } = props;
  const env = environment.name;
  const image = (key: keyof EnvironmentPlan['compute']['images']) => imageUri(environment.compute.images[key], environment.account, region.name);

  const charts: Chart[] = [
    new NamespacesChart(app, 'namespaces'),
    new NodePoolsChart(app, NODE_POOLS_CHART_ID, {
      clusterName: clusterName(env, region.name),
      azs: region.azs,
      instanceProfile: karpenterNodeRoleName(env, region.name),
      pools: nodePoolSizes(environment.compute, region.azs.length),
      amiAlias: environment.compute.nodeAmiAlias,
      diskGiB: environment.compute.nodeDiskGiB,
      tags: {
        [TAG_KEYS.project]: PROJECT,
        [TAG_KEYS.env]: env,
        [TAG_KEYS.region]: region.name,
        [TAG_KEYS.concern]: 'compute',
        [TAG_KEYS.owner]: environment.owner,
        [TAG_KEYS.costCentre]: environment.costCentre,
      },
    }),
    new ServiceConfigChart(app, 'service-config', {
      shardMap: shardMapDocument(environment, region),
      services: serviceConfigDocument(environment, region),
    }),
    // TURN's static auth secret; the shards' credentials are synced by the migrations groups' charts.
    new SecretSyncChart(app, SECRET_SYNC_CHART_ID, { env, region: region.name }),
    new GatewayChart(app, GATEWAY_CHART_ID, { image: image('gateway'), sizes: environment.compute.workloads.gateway }),
    ...HTTP_SERVICES.map(
      (service) =>
        new ServiceChart(app, serviceChartId(service), {
          environment: env,
          region: region.name,
          service,
          image: image(service),
          sizes: environment.compute.workloads[service],
          domain: environment.domain,
          // The planner's arithmetic for chat's sockets: socketsPerChatPod / headroom per pod at the peak.
          ...(service === 'chat' ? { socketsPerPod: Math.floor(environment.capacities.socketsPerChatPod / environment.capacities.headroom) } : {}),
        }),
    ),
    new NetworkPoliciesChart(app, NETWORK_POLICIES_CHART_ID, { vpcCidr: region.cidr }),
    new TurnChart(app, TURN_CHART_ID, { image: image('turn'), realm: turnHostname(environment.domain, region.name), sizes: environment.compute.turn }),
    new TargetGroupBindingsChart(app, TARGET_GROUP_BINDINGS_CHART_ID, {
      targetGroupArns: ingress.targetGroupArns,
      albSecurityGroupId: ingress.albSecurityGroupId,
      nlbSecurityGroupId: ingress.nlbSecurityGroupId,
    }),
    new ProbeChart(app, PROBE_CHART_ID, { environment: env, domain: environment.domain, region: region.name, shards: environment.shards, image: image('probe') }),
    new ConsumersChart(app, CONSUMERS_CHART_ID, {
      environment: env,
      region: region.name,
      images: Object.fromEntries(CONSUMERS.map((c) => [c, image(consumerWorkload(c))])) as Record<Consumer, string>,
      sizes: environment.compute.consumers,
      eventsPerPod: environment.capacities.eventsPerConsumerPod,
      bootstrapBrokers: bus.bootstrapBrokers,
    }),
    new FisChart(app, FIS_CHART_ID),
  ];
  return charts;
}

/** The charts of one migrations group: the shards' SecretProviderClasses and their migrations Jobs. */
export interface MigrationCharts {
  /** Group number (lib/facts/shard-groups, MIGRATION_SHARDS_PER_GROUP shards each): stack `<env>-<region>-migrations-<k>`. */
  readonly group: number;
  /** The group's shards, ascending. */
  readonly shards: readonly number[];
  readonly charts: readonly Chart[];
}

/**
 * The write region's per-shard charts, in groups: `shard-secrets-<k>` (SecretProviderClasses syncing the master
 * credentials of the group's shards) and `migrations-<k>` (one Job per shard). Their size grows with the shard count,
 * so they are deployed by stacks of their own (stacks/compute/migrations-stack.ts), never by the compute stack.
 * Empty outside the write region: the shards' secrets and writers are there.
 */
export function addMigrationCharts(app: App, props: Omit<ComputeChartsProps, 'ingress' | 'bus'>): MigrationCharts[] {
  const { environment, region } = props;
  if (!region.isWriteRegion) return [];
  const env = environment.name;
  return environment.database.migrationGroups.map(({ group, shards }) => ({
    group,
    shards,
    charts: [
      new SecretSyncChart(app, `shard-secrets-${group}`, { env, region: region.name, shards, turn: false }),
      new MigrationsChart(app, `migrations-${group}`, {
        image: imageUri(environment.compute.images.migrations, environment.account, region.name),
        memoryPartitions: environment.database.memoryPartitions,
        // Group 0 exists whenever there are shards; the others reuse its ServiceAccount.
        createServiceAccount: group === 0,
        shards: shards.map((s) => ({ name: shardName(s), writerHost: shardEndpointName(env, s, 'writer'), secretName: shardSecretName(env, s) })),
      }),
    ],
  }));
}

/**
 * Every chart of one stage as reviewers read it: `<chart id>.yaml` -> multi-document YAML, the region's charts then the
 * migrations groups', with the ingress stack's values as named placeholders. What synth writes to
 * `<outdir>/k8s/<stage>/` and `npm run k8s` renders.
 */
export function renderStageCharts(environment: EnvironmentPlan, region: RegionPlan): Map<string, string> {
  const app = new App();
  const charts = [
    ...addComputeCharts(app, { environment, region, ingress: renderedIngressRefs(environment.name, region.name), bus: renderedBusRefs(environment.name, region.name) }),
    ...addMigrationCharts(app, { environment, region }).flatMap((m) => m.charts),
  ];
  return new Map(charts.map((chart) => [`${chart.node.id}.yaml`, Yaml.stringify(...chart.toJson())]));
}
