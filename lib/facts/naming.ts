/**
 * Names are API: a changed stage, stack or resource name replaces what it names. Every name gigascale gives
 * comes from here.
 */

/** Concerns a regional stage is split into, one stack each; shard groups are `shards-<k>` (see `shardGroupConcern`). */
export type Concern =
  | 'network'
  | 'data'
  | 'cache'
  | 'media'
  | 'bus'
  | 'ingress'
  | 'compute'
  | 'observability'
  | `shards-${number}`
  | `migrations-${number}`;

/** `prod-eu-west-1`: the Stage id, so `npx cdk deploy 'prod-eu-west-1/*'` selects one region of one environment. */
export function stageName(env: string, region: string): string {
  return `${env}-${region}`;
}

/** `prod-eu-west-1-network`: the CloudFormation stack name. */
export function stackName(env: string, region: string, concern: Concern): string {
  return `${stageName(env, region)}-${concern}`;
}

/** CloudWatch Logs group of a region's VPC flow logs. */
export function flowLogGroupName(env: string, region: string): string {
  return `/gigascale/${env}/${region}/vpc-flow-logs`;
}

/** `shards-3`: the concern of shard group 3 (stack `prod-eu-west-1-shards-3`). */
export function shardGroupConcern(group: number): Concern {
  return `shards-${group}`;
}

/** `migrations-1`: the concern of migrations group 1 (stack `prod-us-east-1-migrations-1`, lib/facts/shard-groups). */
export function migrationsConcern(group: number): Concern {
  return `migrations-${group}`;
}

/**
 * `shard-0007`: a shard's name, zero-padded to four digits (shards are 0..4095), so names sort in shard order.
 * Every per-shard identifier below derives from it.
 */
export function shardName(shard: number): string {
  return `shard-${String(shard).padStart(4, '0')}`;
}

/**
 * `gigascale-prod-shard-0007`: the Aurora global cluster identifier, and the DB cluster identifier of every
 * regional member (cluster identifiers are unique per region, so the members can share it).
 */
export function shardClusterIdentifier(env: string, shard: number): string {
  return `${PROJECT}-${env}-${shardName(shard)}`;
}

/** CloudWatch Logs group Aurora exports a shard's PostgreSQL log to (the name Aurora writes to; gigascale creates it first). */
export function shardLogGroupName(env: string, shard: number): string {
  return `/aws/rds/cluster/${shardClusterIdentifier(env, shard)}/postgresql`;
}

/** Prefix of every shard's log group in a region, for the data key's grant to CloudWatch Logs. */
export function shardLogGroupPrefix(env: string): string {
  return `/aws/rds/cluster/${PROJECT}-${env}-shard-`;
}

/** KMS alias of a region's data key (storage, secrets, Performance Insights, logs of the data tier). */
export function dataKeyAlias(env: string): string {
  return `alias/${PROJECT}/${env}/data`;
}

/** Secrets Manager secret of a shard's master credentials (write region only). */
export function shardSecretName(env: string, shard: number): string {
  return `${PROJECT}/${env}/${shardName(shard)}/master`;
}

/** Private DNS zone of an environment's databases; each region has its own zone of this name on its VPC. */
export function databaseZoneName(env: string): string {
  return `db.${env}.${PROJECT}.internal`;
}

/** Endpoints every shard has in every region, as DNS names in the region's database zone. */
export type ShardEndpointRole = 'writer' | 'reader' | 'proxy';

/** `reader.shard-0007.db.prod.gigascale.internal`: resolvable only inside the region's VPC. */
export function shardEndpointName(env: string, shard: number, role: ShardEndpointRole): string {
  return `${role}.${shardName(shard)}.${databaseZoneName(env)}`;
}

// Cache, media and bus names (issue 5). ElastiCache and MSK names are per account and region; S3 bucket names are
// global, so they carry the account and the region.

/** `gigascale-prod`: the Valkey replication group of an environment in a region (<= 40 characters). */
export function cacheReplicationGroupId(env: string): string {
  return `${PROJECT}-${env}`;
}

/** `gigascale-prod`: the RBAC user group attached to the replication group. */
export function cacheUserGroupId(env: string): string {
  return `${PROJECT}-${env}`;
}

/**
 * `gigascale-prod-entity`: a service's cache user. IAM authentication requires the user id and the user name to be
 * equal, so this is both; services connect as this name with an IAM token (elasticache:Connect).
 */
export function cacheUserName(env: string, service: string): string {
  return `${PROJECT}-${env}-${service}`;
}

/** `gigascale-prod-default`: the id of the group's disabled `default` user (every RBAC group must hold a user named default). */
export function cacheDefaultUserId(env: string): string {
  return `${PROJECT}-${env}-default`;
}

