import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { ALARM_TIERS } from '../../lib/facts/alarms';
import { regionCompositeName } from '../../lib/facts/names/observability';
import type { AlarmSet, AlarmSpec, DimensionRef } from '../../lib/views/alarm-catalog';
import { GRAPH_HEIGHT, GRAPH_WIDTH, THRESHOLD_COLOR, twoPerRow } from './dashboard-layout';
import { probeMetric, type RegionProbeChecks } from './probe-alarms';
import { renderMetric } from './tier-alarms';

/** The specs of a list of sets, grouped by tier and by what they watch, in catalog order: one graph each. */
function byWhat(sets: readonly AlarmSet[]): AlarmSpec[][] {
  const groups = new Map<string, AlarmSpec[]>();
  for (const spec of sets.flatMap((s) => s.alarms)) {
    const key = `${spec.tier} ${spec.what}`;
    groups.set(key, [...(groups.get(key) ?? []), spec]);
  }
  return [...groups.values()];
}

/** A graph of one kind of tier alarm: a line per subject (and region), the thresholds as red lines, the same figures that page. */
function thresholdGraph(title: string, lines: readonly cloudwatch.IMetric[], specs: readonly AlarmSpec[]): cloudwatch.GraphWidget {
  const thresholds = [...new Set(specs.map((s) => s.threshold))].sort((a, b) => a - b);
  const sign = specs[0].comparison === 'above' ? '>' : '<';
  return new cloudwatch.GraphWidget({
    title,
    width: GRAPH_WIDTH,
    height: GRAPH_HEIGHT,
    left: [...lines],
    leftAnnotations: thresholds.map((t) => ({ value: t, label: `alarm ${sign} ${t}`, color: THRESHOLD_COLOR })),
    legendPosition: lines.length > 8 ? cloudwatch.LegendPosition.HIDDEN : cloudwatch.LegendPosition.BOTTOM,
  });
}

export interface TierDashboardProps {
  /** lib/facts/names/observability.ts tierDashboardName. */
  readonly dashboardName: string;
  /** Every alarm set of the region (lib/views/alarm-catalog.ts alarmSets). */
  readonly sets: readonly AlarmSet[];
  /** Values of the dimension references the sets use (read from the ingress stack's outputs). */
  readonly refs: Partial<Record<DimensionRef, string>>;
}

/**
 * A region's tier dashboard: per tier, one graph per kind of alarm (replication lag, CPU, hit rate, consumer lag,
 * 5xx share, healthy targets, ...), a line per shard, node, consumer group or load balancer, and the alarm's threshold
 * as a red line. The graphs draw the alarms' own metrics with their thresholds, so what a reader sees is what pages.
 */
export class TierDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: TierDashboardProps) {
    super(scope, id);
    const widgets: cloudwatch.IWidget[][] = [];
    for (const tier of ALARM_TIERS) {
      const groups = byWhat(props.sets.filter((s) => s.tier === tier));
      if (groups.length === 0) continue;
      widgets.push([new cloudwatch.TextWidget({ markdown: `## ${tier}`, width: 24, height: 1 })]);
      const graphs = groups.map((specs) =>
        thresholdGraph(
          `${tier} ${specs[0].what}`,
          specs.map((s, i) => renderMetric(s, props.refs, String(i)).with({ label: s.subject })),
          specs,
        ),
      );
      widgets.push(...twoPerRow(graphs));
    }
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: props.dashboardName, defaultInterval: Duration.hours(3), widgets });
  }
}

/** One region of an environment, as the global dashboard draws it. */
export interface GlobalDashboardRegion {
  readonly region: string;
  /** Every alarm set of the region. */
  readonly sets: readonly AlarmSet[];
}

/**
 * The probe's checks, their P95 budgets and error limit (the plan's), as in every region's latency dashboard. Not the
 * flows: a flow's probed P95 is metric math over one region's metrics, drawn in that region's latency dashboard.
 */
export interface GlobalDashboardProps extends Omit<RegionProbeChecks, 'region' | 'flows'> {
  /** lib/facts/names/observability.ts globalDashboardName. */
  readonly dashboardName: string;
  readonly regions: readonly GlobalDashboardRegion[];
}

/** What the global dashboard compares across regions, beside the probe: the kinds of tier alarm with plain metrics. */
const GLOBAL_KINDS = ['data global-replication-lag', 'cache hit-rate', 'bus consumer-lag'] as const;

/**
 * The environment's dashboard across its regions, in the write region: every region's composite alarm, the probe's
 * P95 per check and region against its budget, its error rate per region, and the tier metrics that differ between
 * regions by design (global replication lag, cache hit rate, consumer lag), a line per region and subject, with the
 * alarms' thresholds. CloudWatch dashboards draw metrics of other regions of the account (CloudWatch User Guide,
 * "Cross-account cross-Region dashboards").
 */
export class GlobalDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: GlobalDashboardProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const composites = props.regions.map((r) =>
      cloudwatch.Alarm.fromAlarmArn(this, `Composite${r.region}`, stack.formatArn({ service: 'cloudwatch', region: r.region, resource: 'alarm', resourceName: regionCompositeName(props.environment, r.region), arnFormat: ArnFormat.COLON_RESOURCE_NAME })),
    );
    const status = new cloudwatch.AlarmStatusWidget({ title: 'Regions', alarms: composites, width: 24, height: 2 });
    const latency = props.checks.map((check) =>
      new cloudwatch.GraphWidget({
        title: `${check}: P95 per region (budget ${props.budgetsMs[check]} ms)`,
        width: GRAPH_WIDTH,
        height: GRAPH_HEIGHT,
        left: props.regions.map((r) => probeMetric(props.environment, r.region, check, 'P95').with({ region: r.region, label: r.region })),
        leftAnnotations: [{ value: props.budgetsMs[check], label: `P95 budget ${props.budgetsMs[check]} ms`, color: THRESHOLD_COLOR }],
        leftYAxis: { label: 'ms', min: 0, showUnits: false },
      }),
    );
    const errors = new cloudwatch.GraphWidget({
      title: `Probe error rate per region (limit ${props.maxErrorRate * 100} %)`,
      width: GRAPH_WIDTH,
      height: GRAPH_HEIGHT,
      left: props.regions.flatMap((r) => props.checks.map((c) => probeMetric(props.environment, r.region, c, 'ErrorRate').with({ region: r.region, label: `${r.region} ${c}` }))),
      leftAnnotations: [{ value: props.maxErrorRate, label: `limit ${props.maxErrorRate * 100} %`, color: THRESHOLD_COLOR }],
    });
    const tiers = GLOBAL_KINDS.flatMap((kind) => {
      const specs = props.regions.flatMap((r) => r.sets.flatMap((s) => s.alarms.filter((a) => `${a.tier} ${a.what}` === kind).map((a) => ({ region: r.region, spec: a }))));
      if (specs.length === 0) return [];
      return [thresholdGraph(`${kind} per region`, specs.map(({ region, spec }) => renderMetric(spec, {}).with({ region, label: `${region} ${spec.subject}` })), specs.map((s) => s.spec))];
    });
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.hours(3),
      widgets: [[status], ...twoPerRow([...latency, errors, ...tiers])],
    });
  }
}
