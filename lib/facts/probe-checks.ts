/**
 * What the probe measures and how its figures are named: the one list of checks the probe CLI runs, the latency
 * model budgets (the hops each check crosses, below), the in-cluster CronJob emits and the CloudWatch alarms watch.
 */
import type { Hop } from './hops';

/** The probe's checks, in the order it runs and reports them. */
export const PROBE_CHECKS = [
  'postgres.select1',
  'postgres.memory_read',
  'redis.set',
  'redis.get',
  'http.get',
  'profile.read.origin',
  'profile.read.edge',
  'ws.connect',
  'ws.ping',
  'chat.roundtrip',
] as const;
export type ProbeCheck = (typeof PROBE_CHECKS)[number];

/** The target-file fields, each an endpoint URL (`region` aside); a check runs when its field is present. */
export const TARGET_FIELDS = ['postgres', 'redis', 'http', 'profile_origin', 'profile_edge', 'ws', 'chat'] as const;
export type TargetField = (typeof TARGET_FIELDS)[number];

/** The target field each check needs. */
export const CHECK_FIELD: Readonly<Record<ProbeCheck, TargetField>> = {
  'postgres.select1': 'postgres',
  'postgres.memory_read': 'postgres',
  'redis.set': 'redis',
  'redis.get': 'redis',
  'http.get': 'http',
  'profile.read.origin': 'profile_origin',
  'profile.read.edge': 'profile_edge',
  'ws.connect': 'ws',
  'ws.ping': 'ws',
  'chat.roundtrip': 'chat',
};

/**
 * The error rate a check may show when nothing else is said: the seed's strictest load milestone
 * (1K concurrent users: under 0.1 % errors).
 */
export const DEFAULT_MAX_ERROR_RATE = 0.001;

/** A check's setup (connecting, a first write) waits this long at most, whatever the timeout: a run's length stays bounded. */
export const MAX_SETUP_MS = 1_000;

/**
 * One run of the in-cluster probe (k8s/probe-chart.ts), every minute. The checks run one after another, each 0.5 s
 * of warm-up, then 2 s at 100 requests a second (200 samples: 10 above the P95), each request given 0.5 s (budgets are
 * tens of milliseconds: an answer that late is a failure), after at most as long of setup: 3.5 s a check at most, 35 s
 * for ten. With the process's start that ends before the Job is stopped at 50 s, so two runs never overlap and a hung
 * run costs one datapoint. One check sends PROBE_REQUESTS_PER_RUN requests from one address, which the edge's rate
 * limit for entity must admit for profile.read.edge (lib/plan/validate-edge.ts).
 */
export const PROBE_RUN = {
  warmupSeconds: 0.5,
  durationSeconds: 2,
  ratePerSecond: 100,
  timeoutSeconds: 0.5,
  /** Kubernetes stops the Job's pod after this long (`activeDeadlineSeconds`): under the 60 s between runs. */
  activeDeadlineSeconds: 50,
  /** A run that could not start this long after its minute is skipped, not started late (`startingDeadlineSeconds`). */
  startingDeadlineSeconds: 30,
} as const;

/** The longest one run of `checks` checks can take once the process has started, seconds. */
export function probeRunSeconds(checks: number): number {
  // A check's setup waits no longer than a request (probe/run.ts), and never more than MAX_SETUP_MS.
  const setupSeconds = Math.min(MAX_SETUP_MS / 1000, PROBE_RUN.timeoutSeconds);
  return checks * (setupSeconds + PROBE_RUN.warmupSeconds + PROBE_RUN.durationSeconds + PROBE_RUN.timeoutSeconds);
}

/** Requests one check of one run sends, warm-up included. */
export const PROBE_REQUESTS_PER_RUN = (PROBE_RUN.warmupSeconds + PROBE_RUN.durationSeconds) * PROBE_RUN.ratePerSecond;

/** CloudWatch namespace of the probe's embedded-metric-format lines. */
export const PROBE_METRIC_NAMESPACE = 'Gigascale/Probe';

/** Dimensions of every probe metric, in this order: one metric series per environment, region and check. */
export const PROBE_DIMENSIONS = ['Environment', 'Region', 'Check'] as const;

/**
 * The metrics of one check run, and their CloudWatch units. Latencies are from the intended start of each request
 * (open model), error rate is errors / attempts, 0..1.
 */
export const PROBE_METRICS = {
  P50: 'Milliseconds',
  P95: 'Milliseconds',
  P99: 'Milliseconds',
  Max: 'Milliseconds',
  ErrorRate: 'None',
  Count: 'Count',
} as const;
export type ProbeMetric = keyof typeof PROBE_METRICS;

