import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { GigascaleError, type Issue } from '../../lib/util/errors';
import { pascalCase } from '../../lib/util/strings';
import { flowAlarmName, probeAlarmName, probeAlarmNames } from '../../lib/facts/names/observability';
import type { Flow } from '../../lib/facts/flows';
import type { FlowProbe } from '../../lib/views/flow-probes';
import { PROBE_DIMENSIONS, PROBE_METRIC_NAMESPACE, type ProbeCheck, type ProbeMetric } from '../../lib/facts/probe-checks';

/** One datapoint a minute: the CronJob runs every minute and reports each figure once per run. */
export const PROBE_PERIOD = Duration.minutes(1);
/** Minutes an alarm looks back, and how many of them must breach: a single slow or failed run does not page. */
export const PROBE_EVALUATION_PERIODS = 5;
export const PROBE_DATAPOINTS_TO_ALARM = 3;

/** What the alarms and the dashboard of a region's probe are drawn from. */
export interface RegionProbeChecks {
  /** Environment name: the Environment dimension (and part of the alarm names). */
  readonly environment: string;
  /** Region: the Region dimension (and part of the alarm names). */
  readonly region: string;
  /** The checks the region's probe runs (lib/views/probe-target IN_CLUSTER_PROBE_CHECKS): a pair of alarms and a graph each. */
  readonly checks: readonly ProbeCheck[];
  /** P95 budget of every check, milliseconds (the plan's latencyBudgets.probeChecksMs). */
  readonly budgetsMs: Readonly<Record<ProbeCheck, number>>;
  /** Error rate (0..1) above which a check alarms (lib/facts/probe-checks DEFAULT_MAX_ERROR_RATE). */
  readonly maxErrorRate: number;
  /** The flows those checks measure stretches of (lib/views/flow-probes.ts regionFlowProbes): an alarm and a graph each. */
  readonly flows: readonly FlowProbe[];
}

export interface ProbeAlarmsProps extends RegionProbeChecks {
  /** Where the alarms notify, on ALARM and on OK. */
  readonly topic: sns.ITopic;
}

/** The probe's metric of one check in one region, as the probe writes it (namespace and dimensions from lib/facts/probe-checks.ts). */
export function probeMetric(environment: string, region: string, check: ProbeCheck, metric: ProbeMetric, statistic = cloudwatch.Stats.MAXIMUM): cloudwatch.Metric {
  const values: Record<(typeof PROBE_DIMENSIONS)[number], string> = { Environment: environment, Region: region, Check: check };
  return new cloudwatch.Metric({
    namespace: PROBE_METRIC_NAMESPACE,
    metricName: metric,
    dimensionsMap: Object.fromEntries(PROBE_DIMENSIONS.map((d) => [d, values[d]])),
    statistic,
    period: PROBE_PERIOD,
  });
}

/**
 * A flow's probed P95 as CloudWatch computes it each minute: the P95s its checks reported, plus the budgets of the
 * terms no check measures (lib/views/flow-probes.ts). A minute where one of the checks reported nothing has no value.
 */
export function flowP95Expression(environment: string, region: string, probe: FlowProbe): cloudwatch.MathExpression {
  const ids = probe.checks.map((_, i) => `m${i}`);
  const budgeted = probe.budgetedMs === 0 ? [] : [String(probe.budgetedMs)];
  return new cloudwatch.MathExpression({
    expression: [...ids, ...budgeted].join(' + '),
    usingMetrics: Object.fromEntries(probe.checks.map((check, i) => [ids[i], probeMetric(environment, region, check, 'P95')])),
    label: `${probe.flow} probed P95`,
    period: PROBE_PERIOD,
  });
}

/** How a flow's probed P95 is made up, for alarm descriptions and graph titles: `profile.read.origin + 20 ms budgeted`. */
export function flowSum(probe: FlowProbe): string {
  return [...probe.checks, ...(probe.budgetedMs === 0 ? [] : [`${probe.budgetedMs} ms budgeted (${probe.budgeted.map((t) => t.name).join(', ')})`])].join(' + ');
}

/**
 * Two alarms per check the region's probe runs: its P95 above the check's budget, and its error rate above the limit,
 * each when 3 of the last 5 one-minute datapoints breach. Each run reports one P95 per check, so the Maximum statistic
 * of a minute is that run's P95.
 *
 * Missing data is breaching: the probe is the only thing that writes these metrics, so a minute without a datapoint
 * means the CronJob did not run, could not reach the gateway or the agent, or crashed, and none of those may look like
 * a healthy region. The alarms are therefore in ALARM from creation until the probe has reported for a few minutes.
 */
