/**
 * How gigascale's tier alarms evaluate, and the few figures they rest on that the plan does not hold. Every threshold
 * is derived in lib/views/alarm-catalog.ts from the plan (its headroom, sizes, hit-ratio target, replica floors), the
 * latency budget (hop budgets, the probe's error-rate limit) or a figure here, each with its reason.
 */

/** The tiers that carry alarms of their own, each watched from its own stack (the data tier from one stack per shard group). */
export const ALARM_TIERS = ['data', 'cache', 'bus', 'ingress', 'compute', 'media'] as const;
export type AlarmTier = (typeof ALARM_TIERS)[number];

/**
 * One datapoint a minute, and 3 breaching minutes of the last 5 before an alarm fires: the probe's alarms evaluate the
 * same way (stacks/observability/probe-alarms.ts), so a single bad minute pages no one, anywhere.
 */
export const ALARM_EVALUATION = { periodSeconds: 60, evaluationPeriods: 5, datapointsToAlarm: 3 } as const;

/**
 * The recovery point objective when the config states none: 5 seconds. Aurora global databases replicate with
 * "typically under a second" of lag (Aurora User Guide, "Using Amazon Aurora global databases"); five times that,
 * sustained for 3 minutes, is replication in trouble rather than a burst. The same figure bounds how far a reader,
 * a cache replica may fall behind: staler than the data the environment accepts to lose is stale.
 */
export const DEFAULT_RPO_SECONDS = 5;

/**
 * Share of an instance's memory below which Aurora's FreeableMemory alarms: 5 %. Aurora keeps most memory in its
 * buffer cache on purpose, so free memory is normally low; below a twentieth the instance is close to swapping or to
 * the out-of-memory restarts the Aurora User Guide warns of ("Troubleshooting out-of-memory issues").
 */
export const FREEABLE_MEMORY_FLOOR = 0.05;

/**
 * How many times KEDA's lag target (lib/facts/consumers.ts CONSUMER_LAG_TARGET_SECONDS) a consumer group may fall
 * behind before it alarms: 6, one minute. KEDA adds pods past the target, so a lag six times it for 3 minutes means
 * the consumers are at their ceiling, stuck, or failing.
 */
export const CONSUMER_LAG_ALARM_FACTOR = 6;

/**
 * S3 replication latency (seconds) above which a media replication rule alarms: 900, the 15 minutes S3 Replication Time
 * Control commits to replicate 99.99 % of objects in (S3 User Guide, "Meeting compliance requirements with S3 RTC").
 * Without RTC most objects replicate well within it; a rule past it is falling behind. Every rule has replication
 * metrics on for these alarms (stacks/media/media-replication.ts).
 */
export const MEDIA_REPLICATION_LATENCY_MINUTES = 15;

/** CloudWatch allows a composite alarm's rule at most 100 alarms (CloudWatch User Guide, "Create a composite alarm"). */
export const MAX_COMPOSITE_CHILDREN = 100;