/** CloudWatch Logs groups of the cache's engine and slow logs. */
export function cacheLogGroupName(env: string, region: string, log: 'engine' | 'slow'): string {
  return `/gigascale/${env}/${region}/cache/${log}-log`;
}

/** KMS alias of a region's cache key (node storage, snapshots, the cache's log groups and secret). */
export function cacheKeyAlias(env: string): string {
  return `alias/${PROJECT}/${env}/cache`;
}

/** Secrets Manager secret holding the password of the group's disabled `default` user (no client ever uses it). */
export function cacheDefaultUserSecretName(env: string): string {
  return `${PROJECT}/${env}/cache/default-user`;
}

/** `gigascale-prod-media-222222222222-eu-west-1`: a region's media bucket (S3 names are global). */
export function mediaBucketName(env: string, account: string, region: string): string {
  return `${PROJECT}-${env}-media-${account}-${region}`;
}

/** `gigascale-prod-media-logs-222222222222-eu-west-1`: the server access logs of the region's media bucket. */
export function mediaLogBucketName(env: string, account: string, region: string): string {
  return `${PROJECT}-${env}-media-logs-${account}-${region}`;
}

/**
 * `alias/gigascale/prod/media`: KMS alias of a region's media key. Every region has a key under the same alias, so
 * another region's replication rule names the replica key by alias ARN without a cross-stack reference.
 */
export function mediaKeyAlias(env: string): string {
  return `alias/${PROJECT}/${env}/media`;
}

/** `gigascale-prod-bus`: the MSK cluster of an environment in a region. */
export function busClusterName(env: string): string {
  return `${PROJECT}-${env}-bus`;
}

/** CloudWatch Logs group of the MSK brokers' logs. */
export function busLogGroupName(env: string, region: string): string {
  return `/gigascale/${env}/${region}/bus/broker-logs`;
}

/** CloudWatch Logs group of the function that reads the cluster's bootstrap brokers at deploy time. */
export function busLookupLogGroupName(env: string, region: string): string {
  return `/gigascale/${env}/${region}/bus/bootstrap-brokers-lookup`;
}

/** KMS alias of a region's bus key (broker storage, broker logs). */
export function busKeyAlias(env: string): string {
  return `alias/${PROJECT}/${env}/bus`;
}

/** `gigascale.memory`: the Kafka consumer group of a service; its IAM policy may join only this group. */
export function consumerGroupName(service: string): string {
  return `${PROJECT}.${service}`;
}

/** `gigascale-prod-eu-west-1-bus-memory`: a service's managed IAM policy for the bus (IAM names are per account). */
export function busPolicyName(env: string, region: string, service: string): string {
  return `${PROJECT}-${stageName(env, region)}-bus-${service}`;
}

/** `gigascale-prod-eu-west-1-cache-chat`: a service's managed IAM policy for the cache. */
export function cachePolicyName(env: string, region: string, service: string): string {
  return `${PROJECT}-${stageName(env, region)}-cache-${service}`;
}

/** `gigascale-prod-us-east-1-to-eu-west-1`: the MSK Replicator copying replicated topics from one region into another. */
export function replicatorName(env: string, source: string, target: string): string {
  return `${PROJECT}-${env}-${source}-to-${target}`;
}

/**
 * SSM parameters each region's stacks publish with what is only known after deploy (the cache's configuration
 * endpoint, the MSK cluster ARN and bootstrap brokers). SSM is regional: the same name in every region holds that
 * region's value, and the service config document names them.
 */
export function serviceParameterName(env: string, key: 'cache/configuration-endpoint' | 'bus/cluster-arn' | 'bus/bootstrap-brokers'): string {
  return `/${PROJECT}/${env}/${key}`;
}

// Compute and ingress.

/** `gigascale-prod-eu-west-1`: the EKS cluster of one environment in one region. */
export function clusterName(env: string, region: string): string {
  return `${PROJECT}-${stageName(env, region)}`;
}

/** CloudWatch Logs group EKS writes control-plane logs to (fixed by EKS: `/aws/eks/<cluster>/cluster`). */
export function clusterLogGroupName(env: string, region: string): string {
  return `/aws/eks/${clusterName(env, region)}/cluster`;
}

/** KMS alias of a region's cluster key (Kubernetes secrets envelope encryption, control-plane logs). */
export function clusterKeyAlias(env: string): string {
  return `alias/${PROJECT}/${env}/eks`;
}

/** `gigascale-prod-eu-west-1-pod-chat`: the IAM role a workload's pods assume through EKS Pod Identity. */
export function podRoleName(env: string, region: string, workload: string): string {
  return `${PROJECT}-${stageName(env, region)}-pod-${workload}`;
}

/** `origin-eu-west-1.gigascale.example`: the ALB of a region as the edge reaches it (edge/ uses the same name). */
export function originHostname(domain: string, region: string): string {
  return `origin-${region}.${domain}`;
}