export class ProbeAlarms extends Construct {
  /** By check: the P95 alarm and the error-rate alarm. */
  readonly alarms: ReadonlyMap<ProbeCheck, { readonly p95: cloudwatch.Alarm; readonly errorRate: cloudwatch.Alarm }>;
  /** By flow: the alarm on its probed P95. */
  readonly flowAlarms: ReadonlyMap<Flow, cloudwatch.Alarm>;
  /** Every alarm's name, P95 then error rate per check in check order, then one per flow (a composite's rule names alarms by name). */
  readonly alarmNames: readonly string[];

  constructor(scope: Construct, id: string, props: ProbeAlarmsProps) {
    super(scope, id);
    validate(this.node.path, props);
    const action = new actions.SnsAction(props.topic);
    const alarm = (
      id: string,
      name: string,
      metric: cloudwatch.IMetric,
      threshold: number,
      description: string,
      treatMissingData = cloudwatch.TreatMissingData.BREACHING,
    ): cloudwatch.Alarm => {
      const created = new cloudwatch.Alarm(this, id, {
        alarmName: name,
        alarmDescription: description,
        metric,
        threshold,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: PROBE_EVALUATION_PERIODS,
        datapointsToAlarm: PROBE_DATAPOINTS_TO_ALARM,
        treatMissingData,
        actionsEnabled: true,
      });
      created.addAlarmAction(action);
      created.addOkAction(action);
      return created;
    };

    const alarms = new Map<ProbeCheck, { p95: cloudwatch.Alarm; errorRate: cloudwatch.Alarm }>();
    for (const check of props.checks) {
      const budget = props.budgetsMs[check];
      const where = `${props.environment} ${props.region}`;
      // `http.get` -> `HttpGet`: ids are API (a renamed id replaces the alarm).
      const checkId = pascalCase(check.replace(/[^a-z0-9]+/g, '-'));
      alarms.set(check, {
        p95: alarm(
          `${checkId}P95`,
          probeAlarmName(props.environment, props.region, check, 'p95'),
          probeMetric(props.environment, props.region, check, 'P95'),
          budget,
          `Probe ${check} in ${where}: P95 above its ${budget} ms budget (lib/facts/probe-checks.ts) in 3 of 5 minutes, or no probe data`,
        ),
        errorRate: alarm(
          `${checkId}ErrorRate`,
          probeAlarmName(props.environment, props.region, check, 'error-rate'),
          probeMetric(props.environment, props.region, check, 'ErrorRate'),
          props.maxErrorRate,
          `Probe ${check} in ${where}: error rate above ${props.maxErrorRate * 100} % in 3 of 5 minutes, or no probe data`,
        ),
      });
    }
    this.alarms = alarms;

    // Missing data is not breaching here: a minute without a flow's value is a minute one of its checks did not
    // report, and that check's own alarms already breach on it; a silent probe pages once per check, not again per flow.
    const flowAlarms = new Map<Flow, cloudwatch.Alarm>();
    for (const probe of props.flows) {
      const held = probe.waiver === null ? `its ${probe.limitMs} ms target` : `its static ${probe.limitMs} ms (the config waives the flow here)`;
      flowAlarms.set(
        probe.flow,
        alarm(
          `Flow${pascalCase(probe.flow.replace(/[^a-z0-9]+/g, '-'))}P95`,
          flowAlarmName(props.environment, props.region, probe.flow),
          flowP95Expression(props.environment, props.region, probe),
          probe.limitMs,
          `Flow ${probe.flow} in ${props.environment} ${props.region}: probed P95 (${flowSum(probe)}) above ${held} in 3 of 5 minutes (lib/views/flow-probes.ts)`,
          cloudwatch.TreatMissingData.NOT_BREACHING,
        ),
      );
    }
    this.flowAlarms = flowAlarms;
    this.alarmNames = probeAlarmNames(
      props.environment,
      props.region,
      props.checks,
      props.flows.map((probe) => probe.flow),
    );
  }
}

function validate(path: string, props: ProbeAlarmsProps): void {
  const issues: Issue[] = [];
  if (props.checks.length === 0) issues.push({ at: `${path} checks`, message: 'must name at least one check, got none' });
  for (const check of props.checks) {
    const budget = props.budgetsMs[check] as number | undefined;
    if (budget === undefined || !Number.isFinite(budget) || budget <= 0) {
      issues.push({ at: `${path} budgetsMs.${check}`, message: `must be a positive number of milliseconds, got ${budget}` });
    }
  }
  for (const probe of props.flows) {
    const missing = probe.checks.filter((c) => !props.checks.includes(c));
    if (missing.length > 0) issues.push({ at: `${path} flows.${probe.flow}`, message: `is measured by ${missing.join(', ')}, which the probe does not run; build flows from the same checks (regionFlowProbes)` });
  }
  if (!(props.maxErrorRate > 0 && props.maxErrorRate < 1)) issues.push({ at: `${path} maxErrorRate`, message: `must be in (0, 1), got ${props.maxErrorRate}` });
  if (issues.length > 0) throw new GigascaleError('Invalid ProbeAlarms props', issues);
}
