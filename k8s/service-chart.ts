/**
 * One HTTP service of the region (auth, entity, chat, voice, memory) from its description in lib/facts/workloads.ts:
 * a Workload behind a headless Service the gateway's Envoy resolves pod by pod (STRICT_DNS), with the region's service
 * config mounted where every service reads it.
 *
 * Nothing secret is in the manifest: a service reads its secrets (voice's OpenAI key) from Secrets Manager with its
 * EKS Pod Identity role, by the names given here, and its cache and bus endpoints from the mounted config.
 */
import { CHAT_SOCKETS_METRIC } from '../lib/facts/keda';
import { EMF_AGENT_PORT } from '../lib/views/probe-target';
import { stageName } from '../lib/facts/names/stage';
import { workloadName } from '../lib/facts/names/k8s';
import { scaledObject } from './keda-objects';
import { workloadLabels } from './secure-defaults';
import { Chart } from 'cdk8s';
import { SPOT_WORKLOADS } from '../lib/facts/karpenter';
import type { Construct } from 'constructs';
import { SOCKET_IO_CHANNEL_PREFIX } from '../lib/facts/cache-acl';
import { SERVICE_PORT, SERVICE_SPECS, type HttpService } from '../lib/facts/workloads';
import type { WorkloadSizes } from '../lib/facts/phases';
import { K8S_NAMESPACE, SERVICE_CONFIG_CONFIGMAP } from '../lib/facts/names/k8s';
import { pascalCase } from '../lib/util/strings';
import { serviceSecretName } from '../lib/facts/names/services';
import { turnHostname } from '../lib/facts/names/ingress';
import { TURN_PORT, TURN_TLS_PORT } from '../lib/facts/workloads';
import { TARGET_CPU_UTILIZATION, Workload } from './workload';

/** Where the service config ConfigMap (`services.json`, `shard-map.json`) is mounted, read-only. */
export const SERVICE_CONFIG_DIR = '/etc/gigascale';

/**
 * Seconds a WebSocket service (a route with `websocket: true`: chat, voice) gets after SIGTERM to close its sockets,
 * so clients reconnect to another pod instead of timing out; the others finish their requests in the default 30.
 */
export const WEBSOCKET_TERMINATION_GRACE_SECONDS = 60;
const DEFAULT_TERMINATION_GRACE_SECONDS = 30;

/**
 * Seconds a terminating service pod keeps serving before SIGTERM: the gateway's Envoy re-resolves the headless name
 * every 5 s (its default dns_refresh_rate) from CoreDNS, which may answer from its cache; the gateway retries a
 * connection the pod then refuses on another pod (lib/views/envoy-config.ts retry_policy).
 */
export const SERVICE_PRE_STOP_SECONDS = 15;

export interface ServiceChartProps {
  /** Environment name (`prod`). */
  readonly environment: string;
  /** AWS region the chart deploys to (`eu-west-1`). */
  readonly region: string;
  /** The service. */
  readonly service: HttpService;
  /** Full image URI (lib/facts/images.ts imageUri of the plan's image for the service). */
  readonly image: string;
  /** Replicas and requests (the plan's `compute.workloads[service]`). */
  readonly sizes: WorkloadSizes;
  /** The environment's domain; voice hands out the region's TURN relay under it (lib/facts/names/ingress.ts turnHostname). */
  readonly domain: string;
  /** Namespace of every object. @default 'gigascale' (K8S_NAMESPACE) */
  readonly namespace?: string;
  /**
   * Chat only: the open WebSockets one pod should hold (the plan's socketsPerChatPod / headroom). KEDA then scales chat
   * on its sockets (CHAT_SOCKETS_METRIC) as well as its CPU. @default - CPU only, by a HorizontalPodAutoscaler
   */
  readonly socketsPerPod?: number;
}

/** Chart ids are file names: cdk8s writes `<id>.k8s.yaml`. */
export function serviceChartId(service: HttpService): string {
  return `service-${service}`;
}

export class ServiceChart extends Chart {
  readonly workload: Workload;