/** `api.gigascale.example`: the environment's public API hostname, served by the edge. */
export function apiHostname(domain: string): string {
  return `api.${domain}`;
}

/** `gigascale-prod-eu-west-1`: the Cloudflare load-balancer pool of a region (pool names are unique per account). */
export function edgePoolName(env: string, region: string): string {
  return `${PROJECT}-${stageName(env, region)}`;
}

/** `turn-eu-west-1.gigascale.example`: the region's TURN relay (the ingress stack's NLB). */
export function turnHostname(domain: string, region: string): string {
  return `turn-${region}.${domain}`;
}

/** WAF web ACL of a region's ALB. */
export function webAclName(env: string, region: string): string {
  return `${PROJECT}-${stageName(env, region)}-alb`;
}

/** S3 bucket of a region's ALB access logs (SSE-S3: ALB log delivery cannot write with a KMS key). */
export function albLogBucketName(env: string, account: string, region: string): string {
  return `${PROJECT}-${env}-alb-logs-${account}-${region}`;
}

/** `gigascale/prod/voice/openai-api-key`: a Secrets Manager secret a service owns (created by its team, read by its pods). */
export function serviceSecretName(env: string, service: string, key: string): string {
  return `${PROJECT}/${env}/${service}/${key}`;
}

// Kubernetes names (k8s/ charts).

/** `migrate-shard-0007`: the Job that applies db/migrations to one shard, from the shard's name (lib/facts/naming shardName). */
export function migrationJobName(shard: string): string {
  return `migrate-${shard}`;
}

/**
 * `gigascale-prod-shard-0007-master`: the Kubernetes Secret holding a shard's credentials, derived from the name of
 * the Secrets Manager secret it is synced from (`gigascale/prod/shard-0007/master`, lib/facts/naming shardSecretName):
 * lower-cased, every run of characters a Secret name cannot hold (`/`, `_`, `+`, `=`, `@`) replaced by `-`.
 */
export function shardCredentialsSecretName(secretsManagerName: string): string {
  return secretsManagerName
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
}

/** Service account every migration Job runs as; it has no Kubernetes API access (no token is mounted). */
export const MIGRATIONS_SERVICE_ACCOUNT = 'gigascale-migrations';

