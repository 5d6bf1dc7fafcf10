import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as synthetics from 'aws-cdk-lib/aws-synthetics';
import { Construct } from 'constructs';
import { GRAPH_HEIGHT, GRAPH_WIDTH, THRESHOLD_COLOR, twoPerRow } from './dashboard-layout';
import { flowP95Expression, probeMetric, type RegionProbeChecks } from './probe-alarms';

export interface LatencyDashboardProps extends RegionProbeChecks {
  /** Dashboard name (lib/facts/names/observability.ts latencyDashboardName). */
  readonly dashboardName: string;
  /** The region's origin canary: its duration and success rate. */
  readonly canary: synthetics.Canary;
}

/**
 * A region's latency dashboard: per probe check its P50, P95 and P99 with the check's P95 budget as a horizontal
 * line; per flow the checks measure, its probed P95 with the flow's target (and its static P95) as lines; the
 * checks' error rates with the limit, and the origin canary's duration and success rate. The budget and the
 * limit are the same numbers the alarms use, from the plan, so the line a reader sees is the line that pages.
 */
export class LatencyDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: LatencyDashboardProps) {
    super(scope, id);
    const { environment, region } = props;

    const latency = props.checks.map((check) => {
      const budget = props.budgetsMs[check];
      return new cloudwatch.GraphWidget({
        title: `${check}: latency (P95 budget ${budget} ms)`,
        width: GRAPH_WIDTH,
        height: GRAPH_HEIGHT,
        left: (['P50', 'P95', 'P99'] as const).map((m) => probeMetric(environment, region, check, m).with({ label: m })),
        leftAnnotations: [{ value: budget, label: `P95 budget ${budget} ms`, color: THRESHOLD_COLOR }],
        leftYAxis: { label: 'ms', min: 0, showUnits: false },
        view: cloudwatch.GraphWidgetView.TIME_SERIES,
      });
    });

    const flows = props.flows.map((probe) => {
      const held = probe.waiver === null ? `target ${probe.limitMs} ms` : `waived: static ${probe.limitMs} ms`;
      return new cloudwatch.GraphWidget({
        title: `Flow ${probe.flow}: probed P95 (${held})`,
        width: GRAPH_WIDTH,
        height: GRAPH_HEIGHT,
        left: [flowP95Expression(environment, region, probe)],
        leftAnnotations: [
          { value: probe.limitMs, label: held, color: THRESHOLD_COLOR },
          ...(probe.staticP95Ms === probe.limitMs ? [] : [{ value: probe.staticP95Ms, label: `static P95 ${probe.staticP95Ms} ms` }]),
        ],
        leftYAxis: { label: 'ms', min: 0, showUnits: false },
        view: cloudwatch.GraphWidgetView.TIME_SERIES,
      });
    });

    const errorRate = new cloudwatch.GraphWidget({
      title: `Probe error rate (limit ${props.maxErrorRate * 100} %)`,
      width: GRAPH_WIDTH,
      height: GRAPH_HEIGHT,
      left: props.checks.map((check) => probeMetric(environment, region, check, 'ErrorRate').with({ label: check })),
      leftAnnotations: [{ value: props.maxErrorRate, label: `limit ${props.maxErrorRate * 100} %`, color: THRESHOLD_COLOR }],
      leftYAxis: { label: 'errors / attempts', min: 0, showUnits: false },
    });

    const canary = new cloudwatch.GraphWidget({
      title: `Origin canary ${props.canary.canaryName}: duration and success`,
      width: GRAPH_WIDTH,
      height: GRAPH_HEIGHT,
      left: [props.canary.metricDuration({ period: Duration.minutes(5), statistic: cloudwatch.Stats.AVERAGE, label: 'Duration' })],
      right: [props.canary.metricSuccessPercent({ period: Duration.minutes(5), statistic: cloudwatch.Stats.AVERAGE, label: 'SuccessPercent' })],
      leftYAxis: { label: 'ms', min: 0, showUnits: false },
      rightYAxis: { label: '%', min: 0, max: 100, showUnits: false },
    });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.hours(3),
      widgets: twoPerRow([...latency, ...flows, errorRate, canary]),
    });
  }
}
