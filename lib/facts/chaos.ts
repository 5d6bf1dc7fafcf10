/**
 * The figures gigascale's failure experiments rest on (lib/views/chaos-plan.ts lays the experiments out from the
 * plan): how long a fault lasts, how much it may hit, and the weekly window they run in. Each with its reason.
 */
import type { Weekday } from './week';

/**
 * The weekly window opens Tuesday 14:00 UTC unless the config says otherwise: a working day, mid-week (not a deploy's
 * Monday nor the week's end), in working hours in Europe and on the US east coast, where most of the on-call rota is.
 */
export const DEFAULT_CHAOS_WINDOW: { readonly day: Weekday; readonly startHourUtc: number } = { day: 'TUE', startHourUtc: 14 };

/**
 * Minutes each experiment has in the window: its fault (at most FAULT_MINUTES twice over, for the failover and its
 * failback) and then the time the region's alarms need to settle. The alarms evaluate 3 of 5 minutes
 * (lib/facts/alarms.ts ALARM_EVALUATION): 20 minutes after a fault ends every alarm the fault raised is back to OK if
 * the region recovered, so the next experiment's stop conditions start from OK (FIS refuses to start one whose stop
 * condition is in ALARM).
 */
export const CHAOS_SLOT_MINUTES = 30;

/**
 * How long a fault with a duration lasts: 5 minutes. Long enough for the alarms to see it (3 of 5 one-minute
 * periods), so a stop condition can end it when the region does not cope, and short enough to stay a drill.
 */
export const FAULT_MINUTES = 5;

/**
 * How long media replication stays paused: 10 minutes, two thirds of the 15 minutes the replication-latency alarm
 * allows (lib/facts/alarms.ts MEDIA_REPLICATION_LATENCY_MINUTES): a backlog that clears within its alarm's bound.
 */
export const REPLICATION_PAUSE_MINUTES = 10;

/**
 * Shards whose writer fails over in one run: 2, drawn anew by FIS at each run from every shard of the region. Two,
 * not one, so the services see two shards' writers move at once, as a writer-hosting AZ loss would move several.
 */
export const FAILOVER_SHARDS = 2;

/**
 * Reader instances one reboot experiment may pick from, one per shard: FIS takes at most 5 ARNs in a target (its
 * API's ResourceArns) and a reader cannot be told from a writer by tags, so the candidates are named.
 */
export const REBOOT_CANDIDATES = 5;

/** Nodes one AZ loses in the node-loss experiment, at most: FIS's quota of instances per terminate-instances target. */
export const NODE_LOSS_MAX = 5;

/** Days the experiments' logs are kept: 365, a year of weekly runs to compare one region's recoveries over. */
export const CHAOS_LOG_RETENTION_DAYS = 365;
