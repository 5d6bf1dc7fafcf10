/**
 * The in-cluster probe, described once: the target file the CronJob (k8s/probe-chart.ts) hands bin/probe.ts, and the
 * checks that target makes it run (the alarms and the dashboard of stacks/observability watch exactly those). The
 * timing of one run is lib/facts/probe-checks.ts PROBE_RUN.
 *
 * The default target (IN_CLUSTER_PROBE_FIELDS) has only endpoints the probe has an identity for, or needs none for:
 * - `postgres`: the RDS proxies of a sample of shards (PROBE_SHARD_SAMPLE), by their private-zone names, as the
 *   probe's own database user with IAM authentication (db/migrations/0004_probe_role.sql; its pod role may connect as
 *   that user and nothing else: stacks/compute/pod-roles.ts), verifying the proxies' certificates.
 * - `redis`: the region's cache by its private-zone alias (lib/facts/names/cache.ts cacheEndpointName), as the
 *   probe's own cache user with IAM authentication over TLS; its ACL allows GET and SET on `probe:` keys only
 *   (lib/facts/cache-acl.ts PROBE_CACHE_ACCESS), and its pod role may connect as that user and no other.
 * - `http`: the gateway's own health answer through its in-cluster Service (Envoy answers it directly, without
 *   authorization: lib/views/envoy-config.ts `health` route).
 * - `profile_origin`: the reserved public profile (PROBE_PROFILE_PATH) through the same Service: public profiles pass
 *   the gateway without authorization, so no identity is needed. Not through the ALB: its security group admits only
 *   Cloudflare's ranges (lib/facts/origin-protection.ts), so the in-cluster stretch skips the ALB's 1 ms budget.
 * - `profile_edge`: the same profile through the edge hostname (`api.<domain>`), out through the NAT gateway to the
 *   Cloudflare data centre nearest the region, answered from its cache.
 * - `ws` and `chat`: chat's Socket.IO route through the gateway's Service. Every WebSocket route passes the gateway's
 *   external authorization, which hands auth the request's `authorization` header; the probe presents its own
 *   identity there (`auth=sts`: a presigned STS GetCallerIdentity request for its pod role, bound to the environment,
 *   lib/facts/probe-identity.ts), which auth admits as the reserved probe user. No secret is kept anywhere.
 */
import { CHECK_FIELD, PROBE_CHECKS, TARGET_FIELDS, type ProbeCheck, type TargetField } from '../facts/probe-checks';
import type { ProbeTarget } from '../facts/probe-checks';
import { K8S_NAMESPACE, workloadName } from '../facts/names/k8s';
import { shardEndpointName } from '../facts/names/data';
import { DATABASE_NAME, DATABASE_PORT, PROBE_DB_USER } from '../facts/aurora';
import { CHAT_SOCKET_PATH, GATEWAY, GATEWAY_HEALTH_PATH, GATEWAY_PORT, PROBE_PROFILE_PATH, SOCKET_IO_WEBSOCKET_QUERY } from '../facts/workloads';
import { apiHostname } from '../facts/names/ingress';
import { cacheEndpointName, cacheProbeUserName, cacheReplicationGroupId } from '../facts/names/cache';
import { CACHE_PORT } from '../facts/valkey';

/** The target fields the in-cluster probe is given: every one, in TARGET_FIELDS order. */
export const IN_CLUSTER_PROBE_FIELDS: readonly TargetField[] = TARGET_FIELDS;

/** Shards the in-cluster probe reads: enough to see one slow shard, few enough to keep each run short. */
export const PROBE_SHARD_SAMPLE = 3;

/**
 * The shards of the sample, of an environment with `shards` shards (numbered from 0): the first, the middle and the
 * last, which fall in different shard-group stacks once there are several, and fewer when there are fewer shards.
 */
export function probeShardSample(shards: number): number[] {
  if (!Number.isInteger(shards) || shards < 1) throw new Error(`an environment has at least one shard, got ${shards}`);
  const picks = Array.from({ length: PROBE_SHARD_SAMPLE }, (_, i) => Math.round((i * (shards - 1)) / (PROBE_SHARD_SAMPLE - 1)));
  return [...new Set(picks)];
}