/** DNS-1123 label: what a Job name must be (≤ 63, so the `job-name` label of its pods can carry it). */
export const DNS_LABEL = /^(?=.{1,63}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** DNS-1123 subdomain: what a Secret name must be. */
export const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Image of the migration runner (db/Dockerfile) in the region's ECR, tagged with the package version: the image the
 * migrations Jobs run. The compute issue owns the repository and the build that pushes this tag.
 */
export function migrationsImage(account: string, region: string, version: string): string {
  return `${account}.dkr.ecr.${region}.amazonaws.com/${PROJECT}/db-migrate:${version}`;
}

/** Kubernetes namespace of gigascale's workloads. */
export const K8S_NAMESPACE = 'gigascale';

/** Namespace of the TURN relay: it takes UDP from the internet, so it shares nothing with the services. */
export const TURN_NAMESPACE = 'gigascale-turn';

/** `gigascale-chat`: the Kubernetes name of a workload (Deployment, Service, ServiceAccount, HPA, PDB). */
export function workloadName(workload: string): string {
  return `${PROJECT}-${workload}`;
}

/**
 * ConfigMap holding a region's service config: the shard map document (lib/views/shard-map-document.ts) and the cache,
 * media and bus document (lib/views/service-config-document.ts).
 */
export const SERVICE_CONFIG_CONFIGMAP = 'gigascale-service-config';

/** `shards-3` -> `Shards3`, `us-west-2` -> `UsWest2`: construct ids are PascalCase, names are kebab-case. */
export function pascalCase(kebab: string): string {
  return kebab
    .split('-')
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
}

/** Tag keys put on every resource. */
export const TAG_KEYS = {
  project: 'project',
  env: 'env',
  region: 'region',
  concern: 'concern',
  owner: 'owner',
  costCentre: 'cost-centre',
} as const;

export const PROJECT = 'gigascale';

// compute helper

/**
 * `gigascale/prod/shard-`: what every shard's secret name (`shardSecretName`) starts with, for the pod roles'
 * `secret:<prefix>*` grant. Derived from shardSecretName, so the two cannot drift apart.
 */
export function shardSecretNamePrefix(env: string): string {
  const name = shardSecretName(env, 0);
  return name.slice(0, name.indexOf(shardName(0)) + 'shard-'.length);
}

/** `nodes-us-east-1a`: the managed node group of one AZ (names are per cluster). */
export function nodegroupName(az: string): string {
  return `nodes-${az}`;
}

// ingress helper

/**
 * `gigascale-prod-alb-logs-audit-222222222222-eu-west-1`: the S3 server access logs of the region's load balancer log
 * bucket (who read, wrote or deleted the ALB and NLB logs). At most 63 characters for a 10-character environment name.
 */
export function albLogAuditBucketName(env: string, account: string, region: string): string {
  return `${PROJECT}-${env}-alb-logs-audit-${account}-${region}`;
}

/** `aws-waf-logs-gigascale-prod-eu-west-1`: the WAF log group of a region's ALB (WAF requires the `aws-waf-logs-` prefix). */
export function wafLogGroupName(env: string, region: string): string {
  return `aws-waf-logs-${PROJECT}-${stageName(env, region)}`;
}

/** KMS alias of a region's ingress key (the WAF log group). */
export function ingressKeyAlias(env: string): string {
  return `alias/${PROJECT}/${env}/ingress`;
}

// policies helper

/** `gigascale/prod/turn/static-auth-secret`: the secret TURN REST credentials are signed with (one per region). */
/**
 * `gigascale/prod/edge/origin-token`: the token the edge sends to every origin ALB (lib/facts/origin-protection.ts);
 * created in the write region, replicated under the same name to the environment's other regions.
 */
export function edgeOriginTokenSecretName(env: string): string {
  return serviceSecretName(env, 'edge', 'origin-token');
}

export function turnSecretName(env: string): string {
  return serviceSecretName(env, 'turn', 'static-auth-secret');
}

/** Kubernetes Secret (and its SecretProviderClass) the TURN relay reads its static auth secret from, key `secret`. */
export const TURN_AUTH_SECRET = 'gigascale-turn-auth';

// workload charts helper

/**
 * `gigascale-chat`: the ServiceAccount a workload's pods run as (k8s/workload.ts). The compute stack's EKS Pod
 * Identity association names it, with K8S_NAMESPACE, to bind the workload's role (podRoleName).
 */
export function workloadServiceAccountName(workload: string): string {
  return workloadName(workload);
}

/** ConfigMap holding the gateway's Envoy bootstrap (`envoy.json`, lib/views/envoy-config.ts). */
export const GATEWAY_ENVOY_CONFIGMAP = `${PROJECT}-gateway-envoy`;

// Observability (issue 7): the in-cluster probe, its alarms, the origin canary and the latency dashboard.

/** The probe CronJob's workload name: its CronJob, ServiceAccount and pod labels are `workloadName(PROBE)`. */
export const PROBE = 'probe';

/** ConfigMap holding the in-cluster probe's target file (`target.json`). */
export const PROBE_TARGET_CONFIGMAP = `${PROJECT}-probe-target`;

/**
 * `/gigascale/prod/eu-west-1/probe`: the log group the probe's embedded-metric-format lines are written to by the
 * CloudWatch agent (the line's `_aws.LogGroupName`); CloudWatch extracts the Gigascale/Probe metrics from it.
 */
export function probeLogGroupName(env: string, region: string): string {
  return `/gigascale/${env}/${region}/probe`;
}

/** `gigascale-prod-eu-west-1-nat`: the managed prefix list of a region's NAT gateway addresses. */
export function natPrefixListName(env: string, region: string): string {
  return `${PROJECT}-${stageName(env, region)}-nat`;
}

/** KMS alias of a region's observability key (the probe log group, the alarm topic, the canary artifacts). */
export function observabilityKeyAlias(env: string): string {
  return `alias/${PROJECT}/${env}/observability`;
}

/** What a probe alarm watches: the check's P95 against its budget, or its error rate against the limit. */
export type ProbeAlarmKind = 'p95' | 'error-rate';

/** `gigascale-prod-eu-west-1-probe-http.get-p95`: the alarm on one check of the region's probe. */
export function probeAlarmName(env: string, region: string, check: string, kind: ProbeAlarmKind): string {
  return `${PROJECT}-${stageName(env, region)}-probe-${check}-${kind}`;
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

/** Words of AWS region names and their letters in the usual short codes (`eu-west-1` -> `euw1`). */
const REGION_WORD_CODES: Readonly<Record<string, string>> = {
  gov: 'g',
  east: 'e',
  west: 'w',
  north: 'n',
  south: 's',
  central: 'c',
  northeast: 'ne',
  southeast: 'se',
  northwest: 'nw',
  southwest: 'sw',
};

/** `eu-west-1` -> `euw1`, `ap-southeast-2` -> `apse2`, `us-gov-west-1` -> `usgw1`; a word without a code is kept whole. */
export function regionCode(region: string): string {
  const parts = region.split('-');
  return parts.map((part, i) => (i === 0 || i === parts.length - 1 ? part : (REGION_WORD_CODES[part] ?? part))).join('');
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
