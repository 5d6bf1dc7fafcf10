/**
 * Names of the observability stack's resources: the in-cluster probe's log group and alarms, the origin canary and
 * its buckets, the alarm topic and the latency dashboard. The probe's Kubernetes names are in lib/facts/names/k8s.ts.
 */

import { PROJECT, regionCode, stageName } from './stage';

/**
 * `/gigascale/prod/eu-west-1/probe`: the log group the probe's embedded-metric-format lines are written to by the
 * CloudWatch agent (the line's `_aws.LogGroupName`); CloudWatch extracts the Gigascale/Probe metrics from it.
 */
export function probeLogGroupName(env: string, region: string): string {
  return `/${PROJECT}/${env}/${region}/probe`;
}

/** KMS alias of a region's observability key (the probe log group, the alarm topic, the canary artifacts). */
export function observabilityKeyAlias(env: string): string {
  return `alias/${PROJECT}/${env}/observability`;
}

/** What a probe alarm watches: the check's P95 against its budget, or its error rate against the limit. */
type ProbeAlarmKind = 'p95' | 'error-rate';

/** `gigascale-prod-eu-west-1-probe-http.get-p95`: the alarm on one check of the region's probe. */
export function probeAlarmName(env: string, region: string, check: string, kind: ProbeAlarmKind): string {
  return `${PROJECT}-${stageName(env, region)}-probe-${check}-${kind}`;
}

/** `gigascale-prod-eu-west-1-probe-flow-memory.read-p95`: the alarm on one flow's probed P95 (lib/views/flow-probes.ts). */
export function flowAlarmName(env: string, region: string, flow: string): string {
  return `${PROJECT}-${stageName(env, region)}-probe-flow-${flow}-p95`;
}

/**
 * Every alarm of a region's probe, in the order the region composite lists them: each check's P95 and error rate, then
 * each flow's P95. The deploy pipeline's probe gate reads the same list.
 */
export function probeAlarmNames(env: string, region: string, checks: readonly string[], flows: readonly string[]): string[] {
  return [
    ...checks.flatMap((check) => (['p95', 'error-rate'] as const).map((kind) => probeAlarmName(env, region, check, kind))),
    ...flows.map((flow) => flowAlarmName(env, region, flow)),
  ];
}

/** `gigascale-prod-eu-west-1-canary-success`: the alarm on the origin canary's success rate. */
export function canaryAlarmName(env: string, region: string): string {
  return `${PROJECT}-${stageName(env, region)}-canary-success`;
}

/** `gigascale-prod-eu-west-1-alarms`: the SNS topic every alarm of a region notifies. */
export function alarmTopicName(env: string, region: string): string {
  return `${PROJECT}-${stageName(env, region)}-alarms`;
}

/** `gigascale-prod-eu-west-1-latency`: the region's latency dashboard (probe checks, their budgets, the canary). */
export function latencyDashboardName(env: string, region: string): string {
  return `${PROJECT}-${stageName(env, region)}-latency`;
}

/**
 * `prod-euw1-alb`: the region's origin canary. Synthetics allows 21 characters (`[0-9a-z_-]`), too few for the
 * stage name; a 10-character environment and the longest region code (6) make exactly 21.
 */
export function canaryName(env: string, region: string): string {
  return `${env}-${regionCode(region)}-alb`;
}

/** `gigascale-prod-canary-222222222222-eu-west-1`: the origin canary's artifacts (S3 names are global). */
export function canaryArtifactsBucketName(env: string, account: string, region: string): string {
  return `${PROJECT}-${env}-canary-${account}-${region}`;
}

/** `gigascale-prod-canary-logs-222222222222-eu-west-1`: the S3 server access logs of the artifacts bucket. */
export function canaryArtifactsLogBucketName(env: string, account: string, region: string): string {
  return `${PROJECT}-${env}-canary-logs-${account}-${region}`;
}

/**
 * `gigascale-prod-eu-west-1-data-shard-0003-replica-lag`: a tier alarm (lib/views/alarm-catalog.ts) on one thing the
 * tier holds (`subject`: a shard, a cache node, a consumer group's topic, a load balancer, a replication rule).
 */
export function tierAlarmName(env: string, region: string, tier: string, subject: string, what: string): string {
  return `${PROJECT}-${stageName(env, region)}-${tier}-${subject}-${what}`;
}

/** `gigascale-prod-eu-west-1-cache-unhealthy`: the composite alarm of one tier's alarms (`data-shards-0` for a shard group's). */
export function tierCompositeName(env: string, region: string, scope: string): string {
  return `${PROJECT}-${stageName(env, region)}-${scope}-unhealthy`;
}

/** `gigascale-prod-eu-west-1-region-unhealthy`: the composite alarm over every tier's and the probe's alarms of a region. */
export function regionCompositeName(env: string, region: string): string {
  return `${PROJECT}-${stageName(env, region)}-region-unhealthy`;
}

/** `gigascale-prod-eu-west-1-data-shards-0-unhealthy-2`: part 2 of a composite over more alarms than one rule may hold. */
export function compositePartName(compositeName: string, part: number): string {
  return `${compositeName}-${part}`;
}

/** `gigascale-prod-eu-west-1-tiers`: the region's tier dashboard (every tier alarm's metric against its threshold). */
export function tierDashboardName(env: string, region: string): string {
  return `${PROJECT}-${stageName(env, region)}-tiers`;
}

/** `gigascale-prod-global`: the environment's dashboard across its regions, in the write region. */
export function globalDashboardName(env: string): string {
  return `${PROJECT}-${env}-global`;
}

/**
 * `gigascale-prod-eu-west-1-C0123ABCD`: the AWS Chatbot configuration that posts a region's alarms to one Slack
 * channel. Chatbot is global: configuration names are unique per account, so the stage is part of it.
 */
export function chatbotConfigurationName(env: string, region: string, channelId: string): string {
  return `${PROJECT}-${stageName(env, region)}-${channelId}`;
}
