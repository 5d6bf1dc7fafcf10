/**
 * The probe's report as CloudWatch embedded-metric-format lines, one per check: the in-cluster CronJob runs the
 * probe with --emf and its log lines become metrics (namespace PROBE_METRIC_NAMESPACE, one series per environment,
 * region and check) that the alarms watch. The only output of the probe that carries a timestamp, because
 * CloudWatch files each metric value under it.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
import { PROBE_BUDGET_PROPERTY, PROBE_DIMENSIONS, PROBE_METRIC_NAMESPACE, PROBE_METRICS, type ProbeMetric } from '../lib/facts/probe-checks';
import type { CheckReport, ProbeReport } from './report';
import { probeLogGroupName } from '../lib/facts/names/observability';

/** The Environment dimension when the probe runs without --env. */
export const NO_ENVIRONMENT = 'none';

/**
 * One JSON line per check of `report`, stamped `timestampMs` (epoch milliseconds). A metric without a value (the
 * latencies of a check no request of which was answered, everything but Count of a skipped check) is left out of
 * both the line and its metric list: CloudWatch then records nothing rather than a made-up figure, and the
 * ErrorRate and Count metrics still show the failure.
 */
export function emfLines(report: ProbeReport, timestampMs: number): string[] {
  return report.checks.map((check) => {
    const values = metricValues(check);
    const metrics = (Object.keys(PROBE_METRICS) as ProbeMetric[]).filter((m) => values[m] !== undefined);
    const line = {
      _aws: {
        Timestamp: timestampMs,
        // The CloudWatch agent files the line in this group (created encrypted, with retention, by the observability
        // stack); without it the agent picks a default group with neither.
        ...(report.env === null ? {} : { LogGroupName: probeLogGroupName(report.env, report.region) }),
        CloudWatchMetrics: [
          {
            Namespace: PROBE_METRIC_NAMESPACE,
            Dimensions: [[...PROBE_DIMENSIONS]],
            Metrics: metrics.map((m) => ({ Name: m, Unit: PROBE_METRICS[m] })),
          },
        ],
      },
      Environment: report.env ?? NO_ENVIRONMENT,
      Region: report.region,
      Check: check.name,
      ...Object.fromEntries(metrics.map((m) => [m, values[m]])),
      ...(check.budgetP95Ms === null ? {} : { [PROBE_BUDGET_PROPERTY]: check.budgetP95Ms }),
      Ok: check.ok,
      ...(check.skipped === undefined ? {} : { Skipped: check.skipped }),
    };
    return JSON.stringify(line);
  });
}

function metricValues(check: CheckReport): Partial<Record<ProbeMetric, number>> {
  if (check.skipped !== undefined) return { Count: 0 };
  const l = check.latency;
  const ms = (v: number): number => Math.round(v * 1_000) / 1_000;
  return {
    ...(l === null ? {} : { P50: ms(l.p50Ms), P95: ms(l.p95Ms), P99: ms(l.p99Ms), Max: ms(l.maxMs) }),
    ErrorRate: check.errorRate,
    Count: check.count,
  };
}