  constructor(scope: Construct, id: string, props: ServiceChartProps) {
    super(scope, id, { namespace: props.namespace ?? K8S_NAMESPACE, disableResourceNameHashes: true });
    const spec = SERVICE_SPECS[props.service];
    const websocket = spec.routes.some((r) => r.websocket);
    this.workload = new Workload(this, pascalCase(props.service), {
      name: props.service,
      component: 'service',
      image: props.image,
      sizes: props.sizes,
      port: SERVICE_PORT,
      description: spec.description,
      headless: true,
      env: serviceEnv(props),
      configMaps: [{ name: SERVICE_CONFIG_CONFIGMAP, path: SERVICE_CONFIG_DIR }],
      terminationGraceSeconds: websocket ? WEBSOCKET_TERMINATION_GRACE_SECONDS : DEFAULT_TERMINATION_GRACE_SECONDS,
      preStopSleepSeconds: SERVICE_PRE_STOP_SECONDS,
      tolerateSpot: SPOT_WORKLOADS.includes(props.service),
      ...(props.socketsPerPod === undefined ? {} : { scaledBy: 'keda' as const, nodeIpEnv: 'HOST_IP' }),
    });
    if (props.socketsPerPod !== undefined) {
      const name = workloadName(props.service);
      scaledObject(this, 'Scaler', {
        name,
        labels: workloadLabels(name, 'service'),
        minReplicas: props.sizes.minReplicas,
        maxReplicas: props.sizes.maxReplicas,
        triggers: [
          { type: 'cpu', name: 'cpu', metricType: 'Utilization', metadata: { value: String(TARGET_CPU_UTILIZATION) } },
          {
            type: 'aws-cloudwatch',
            name: 'sockets',
            aws: true,
            metadata: {
              namespace: CHAT_SOCKETS_METRIC.namespace,
              metricName: CHAT_SOCKETS_METRIC.name,
              dimensionName: CHAT_SOCKETS_METRIC.dimension,
              dimensionValue: stageName(props.environment, props.region),
              metricStat: 'Sum',
              metricStatPeriod: String(CHAT_SOCKETS_METRIC.periodSeconds),
              // The last complete minute: the agent flushes once a minute, so the current one is still filling.
              metricEndTimeOffset: String(CHAT_SOCKETS_METRIC.periodSeconds),
              metricCollectionTime: String(3 * CHAT_SOCKETS_METRIC.periodSeconds),
              targetMetricValue: String(props.socketsPerPod),
              // No data (no pod has reported yet) counts as no sockets: the CPU trigger and the floor hold.
              minMetricValue: '0',
              awsRegion: props.region,
            },
          },
        ],
      });
    }
  }
}

/** The environment of a service's container: where it runs, where its config is, and what it alone needs. */
export function serviceEnv(props: Pick<ServiceChartProps, 'environment' | 'region' | 'service' | 'domain'>): Record<string, string> {
  const spec = SERVICE_SPECS[props.service];
  const env: Record<string, string> = {
    GIGASCALE_ENV: props.environment,
    GIGASCALE_REGION: props.region,
    // The AWS SDKs' region: EKS Pod Identity sets credentials, not the region.
    AWS_REGION: props.region,
    GIGASCALE_SERVICE: props.service,
    PORT: String(SERVICE_PORT),
    GIGASCALE_CONFIG_DIR: SERVICE_CONFIG_DIR,
  };
  // `openai-api-key` -> OPENAI_API_KEY_SECRET: the Secrets Manager name the pod reads with its role.
  for (const key of spec.secrets) env[`${key.toUpperCase().replace(/-/g, '_')}_SECRET`] = serviceSecretName(props.environment, props.service, key);
  if (props.service === 'chat') {
    // Its open sockets, once a minute, as EMF to the CloudWatch agent on the node (CHAT_SOCKETS_METRIC).
    env.SOCKETS_METRIC_NAMESPACE = CHAT_SOCKETS_METRIC.namespace;
    env.SOCKETS_METRIC_NAME = CHAT_SOCKETS_METRIC.name;
    env.SOCKETS_METRIC_STAGE = stageName(props.environment, props.region);
    env.EMF_AGENT_PORT = String(EMF_AGENT_PORT);
    // Socket.io's Redis adapter on the regional cluster-mode cache: the sharded adapter (SPUBLISH/SSUBSCRIBE, so a
    // broadcast reaches only the shard owning the channel), on the channels chat's cache user may use (lib/facts/cache-acl.ts
    // `&socket.io*`), one channel per room (@socket.io/redis-adapter createShardedAdapter subscriptionMode "dynamic").
    env.SOCKETIO_ADAPTER = 'redis-sharded';
    env.SOCKETIO_CHANNEL_PREFIX = SOCKET_IO_CHANNEL_PREFIX;
    env.SOCKETIO_SUBSCRIPTION_MODE = 'dynamic';
  }
  if (props.service === 'voice') {
    // ICE servers for WebRTC clients: the region's relay over UDP, and over TLS for networks that block UDP.
    const host = turnHostname(props.domain, props.region);
    env.TURN_URIS = [`turn:${host}:${TURN_PORT}?transport=udp`, `turns:${host}:${TURN_TLS_PORT}?transport=tcp`].join(',');
  }
  return env;
}
