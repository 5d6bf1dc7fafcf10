/**
 * The in-cluster probe, described once: the target file the CronJob (k8s/probe-chart.ts) hands bin/probe.ts, the
 * checks that target makes it run (the alarms and the dashboard of stacks/observability watch exactly those), and the
 * timing of one run, which must end well inside the minute between two runs.
 *
 * Only endpoints the probe reaches without credentials are in the target:
 * - `http`: the gateway's own health answer through its in-cluster Service (Envoy answers it directly, without
 *   authorization: lib/views/envoy-config.ts `health` route).
 * - not `ws`: the only WebSocket routes (chat's `/socket.io/`, voice's signalling) pass the gateway's external
 *   authorization, which asks auth with the request's `authorization` and `cookie` headers; the probe has no session,
 *   so its upgrade would be refused and ws.connect/ws.ping would report 100 % errors. `inClusterProbeTarget` builds the
 *   URL (`probeTargetUrls().ws`) for the day the probe has an identity auth admits; adding 'ws' to
 *   IN_CLUSTER_PROBE_FIELDS then adds the checks, their alarms and their dashboard graphs.
 * - not `postgres`, `redis`: the shards and the cache admit only the services' identities (shard credentials from
 *   Secrets Manager, IAM users of the cache's RBAC group); the probe gets none of them today.
 */
import { CHECK_FIELD, PROBE_CHECKS, TARGET_FIELDS, type ProbeCheck, type TargetField } from '../facts/probe-checks';
import { GigascaleError } from '../util/errors';
import type { ProbeTarget } from '../facts/probe-checks';
import { K8S_NAMESPACE, workloadName } from '../facts/names/k8s';
import { GATEWAY, GATEWAY_HEALTH_PATH, GATEWAY_PORT, SERVICE_SPECS } from '../facts/workloads';

/** The target fields the in-cluster probe has an endpoint for, in TARGET_FIELDS order. */
export const IN_CLUSTER_PROBE_FIELDS: readonly TargetField[] = ['http'];

/** Kubernetes' default cluster DNS domain (EKS does not change it); the gateway's Envoy uses the same. */
export const CLUSTER_DOMAIN = 'cluster.local';

/**
 * Port the CloudWatch agent of the amazon-cloudwatch-observability add-on listens on for embedded-metric-format lines,
 * TCP and UDP, once its configuration has `logs.metrics_collected.emf` (its default socket: CloudWatch User Guide,
 * "Using the CloudWatch agent to send embedded metric format logs"; aws/amazon-cloudwatch-agent
 * translator/translate/otel/receiver/tcplog/translator.go listens on 0.0.0.0:25888 when no address is given).
 */
export const EMF_AGENT_PORT = 25888;

/** The in-cluster URLs the probe could be given, by field: only the gateway's, the others need credentials. */
export function probeTargetUrls(namespace: string = K8S_NAMESPACE): Readonly<Partial<Record<TargetField, string>>> {
  const gateway = `${workloadName(GATEWAY)}.${namespace}.svc.${CLUSTER_DOMAIN}:${GATEWAY_PORT}`;
  const socket = SERVICE_SPECS.chat.routes.find((r) => r.websocket)!;
  return {
    http: `http://${gateway}${GATEWAY_HEALTH_PATH}`,
    // Engine.IO's WebSocket transport, opened directly (no polling handshake first).
    ws: `ws://${gateway}${socket.prefix}?EIO=4&transport=websocket`,
  };
}

/**
 * The target file of one region's CronJob: `{"region": ..., "http": ...}`, fields in TARGET_FIELDS order. A field
 * without an in-cluster endpoint (postgres, redis) is refused rather than left out, so no check silently disappears.
 */
export function inClusterProbeTarget(region: string, fields: readonly TargetField[] = IN_CLUSTER_PROBE_FIELDS, namespace?: string): ProbeTarget {
  const urls = probeTargetUrls(namespace);
  const missing = fields.filter((field) => urls[field] === undefined);
  if (missing.length > 0) {
    throw new GigascaleError(
      'Invalid in-cluster probe target',
      missing.map((field) => ({
        at: `fields.${field}`,
        message: `has no endpoint the probe reaches without credentials; fields with one are ${Object.keys(urls).join(', ')}`,
      })),
    );
  }
  const target: Record<string, string> = { region };
  for (const field of TARGET_FIELDS) if (fields.includes(field)) target[field] = urls[field]!;
  return target as unknown as ProbeTarget;
}

/** The checks a target with these fields makes the probe run, in PROBE_CHECKS order. */
export function probeChecksFor(fields: readonly TargetField[]): ProbeCheck[] {
  return PROBE_CHECKS.filter((check) => fields.includes(CHECK_FIELD[check]));
}

/** The checks the in-cluster CronJob runs in every region: what the probe alarms and dashboard cover. */
export const IN_CLUSTER_PROBE_CHECKS: readonly ProbeCheck[] = probeChecksFor(IN_CLUSTER_PROBE_FIELDS);

/**
 * One run of the CronJob, every minute: 2 s of warm-up, then 20 s at 20 requests a second per check (400 samples,
 * enough for a P99), each request given 1 s. With the process's start that ends about 30 s after the schedule, and
 * the Job is stopped at 50 s, so two runs never overlap and a hung run costs one datapoint.
 */
export const PROBE_RUN = {
  warmupSeconds: 2,
  durationSeconds: 20,
  ratePerSecond: 20,
  timeoutSeconds: 1,
  /** Kubernetes stops the Job's pod after this long (`activeDeadlineSeconds`): under the 60 s between runs. */
  activeDeadlineSeconds: 50,
  /** A run that could not start this long after its minute is skipped, not started late (`startingDeadlineSeconds`). */
  startingDeadlineSeconds: 30,
} as const;
