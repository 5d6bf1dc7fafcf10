import { Duration, Fn } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { createHash } from 'node:crypto';
import type { Construct } from 'constructs';
import { GATEWAY_HEALTH_BODY, GATEWAY_HEALTH_PATH } from '../../lib/facts/workloads';
import { IN_CLUSTER_PROBE_CHECKS } from '../../lib/views/probe-target';
import { regionFlowProbes, type FlowProbe } from '../../lib/views/flow-probes';
import { ORIGIN_TOKEN_HEADER } from '../../lib/facts/origin-protection';
import {
  alarmTopicName,
  canaryAlarmName,
  canaryArtifactsBucketName,
  canaryArtifactsLogBucketName,
  canaryName,
  globalDashboardName,
  latencyDashboardName,
  regionCompositeName,
  tierDashboardName,
  chatbotConfigurationName,
  observabilityKeyAlias,
  probeLogGroupName,
} from '../../lib/facts/names/observability';
import { edgeOriginTokenSecretName } from '../../lib/facts/names/edge';
import { originHostname } from '../../lib/facts/names/ingress';
import { DEFAULT_MAX_ERROR_RATE, type ProbeCheck } from '../../lib/facts/probe-checks';
import { customerKey } from '../customer-key';
import { encryptedLogGroup } from '../logs-key-grant';
import { RegionalStack, type RegionalStackProps } from '../regional-stack';
import { AlarmTopic } from './alarm-topic';
import { ChatNotifications } from './chat-notifications';
import { LatencyDashboard } from './latency-dashboard';
import { OriginCanary } from './origin-canary';
import { ProbeAlarms } from './probe-alarms';
import { compositeOver } from './tier-alarms';
import { ALARM_TIERS } from '../../lib/facts/alarms';
import { GlobalDashboard, TierDashboard } from './tier-dashboards';
import { INGRESS_METRIC_NAME_OUTPUTS, type IngressMetricName } from '../../lib/facts/names/ingress';
import { stackName } from '../../lib/facts/names/stage';
import { alarmSets, regionAlarmCatalog } from '../../lib/views/alarm-catalog';
import type { ObservabilityPlan } from '../../lib/plan/plan';

/** Canary runs (one per 5 minutes) that must fail in a row before its alarm fires: a single blip does not page. */
export const CANARY_FAILED_RUNS_TO_ALARM = 2;

export interface ObservabilityStackProps extends Omit<RegionalStackProps, 'concern'> {
  /** The region's VPC (from the network stack): the origin canary runs in its private subnets. */
  readonly vpc: ec2.IVpc;
}

/**
 * `<env>-<region>-observability`: whether the region meets its latency budget, watched from inside and outside.
 *
 * - The in-cluster probe (k8s/probe-chart.ts) writes the Gigascale/Probe metrics every minute through the CloudWatch
 *   agent into the probe log group here; per check it runs, one alarm on P95 above the check's budget and one on the
 *   error rate above DEFAULT_MAX_ERROR_RATE. The budgets are the plan's (latencyBudgets.probeChecksMs, from its hop budgets), never
 *   restated here. Per flow those checks measure stretches of, one alarm on its probed P95 (the checks' P95s plus the
 *   budgets of what they do not measure, lib/views/flow-probes.ts) above the flow's target.
 * - The origin canary calls `https://origin-<region>.<domain>/gateway/health` every 5 minutes through the ALB, with
 *   the edge's origin token, and alarms when two runs in a row fail or do not run.
 * - A dashboard draws both, with the budgets and the limit as lines.
 *
 * - The region composite alarm is in ALARM when any tier's composite (the tier stacks', lib/views/alarm-catalog.ts),
 *   probe alarm or the canary alarm is: one page per region, whichever tier breached.
 *
 * Every alarm notifies the region's alarm topic on ALARM and OK; the topic's subscriptions are the config's
 * `observability.notifications`. One customer-managed key encrypts the probe log group, the topic and the canary's
 * artifacts.
 */
