import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct, type IDependable } from 'constructs';
import { MAX_COMPOSITE_CHILDREN } from '../../lib/facts/alarms';
import { alarmTopicName, compositePartName } from '../../lib/facts/names/observability';
import { GigascaleError, type Issue } from '../../lib/util/errors';
import type { AlarmMetric, AlarmSet, AlarmSpec, DimensionRef } from '../../lib/views/alarm-catalog';

/** CloudWatch caps a composite alarm's rule at 10,240 characters (PutCompositeAlarm, AlarmRule). */
const MAX_RULE_LENGTH = 10_240;

/**
 * The region's alarm topic, by its name: the observability stack creates it and deploys after every tier stack, so
 * its ARN cannot be a reference. CloudWatch accepts an alarm action on a topic that does not exist yet; notifications
 * flow once the observability stack is deployed (docs/deploy.md, "First deploy of an environment").
 */
export function alarmTopicArn(scope: Construct, env: string): string {
  const stack = Stack.of(scope);
  return stack.formatArn({ service: 'sns', resource: alarmTopicName(env, stack.region), arnFormat: ArnFormat.NO_RESOURCE_NAME });
}

/**
 * A composite alarm in ALARM when any of `children` (alarm names) is; over more than one rule may hold, composites of
 * up to 100 children each and one over those. Names, not ARNs, keep the rule short. The children must exist first:
 * `dependsOn` are their constructs (or stacks).
 */
export function compositeOver(scope: Construct, id: string, props: { readonly name: string; readonly description: string; readonly children: readonly string[]; readonly dependsOn: readonly IDependable[] }): cloudwatch.CompositeAlarm {
  const { name, description, children, dependsOn } = props;
  if (children.length === 0) throw new GigascaleError(`Invalid composite ${name}`, [{ at: `${scope.node.path}/${id}`, message: 'must watch at least one alarm, got none' }]);
  const rule = (names: readonly string[]): cloudwatch.IAlarmRule => {
    const text = names.map((n) => `ALARM("${n}")`).join(' OR ');
    if (text.length > MAX_RULE_LENGTH) {
      throw new GigascaleError(`Invalid composite ${name}`, [{ at: `${scope.node.path}/${id}`, message: `its rule is ${text.length} characters, CloudWatch allows ${MAX_RULE_LENGTH}: shorten the alarm names` }]);
    }
    return cloudwatch.AlarmRule.fromString(text);
  };
  if (children.length <= MAX_COMPOSITE_CHILDREN) {
    const composite = new cloudwatch.CompositeAlarm(scope, id, { compositeAlarmName: name, alarmDescription: description, alarmRule: rule(children) });
    composite.node.addDependency(...dependsOn);
    return composite;
  }
  const parts: string[] = [];
  const partAlarms: cloudwatch.CompositeAlarm[] = [];
  for (let i = 0; i * MAX_COMPOSITE_CHILDREN < children.length; i++) {
    const partName = compositePartName(name, i + 1);
    const part = new cloudwatch.CompositeAlarm(scope, `${id}${i + 1}`, {
      compositeAlarmName: partName,
      alarmDescription: `Part ${i + 1} of ${name}: ${description}`,
      alarmRule: rule(children.slice(i * MAX_COMPOSITE_CHILDREN, (i + 1) * MAX_COMPOSITE_CHILDREN)),
    });
    part.node.addDependency(...dependsOn);
    parts.push(partName);
    partAlarms.push(part);
  }
  const composite = new cloudwatch.CompositeAlarm(scope, id, { compositeAlarmName: name, alarmDescription: description, alarmRule: rule(parts) });
  composite.node.addDependency(...partAlarms);
  return composite;
}

export interface TierAlarmsProps {
  /** The alarms (lib/views/alarm-catalog.ts regionAlarmCatalog) this stack holds. */
  readonly set: AlarmSet;
  /** Environment name: the alarm topic's name. */
  readonly environment: string;
  /** Values of the references the set's dimensions use (load balancer and target group full names). */
  readonly refs?: Partial<Record<DimensionRef, string>>;
}