/** The URL the probe reads one shard at: its proxy, as the probe's user, IAM authentication, certificate verified. */
export function probeShardUrl(environment: string, shard: number): string {
  return `postgres://${PROBE_DB_USER}@${shardEndpointName(environment, shard, 'proxy')}:${DATABASE_PORT}/${DATABASE_NAME}?sslmode=verify-full&auth=iam`;
}

/** What the in-cluster target is built from: the environment's name, domain and shard count, and the probe's namespace. */
export interface InClusterScope {
  readonly environment: string;
  /** The environment's domain: the edge serves `api.<domain>`. */
  readonly domain: string;
  readonly shards: number;
  /** @default K8S_NAMESPACE */
  readonly namespace?: string;
}

/** Kubernetes' default cluster DNS domain (EKS does not change it); the gateway's Envoy uses the same. */
export const CLUSTER_DOMAIN = 'cluster.local';

/**
 * Port the CloudWatch agent of the amazon-cloudwatch-observability add-on listens on for embedded-metric-format lines,
 * TCP and UDP, once its configuration has `logs.metrics_collected.emf` (its default socket: CloudWatch User Guide,
 * "Using the CloudWatch agent to send embedded metric format logs"; aws/amazon-cloudwatch-agent
 * translator/translate/otel/receiver/tcplog/translator.go listens on 0.0.0.0:25888 when no address is given).
 */
export const EMF_AGENT_PORT = 25888;

/**
 * The in-cluster endpoint of every target field: the shards' proxies, the cache, the gateway's and the edge's. Typed
 * as a whole record, so a new target field does not compile without its in-cluster endpoint.
 */
export function probeTargetUrls(scope: InClusterScope): Readonly<Record<TargetField, string | readonly string[]>> {
  const gateway = `${workloadName(GATEWAY)}.${scope.namespace ?? K8S_NAMESPACE}.svc.${CLUSTER_DOMAIN}:${GATEWAY_PORT}`;
  // The probe's identity for auth, for this environment's auth only (probe/probe-identity.ts).
  const socketUrl = `ws://${gateway}${CHAT_SOCKET_PATH}?${SOCKET_IO_WEBSOCKET_QUERY}&auth=sts&audience=${scope.environment}`;
  return {
    postgres: probeShardSample(scope.shards).map((shard) => probeShardUrl(scope.environment, shard)),
    redis: `rediss://${cacheProbeUserName(scope.environment)}@${cacheEndpointName(scope.environment)}:${CACHE_PORT}?auth=iam&cache=${cacheReplicationGroupId(scope.environment)}`,
    http: `http://${gateway}${GATEWAY_HEALTH_PATH}`,
    profile_origin: `http://${gateway}${PROBE_PROFILE_PATH}`,
    profile_edge: `https://${apiHostname(scope.domain)}${PROBE_PROFILE_PATH}`,
    // Engine.IO's WebSocket transport, opened directly (no polling handshake first): a bare socket for ws.*, and
    // the Socket.IO session chat.roundtrip speaks on the same route.
    ws: socketUrl,
    chat: socketUrl,
  };
}

/** The target file of one region's CronJob: `{"region": ..., "postgres": [...], "redis": ..., ...}`, fields in TARGET_FIELDS order. */
export function inClusterProbeTarget(region: string, scope: InClusterScope, fields: readonly TargetField[] = IN_CLUSTER_PROBE_FIELDS): ProbeTarget {
  const urls = probeTargetUrls(scope);
  const target: Record<string, string | readonly string[]> = { region };
  for (const field of TARGET_FIELDS) if (fields.includes(field)) target[field] = urls[field];
  return target as unknown as ProbeTarget;
}

/** The checks a target with these fields makes the probe run, in PROBE_CHECKS order. */
export function probeChecksFor(fields: readonly TargetField[]): ProbeCheck[] {
  return PROBE_CHECKS.filter((check) => fields.includes(CHECK_FIELD[check]));
}

/** The checks the in-cluster CronJob runs in every region: what the probe alarms and dashboard cover. */
export const IN_CLUSTER_PROBE_CHECKS: readonly ProbeCheck[] = probeChecksFor(IN_CLUSTER_PROBE_FIELDS);