export class ObservabilityStack extends RegionalStack {
  readonly key: kms.Key;
  /** Where the CloudWatch agent writes the probe's EMF lines (the probe names it in each line's `_aws.LogGroupName`). */
  readonly probeLogGroup: logs.LogGroup;
  readonly alarmTopic: AlarmTopic;
  /** The checks watched: what the in-cluster probe runs. */
  readonly checks: readonly ProbeCheck[];
  /** P95 budget of every check, milliseconds, from the plan. */
  readonly budgetsMs: Readonly<Record<ProbeCheck, number>>;
  /** The flows those checks measure stretches of: an alarm and a graph each. */
  readonly flows: readonly FlowProbe[];
  readonly probeAlarms: ProbeAlarms;
  readonly canary: OriginCanary;
  readonly canaryAlarm: cloudwatch.Alarm;
  readonly dashboard: LatencyDashboard;
  /** The alarm topic's subscriptions from the config (observability.notifications), e-mail first. */
  readonly subscriptions: readonly sns.Subscription[];
  /** The Slack channels of the config (observability.notifications.slackChannels), through AWS Chatbot; none without one. */
  readonly chat?: ChatNotifications;
  /** `<stage>-region-unhealthy`: in ALARM when any tier's composite, probe alarm or the canary alarm is; notifies the topic. */
  readonly regionComposite: cloudwatch.CompositeAlarm;
  /** Every tier alarm's metric against its threshold, a graph per kind. */
  readonly tierDashboard: TierDashboard;
  /** Write region only: the environment's regions side by side. */
  readonly globalDashboard?: GlobalDashboard;