/**
 * One tier's alarms in the stack that holds the tier, as the catalog specifies them, each notifying the region's alarm
 * topic on ALARM and OK, and the tier's composite alarm over them. The composite notifies nobody itself: the region
 * composite (the observability stack) does, once, whichever tier breached.
 *
 * Missing data is not breaching: these are AWS's metrics of resources that exist, and a metric that reports only on
 * events (evictions, 5xx, failed replication) or only on some nodes (a primary has no replication lag) is silent when
 * healthy. A region that stopped answering shows in the probe's and the canary's alarms, where missing data breaches.
 */
export class TierAlarms extends Construct {
  /** By alarm name. */
  readonly alarms: ReadonlyMap<string, cloudwatch.Alarm>;
  readonly composite: cloudwatch.CompositeAlarm;

  constructor(scope: Construct, id: string, props: TierAlarmsProps) {
    super(scope, id);
    validate(this.node.path, props);
    const topicArn = alarmTopicArn(this, props.environment);
    const action: cloudwatch.IAlarmAction = { bind: () => ({ alarmActionArn: topicArn }) };
    const alarms = new Map<string, cloudwatch.Alarm>();
    for (const spec of props.set.alarms) {
      const alarm = new cloudwatch.Alarm(this, spec.id, {
        alarmName: spec.name,
        alarmDescription: spec.description,
        metric: renderMetric(spec, props.refs ?? {}),
        threshold: spec.threshold,
        comparisonOperator: spec.comparison === 'above' ? cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD : cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: spec.evaluationPeriods,
        datapointsToAlarm: spec.datapointsToAlarm,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        actionsEnabled: true,
      });
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
      alarms.set(spec.name, alarm);
    }
    this.alarms = alarms;
    this.composite = compositeOver(this, 'Composite', {
      name: props.set.compositeName,
      description: `Any of the ${alarms.size} alarms of ${props.set.scope} in ALARM; each alarm's description has its runbook line`,
      children: [...alarms.keys()],
      dependsOn: [...alarms.values()],
    });
  }
}

/**
 * A spec's metric, or its metric math over its metrics, with the references' values in its dimensions. `idSuffix`
 * renames the math's metric ids (`user` -> `user3`), for graphs that draw several such specs side by side.
 */
export function renderMetric(spec: AlarmSpec, refs: Partial<Record<DimensionRef, string>>, idSuffix = ''): cloudwatch.Metric | cloudwatch.MathExpression {
  const period = Duration.seconds(spec.periodSeconds);
  const one = (m: AlarmMetric): cloudwatch.Metric =>
    new cloudwatch.Metric({
      namespace: m.namespace,
      metricName: m.metricName,
      dimensionsMap: Object.fromEntries(Object.entries(m.dimensions).map(([k, v]) => [k, typeof v === 'string' ? v : refs[v.ref]!])),
      statistic: m.statistic,
      period,
    });
  if (spec.expression === undefined) return one(spec.metrics.m);
  const ids = Object.keys(spec.metrics);
  return new cloudwatch.MathExpression({
    expression: spec.expression.replace(new RegExp(`\\b(${ids.join('|')})\\b`, 'g'), `$1${idSuffix}`),
    usingMetrics: Object.fromEntries(Object.entries(spec.metrics).map(([k, m]) => [`${k}${idSuffix}`, one(m)])),
    period,
  });
}

function validate(path: string, props: TierAlarmsProps): void {
  const issues: Issue[] = [];
  if (props.set.alarms.length === 0) issues.push({ at: `${path} set.alarms`, message: `must hold at least one alarm for ${props.set.scope}, got none` });
  const missing = new Set<string>();
  for (const spec of props.set.alarms) {
    for (const m of Object.values(spec.metrics)) {
      for (const v of Object.values(m.dimensions)) if (typeof v !== 'string' && props.refs?.[v.ref] === undefined) missing.add(v.ref);
    }
  }
  for (const ref of [...missing].sort()) issues.push({ at: `${path} refs.${ref}`, message: 'is used by a dimension of the set\'s alarms and must be given' });
  if (issues.length > 0) throw new GigascaleError('Invalid TierAlarms props', issues);
}
