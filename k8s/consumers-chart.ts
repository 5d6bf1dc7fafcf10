/**
 * The seed's event consumers (lib/facts/consumers.ts): Memory, Analytics and Push, each a worker Deployment in its
 * service's consumer group, scaled by KEDA on that group's lag of each topic it reads, between the bounds the capacity
 * planner sets (the topics' partitions cap the ceiling: a pod beyond them would sit idle). Nothing calls them: no
 * Service; their port serves the kubelet's probes. They tolerate spot nodes: an interrupted pod's partitions move to
 * the others of the group, which resume from its last committed offsets.
 *
 * KEDA reads the lag with its operator's own AWS credentials (MSK IAM; the TriggerAuthentication made here), and the
 * brokers' SASL/IAM bootstrap string of the region's bus stack.
 */
import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { CONSUMER_LAG_TARGET_SECONDS, CONSUMER_SPECS, CONSUMERS, consumerTopics, consumerWorkload, type Consumer } from '../lib/facts/consumers';
import type { WorkloadSizes } from '../lib/facts/phases';
import { consumerGroupName } from '../lib/facts/names/bus';
import { K8S_NAMESPACE, SERVICE_CONFIG_CONFIGMAP, workloadName } from '../lib/facts/names/k8s';
import { SERVICE_PORT } from '../lib/facts/workloads';
import { pascalCase } from '../lib/util/strings';
import { awsTriggerAuthentication, scaledObject } from './keda-objects';
import { SERVICE_CONFIG_DIR } from './service-chart';
import { workloadLabels } from './secure-defaults';
import { Workload } from './workload';

export const CONSUMERS_CHART_ID = 'consumers';

export interface ConsumersChartProps {
  readonly environment: string;
  readonly region: string;
  /** Full image URI of each consumer (lib/facts/images.ts imageUri of the plan's `<consumer>-consumer` image). */
  readonly images: Readonly<Record<Consumer, string>>;
  /** Each consumer's replicas and requests (the plan's `compute.consumers`). */
  readonly sizes: Readonly<Record<Consumer, WorkloadSizes>>;
  /** Events per second one pod handles (the plan's `capacities.eventsPerConsumerPod`): sets the lag each pod may hold. */
  readonly eventsPerPod: Readonly<Record<Consumer, number>>;
  /** The bus cluster's SASL/IAM bootstrap brokers (the bus stack's BootstrapBrokers output). */
  readonly bootstrapBrokers: string;
}

export class ConsumersChart extends Chart {
  readonly workloads: ReadonlyMap<Consumer, Workload>;

  constructor(scope: Construct, id: string, props: ConsumersChartProps) {
    super(scope, id, { namespace: K8S_NAMESPACE, disableResourceNameHashes: true });
    awsTriggerAuthentication(this, 'AwsAuthentication', workloadLabels(workloadName('keda-aws'), 'autoscaling'));

    this.workloads = new Map(
      CONSUMERS.map((consumer) => {
        const workload = consumerWorkload(consumer);
        const sizes = props.sizes[consumer];
        const w = new Workload(this, pascalCase(workload), {
          name: workload,
          component: 'consumer',
          image: props.images[consumer],
          sizes,
          description: CONSUMER_SPECS[consumer].description,
          headless: true,
          serve: false,
          scaledBy: 'keda',
          tolerateSpot: true,
          env: {
            GIGASCALE_ENV: props.environment,
            GIGASCALE_REGION: props.region,
            AWS_REGION: props.region,
            GIGASCALE_SERVICE: consumer,
            GIGASCALE_CONSUMER_GROUP: consumerGroupName(consumer),
            GIGASCALE_TOPICS: consumerTopics(consumer).join(','),
            PORT: String(SERVICE_PORT),
            GIGASCALE_CONFIG_DIR: SERVICE_CONFIG_DIR,
          },
          configMaps: [{ name: SERVICE_CONFIG_CONFIGMAP, path: SERVICE_CONFIG_DIR }],
        });
        scaledObject(this, `${pascalCase(workload)}Scaler`, {
          name: workloadName(workload),
          labels: workloadLabels(workloadName(workload), 'consumer'),
          minReplicas: sizes.minReplicas,
          maxReplicas: sizes.maxReplicas,
          triggers: consumerTopics(consumer).map((topic) => ({
            type: 'kafka',
            name: `lag-${topic}`,
            aws: true,
            metadata: {
              bootstrapServers: props.bootstrapBrokers,
              consumerGroup: consumerGroupName(consumer),
              topic,
              // A few seconds of one pod's work per pod; past it KEDA adds pods, up to one per partition.
              lagThreshold: String(props.eventsPerPod[consumer] * CONSUMER_LAG_TARGET_SECONDS),
              offsetResetPolicy: 'latest',
              allowIdleConsumers: 'false',
              sasl: 'aws_msk_iam',
              tls: 'enable',
              awsRegion: props.region,
            },
          })),
        });
        return [consumer, w];
      }),
    );
  }
}
