/**
 * The deploy pipeline's gate after a region deployed: the verdict of the region's in-cluster probe, as its alarms
 * hold it. The probe runs every minute against the region's own endpoints (the shards' proxies, the cache, the
 * gateway, chat's socket, the edge); its alarms, the flows' alarms and the region composite breach 3 of 5 minutes,
 * missing data included for the probe's. The gate passes when every one of them exists and is OK, and names each one
 * that is not.
 *
 * Its input is what `aws cloudwatch describe-alarms --alarm-types MetricAlarm CompositeAlarm --alarm-names ...
 * --output json` prints (CloudWatch API Reference, DescribeAlarms: `MetricAlarms` and `CompositeAlarms`, each with
 * `AlarmName` and `StateValue`).
 */
import { probeAlarmNames, regionCompositeName } from '../facts/names/observability';
import type { EnvironmentPlan, RegionPlan } from '../plan/plan';
import { regionFlowProbes } from './flow-probes';
import { IN_CLUSTER_PROBE_CHECKS } from './probe-target';

/** Every alarm the gate reads for a region: the composite, each probe check's P95 and error rate, each flow's P95. */
export function probeGateAlarmNames(environment: EnvironmentPlan, region: RegionPlan): string[] {
  const flows = regionFlowProbes(environment, region.name, IN_CLUSTER_PROBE_CHECKS).map((p) => p.flow);
  return [regionCompositeName(environment.name, region.name), ...probeAlarmNames(environment.name, region.name, IN_CLUSTER_PROBE_CHECKS, flows)];
}

export interface GateRow {
  readonly alarm: string;
  /** `OK`, `ALARM`, `INSUFFICIENT_DATA`, or `missing` when CloudWatch did not return it. */
  readonly state: string;
}

export interface GateVerdict {
  readonly ok: boolean;
  /** Every alarm read, in the order of the names asked for. */
  readonly rows: readonly GateRow[];
}

interface DescribedAlarm {
  readonly AlarmName?: unknown;
  readonly StateValue?: unknown;
}

/**
 * The gate's verdict on one DescribeAlarms answer. Throws on an answer that is not one (a file of something else),
 * naming what is wrong, so a broken gate never passes a region.
 */
export function probeGateVerdict(names: readonly string[], answer: unknown): GateVerdict {
  const record = answer as { MetricAlarms?: unknown; CompositeAlarms?: unknown } | null;
  if (typeof record !== 'object' || record === null || !Array.isArray(record.MetricAlarms) || !Array.isArray(record.CompositeAlarms)) {
    throw new Error('is not the JSON of aws cloudwatch describe-alarms --alarm-types MetricAlarm CompositeAlarm (MetricAlarms and CompositeAlarms arrays)');
  }
  const states = new Map<string, string>();
  for (const a of [...record.MetricAlarms, ...record.CompositeAlarms] as DescribedAlarm[]) {
    if (typeof a.AlarmName === 'string' && typeof a.StateValue === 'string') states.set(a.AlarmName, a.StateValue);
  }
  const rows = names.map((alarm) => ({ alarm, state: states.get(alarm) ?? 'missing' }));
  return { ok: rows.every((r) => r.state === 'OK'), rows };
}