  constructor(scope: Construct, id: string, props: ObservabilityStackProps) {
    super(scope, id, { ...props, concern: 'observability' });
    const { environment, region, vpc } = props;
    const env = environment.name;
    this.checks = IN_CLUSTER_PROBE_CHECKS;
    this.budgetsMs = environment.latencyBudgets.probeChecksMs;
    this.flows = regionFlowProbes(environment, region.name, this.checks);

    this.key = customerKey(this, 'ObservabilityKey', {
      description: `Observability of ${env} in ${region.name}: the probe log group, the alarm topic, the canary artifacts`,
      alias: observabilityKeyAlias(env),
    });
    // The agent writes to this name (the probe's `_aws.LogGroupName`) and would create it without retention or key.
    this.probeLogGroup = encryptedLogGroup(this, 'ProbeLogs', {
      logGroupName: probeLogGroupName(env, region.name),
      key: this.key,
      retentionDays: environment.compute.logRetentionDays,
    });
    this.alarmTopic = new AlarmTopic(this, 'Alarms', { topicName: alarmTopicName(env, region.name), key: this.key });

    this.probeAlarms = new ProbeAlarms(this, 'ProbeAlarms', {
      environment: env,
      region: region.name,
      checks: this.checks,
      budgetsMs: this.budgetsMs,
      maxErrorRate: DEFAULT_MAX_ERROR_RATE,
      flows: this.flows,
      topic: this.alarmTopic.topic,
    });

    this.canary = new OriginCanary(this, 'Canary', {
      canaryName: canaryName(env, region.name),
      url: `https://${originHostname(environment.domain, region.name)}${GATEWAY_HEALTH_PATH}`,
      expectedBody: GATEWAY_HEALTH_BODY,
      tokenHeader: ORIGIN_TOKEN_HEADER,
      tokenSecretName: edgeOriginTokenSecretName(env),
      vpc,
      key: this.key,
      artifactsBucketName: canaryArtifactsBucketName(env, environment.account, region.name),
      artifactsLogBucketName: canaryArtifactsLogBucketName(env, environment.account, region.name),
      accessLogExpirationDays: environment.network.flowLogRetentionDays,
    });
    // Missing data is breaching: a canary that stopped running (deleted, stopped, its function broken) says nothing
    // about the origin, and silence must not read as health.
    const topicAction = new actions.SnsAction(this.alarmTopic.topic);
    this.canaryAlarm = new cloudwatch.Alarm(this, 'CanaryAlarm', {
      alarmName: canaryAlarmName(env, region.name),
      alarmDescription: `Origin canary of ${env} ${region.name}: ${CANARY_FAILED_RUNS_TO_ALARM} runs in a row failed or did not run`,
      metric: this.canary.canary.metricSuccessPercent({ period: Duration.minutes(5), statistic: cloudwatch.Stats.AVERAGE }),
      threshold: 100,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: CANARY_FAILED_RUNS_TO_ALARM,
      datapointsToAlarm: CANARY_FAILED_RUNS_TO_ALARM,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      actionsEnabled: true,
    });
    this.canaryAlarm.addAlarmAction(topicAction);
    this.canaryAlarm.addOkAction(topicAction);

    this.subscriptions = subscribe(this, this.alarmTopic.topic, environment.observability.notifications);
    const { slackChannels } = environment.observability.notifications;
    this.chat =
      slackChannels.length === 0
        ? undefined
        : new ChatNotifications(this, 'Chat', {
            topic: this.alarmTopic.topic,
            channels: slackChannels,
            configurationName: (c) => chatbotConfigurationName(env, region.name, c.channelId),
          });

    // One page per region whichever tier breached: every tier's composite, the probe's alarms and the canary's.
    const sets = alarmSets(regionAlarmCatalog(environment, region));
    this.regionComposite = compositeOver(this, 'RegionComposite', {
      name: regionCompositeName(env, region.name),
      description:
        `${env} ${region.name} is unhealthy: a tier's alarms (${ALARM_TIERS.join(', ')}), the probe's or the canary's are in ALARM. ` +
        'Runbook: the tier composites in ALARM name the tier; its alarms\' descriptions have their runbook lines',
      children: [...sets.map((s) => s.compositeName), ...this.probeAlarms.alarmNames, canaryAlarmName(env, region.name)],
      dependsOn: [...[...this.probeAlarms.alarms.values()].flatMap((a) => [a.p95, a.errorRate]), ...this.probeAlarms.flowAlarms.values(), this.canaryAlarm],
    });
    this.regionComposite.addAlarmAction(topicAction);
    this.regionComposite.addOkAction(topicAction);

    // The ingress stack's full names, as weak references (the stage orders ingress before this stack).
    const refs = Object.fromEntries(
      (Object.entries(INGRESS_METRIC_NAME_OUTPUTS) as [IngressMetricName, string][]).map(([ref, output]) => [ref, Fn.getStackOutput(stackName(env, region.name, 'ingress'), output, region.name)]),
    );
    this.tierDashboard = new TierDashboard(this, 'TierDashboard', { dashboardName: tierDashboardName(env, region.name), sets, refs });
    this.globalDashboard = region.isWriteRegion
      ? new GlobalDashboard(this, 'GlobalDashboard', {
          dashboardName: globalDashboardName(env),
          environment: env,
          regions: environment.regions.map((r) => ({ region: r.name, sets: alarmSets(regionAlarmCatalog(environment, r)) })),
          checks: this.checks,
          budgetsMs: this.budgetsMs,
          maxErrorRate: DEFAULT_MAX_ERROR_RATE,
        })
      : undefined;

    this.dashboard = new LatencyDashboard(this, 'Dashboard', {
      dashboardName: latencyDashboardName(env, region.name),
      environment: env,
      region: region.name,
      checks: this.checks,
      budgetsMs: this.budgetsMs,
      maxErrorRate: DEFAULT_MAX_ERROR_RATE,
      flows: this.flows,
      canary: this.canary.canary,
    });
  }
}

/**
 * The topic's subscriptions, one per recipient the config names. Construct ids come from the endpoint, not its
 * position, so removing one recipient leaves the others' subscriptions as they are (each is confirmed once).
 */
function subscribe(scope: Construct, topic: sns.ITopic, notifications: ObservabilityPlan['notifications']): sns.Subscription[] {
  const id = (kind: string, endpoint: string): string => `${kind}${createHash('sha256').update(endpoint).digest('hex').slice(0, 12)}`;
  return [
    ...notifications.emails.map((e) => new sns.Subscription(scope, id('Email', e), { topic, protocol: sns.SubscriptionProtocol.EMAIL, endpoint: e })),
    ...notifications.httpsEndpoints.map((u) => new sns.Subscription(scope, id('Https', u), { topic, protocol: sns.SubscriptionProtocol.HTTPS, endpoint: u })),
  ];
}
