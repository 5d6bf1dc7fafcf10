/**
 * The region's API gateway: Envoy with the bootstrap of lib/views/envoy-config.ts in a ConfigMap, behind a ClusterIP
 * Service the ALB's TargetGroupBinding finds the pod IPs through. The pod template carries a checksum of the
 * bootstrap: Envoy reads it only at start, so a changed route or limit must roll the pods to take effect.
 */
import { createHash } from 'node:crypto';
import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-33';
import type { Construct } from 'constructs';
import { envoyBootstrap, type EnvoyBootstrapProps } from '../lib/views/envoy-config';
import { GATEWAY, GATEWAY_HEALTH_PATH, GATEWAY_PORT } from '../lib/facts/workloads';
import type { WorkloadSizes } from '../lib/facts/phases';
import { GATEWAY_ENVOY_CONFIGMAP, K8S_NAMESPACE, workloadName } from '../lib/facts/names/k8s';
import { workloadLabels } from './secure-defaults';
import { Workload } from './workload';

/** Chart ids are file names: cdk8s writes `<id>.k8s.yaml`. */
export const GATEWAY_CHART_ID = 'gateway';
/** Key of the bootstrap in the ConfigMap, and so its file name under ENVOY_CONFIG_DIR. */
export const ENVOY_CONFIG_KEY = 'envoy.json';
export const ENVOY_CONFIG_DIR = '/etc/envoy';
/** Pod template annotation holding the sha256 of the bootstrap. */
export const CONFIG_CHECKSUM_ANNOTATION = 'gigascale/envoy-config-sha256';
/** UID and GID of the `envoy` user of the official envoyproxy/envoy image. */
export const ENVOY_UID = 101;
/**
 * Seconds a terminating gateway pod keeps serving before SIGTERM, on which Envoy exits at once: the AWS Load Balancer
 * Controller deregisters the pod's IP when it starts terminating, and the ALB takes seconds to stop sending to it.
 */
export const GATEWAY_PRE_STOP_SECONDS = 15;

export interface GatewayChartProps {
  /** Full image URI of Envoy (lib/facts/images.ts imageUri of the plan's `gateway` image). */
  readonly image: string;
  /** Replicas and requests (the plan's `compute.workloads.gateway`). */
  readonly sizes: WorkloadSizes;
  /** Namespace of the gateway and of the services it routes to. @default 'gigascale' (K8S_NAMESPACE) */
  readonly namespace?: string;
  /** Rate limit and cluster domain of the bootstrap. @default - envoyBootstrap's defaults */
  readonly envoy?: Omit<EnvoyBootstrapProps, 'namespace'>;
}

export class GatewayChart extends Chart {
  readonly configMap: kplus.ConfigMap;
  readonly workload: Workload;
  /** sha256 (hex) of the rendered bootstrap, the pod template's CONFIG_CHECKSUM_ANNOTATION. */
  readonly configChecksum: string;

  constructor(scope: Construct, id: string, props: GatewayChartProps) {
    const namespace = props.namespace ?? K8S_NAMESPACE;
    super(scope, id, { namespace, disableResourceNameHashes: true });
    const config = JSON.stringify(envoyBootstrap({ ...props.envoy, namespace }), null, 2);
    this.configChecksum = createHash('sha256').update(config, 'utf8').digest('hex');

    this.configMap = new kplus.ConfigMap(this, 'EnvoyConfig', {
      metadata: { name: GATEWAY_ENVOY_CONFIGMAP, labels: workloadLabels(workloadName(GATEWAY), 'gateway') },
      data: { [ENVOY_CONFIG_KEY]: config },
    });

    this.workload = new Workload(this, 'Gateway', {
      name: GATEWAY,
      component: 'gateway',
      image: props.image,
      sizes: props.sizes,
      port: GATEWAY_PORT,
      uid: ENVOY_UID,
      description: 'API gateway (Envoy): routes, rate limits and authorizes requests from the ALB to the services',
      // The image's entrypoint runs `envoy` with these arguments.
      args: ['-c', `${ENVOY_CONFIG_DIR}/${ENVOY_CONFIG_KEY}`, '--log-level', 'info'],
      // Envoy answers the health path itself (a direct response), so all three probes mean "Envoy is up".
      livenessPath: GATEWAY_HEALTH_PATH,
      readinessPath: GATEWAY_HEALTH_PATH,
      startupPath: GATEWAY_HEALTH_PATH,
      configMaps: [{ name: GATEWAY_ENVOY_CONFIGMAP, path: ENVOY_CONFIG_DIR }],
      podAnnotations: { [CONFIG_CHECKSUM_ANNOTATION]: this.configChecksum },
      // A ClusterIP Service: the TargetGroupBinding registers the pod IPs of its endpoints with the ALB.
      headless: false,
      preStopSleepSeconds: GATEWAY_PRE_STOP_SECONDS,
    });
  }
}