/**
 * The property of each embedded-metric-format line that carries the check's P95 budget, milliseconds (absent when the
 * check has none): a property, not a metric, so the alarm's threshold and the figure travel in the same line.
 */
export const PROBE_BUDGET_PROPERTY = 'BudgetP95';

/** The probe's target file (probe/target.ts reads it; lib/views/probe-target.ts renders the in-cluster one). */
export interface ProbeTarget {
  /** Region the endpoints are in: an AWS region of the config, or a name the config does not know (`local`). */
  readonly region: string;
  /**
   * Postgres URL (`postgres://user:password@host:5432/db?sslmode=require`), or several (a sample of shards, taken in
   * turn); `auth=iam` and no password signs in with an IAM token (probe/rds-iam.ts). @default - no postgres checks
   */
  readonly postgres?: string | readonly string[];
  /**
   * Redis URL (`redis://[user:password@]host:6379`, `rediss://` for TLS); `rediss://user@host:6379?auth=iam&cache=<id>`
   * signs in with IAM to the replication group `<id>` (probe/elasticache-iam.ts). @default - no redis checks
   */
  readonly redis?: string;
  /** URL the http.get check GETs. @default - no http check */
  readonly http?: string;
  /**
   * URL of the reserved public profile (PROBE_PROFILE_PATH) at the region's gateway, `http://` or `https://`.
   * @default - no profile.read.origin check
   */
  readonly profile_origin?: string;
  /** URL of the same profile through the edge hostname (`https://api.<domain>/...`). @default - no profile.read.edge check */
  readonly profile_edge?: string;
  /** WebSocket URL (`ws://` or `wss://`). @default - no ws checks */
  readonly ws?: string;
  /**
   * Chat's Socket.IO URL over the WebSocket transport (`wss://host/socket.io/?EIO=4&transport=websocket`).
   * @default - no chat.roundtrip check
   */
  readonly chat?: string;
}

/*
 * The probe's budgets from the latency model: each check measures a stretch of a flow and is held to the sum of the
 * budgets of the hops it crosses. The probe runs inside a region (or against it), so no check pays an inter-region
 * round trip. The plan carries each environment's (latencyBudgets.probeChecksMs).
 */
/** The hops each check crosses. */
export const PROBE_CHECK_HOPS: Readonly<Record<ProbeCheck, readonly Hop[]>> = {
  'postgres.select1': ['replica.read'],
  'postgres.memory_read': ['replica.read'],
  'redis.set': ['cache.set'],
  'redis.get': ['cache.get'],
  // Envoy answers /gateway/health itself: the ALB and the gateway.
  'http.get': ['lb', 'gateway'],
  // The reserved public profile at the gateway: entity answers it from the regional cache, since it is read many
  // times a second (an in-process hit skips cache.get, and is measured as faster, never slower).
  'profile.read.origin': ['lb', 'gateway', 'service', 'cache.get'],
  // The same profile through the edge hostname, answered from the Cloudflare cache of the data centre nearest the probe.
  'profile.read.edge': ['edge.hit'],
  // The upgrade crosses the ALB and the gateway and is accepted by the chat service.
  'ws.connect': ['lb', 'gateway', 'service'],
  // A frame over an open socket, answered by the server: the seed's WebSocket push.
  'ws.ping': ['ws.push'],
  // A chat message from the probe to itself: through the ALB and the gateway to chat, produced to Kafka, pushed back
  // over the socket it came on (lib/facts/workloads.ts PROBE_CHAT_EVENT); chat.send without the user's own network.
  'chat.roundtrip': ['lb', 'gateway', 'kafka.produce', 'ws.push'],
};

/**
 * Checks that time a round trip with none of a flow's work (`SELECT 1`): they watch a hop's floor and never stand for
 * a stretch of a flow (lib/views/flow-probes.ts); postgres.memory_read does a flow's read on the same hop.
 */
export const BASELINE_CHECKS: readonly ProbeCheck[] = ['postgres.select1'];

/** P95 budget of every check, milliseconds, from an environment's hop budgets. */
export function probeBudgetsMs(hopsMs: Readonly<Record<Hop, number>>): Readonly<Record<ProbeCheck, number>> {
  return Object.fromEntries(PROBE_CHECKS.map((c) => [c, PROBE_CHECK_HOPS[c].reduce((sum, h) => sum + hopsMs[h], 0)])) as Record<ProbeCheck, number>;
}
