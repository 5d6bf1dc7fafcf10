/**
 * Every tier alarm of a region, derived from the plan: what each watches, its threshold and where that comes from, and
 * the runbook line an on-call engineer reads first. The stacks render these specs (stacks/observability/tier-alarms.ts)
 * and the tests compare the templates with them and with the plan's figures, so a threshold has one source.
 *
 * Metric names, dimensions and units are AWS's: Aurora User Guide "Amazon CloudWatch metrics for Amazon Aurora" and
 * "Monitoring RDS Proxy metrics with Amazon CloudWatch"; ElastiCache User Guide "Metrics for Valkey and Redis OSS";
 * MSK Developer Guide "Amazon MSK metrics for monitoring Standard brokers" (consumer lag: "Monitor consumer lags");
 * ELB User Guides "CloudWatch metrics for your Application Load Balancer" / "... Network Load Balancer"; CloudWatch User
 * Guide "Amazon EKS and Kubernetes Container Insights metrics"; S3 User Guide
 * "Monitoring progress with replication metrics".
 */
import {
  ALARM_EVALUATION,
  CONSUMER_LAG_ALARM_FACTOR,
  FREEABLE_MEMORY_FLOOR,
  MEDIA_REPLICATION_LATENCY_MINUTES,
  type AlarmTier,
} from '../facts/alarms';
import { PROXY_MAX_CONNECTIONS_PERCENT } from '../facts/aurora';
import { CONSUMER_LAG_TARGET_SECONDS, CONSUMERS, consumerTopics, consumerWorkload } from '../facts/consumers';
import { K8S_NAMESPACE, TURN_NAMESPACE, workloadName } from '../facts/names/k8s';
import { FLOWS, FLOW_NAMES } from '../facts/flows';
import { GRAVITON_CLASS_MEMORY_GIB } from '../facts/instance-classes';
import { DEFAULT_MAX_ERROR_RATE } from '../facts/probe-checks';
import { busClusterName, consumerGroupName } from '../facts/names/bus';
import { cacheNodeClusterId } from '../facts/names/cache';
import { clusterName } from '../facts/names/compute';
import { shardClusterIdentifier, shardName } from '../facts/names/data';
import type { IngressMetricName } from '../facts/names/ingress';
import { mediaBucketName, mediaReplicationRuleId } from '../facts/names/media';
import { regionCompositeName, tierAlarmName, tierCompositeName } from '../facts/names/observability';
import { replicationDestinations } from '../plan/media-replication';
import type { EnvironmentPlan, RegionPlan } from '../plan/plan';
import { pascalCase } from '../util/strings';
import { ORIGIN_TOKEN_SYNC_MINUTES } from '../facts/origin-protection';
import { edgeApiCredentialsSecretName, edgeOriginTokenSecretName, originTokenFunctionName, type OriginTokenJob } from '../facts/names/edge';

/** A dimension value a stack knows only as a token (a load balancer's or target group's full name). */
export type DimensionRef = IngressMetricName;

export interface AlarmMetric {
  readonly namespace: string;
  readonly metricName: string;
  /** Dimension values: names gigascale gives, or a reference the stack resolves. */
  readonly dimensions: Readonly<Record<string, string | { readonly ref: DimensionRef }>>;
  /** `Maximum`, `Minimum`, `Average`, `Sum`, or a percentile such as `p95`. */
  readonly statistic: string;
}

export interface AlarmSpec {
  readonly tier: AlarmTier;
  /** What the alarm watches (`shard-0003`, `node-0001-002`, `alb`) and what of it (`replica-lag`): the graphs' labels and titles. */
  readonly subject: string;
  readonly what: string;
  /** Construct id in its stack: API (a renamed id replaces the alarm). */
  readonly id: string;
  readonly name: string;
  /** What breached, the threshold and where it comes from, and a `Runbook:` line. */
  readonly description: string;
  /** One metric (key `m`), or several that `expression` combines (metric math, by key). */
  readonly metrics: Readonly<Record<string, AlarmMetric>>;
  readonly expression?: string;
  readonly threshold: number;
  readonly comparison: 'above' | 'below';
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
}

/** The alarms one stack holds, and the composite alarm over them. */
export interface AlarmSet {
  readonly tier: AlarmTier;
  /** `cache`, `data-shards-0`: part of the composite's name. */
  readonly scope: string;
  readonly compositeName: string;
  readonly alarms: readonly AlarmSpec[];
}

export interface RegionAlarmCatalog {
  /** One set per shard group, in group order (each in its own stack, beside the group's). */
  readonly data: readonly AlarmSet[];
  readonly cache: AlarmSet;
  readonly bus: AlarmSet;
  readonly ingress: AlarmSet;
  readonly compute: AlarmSet;
  /** Null when the region's media bucket replicates nowhere. */
  readonly media: AlarmSet | null;
  /** The region's composite, over every set's composite and the probe's alarms (the observability stack). */
  readonly regionCompositeName: string;
}

/** Percent of a resource the plan expects at its peak: 100 / headroom (76.9 % for 1.3), one decimal. */
export function saturationPercent(environment: EnvironmentPlan): number {
  return Math.round(1000 / environment.capacities.headroom) / 10;
}

/**
 * The slowest budgeted request behind the ALB, milliseconds: for each flow through the load balancer that answers
 * the client, the hops between the ALB and the answer (what `TargetResponseTime` measures: the gateway and all it
 * waits for), plus the round trip to the write region for a write outside it. The gateway's hop alone (2 ms) would
 * page for every request that does any work.
 */
export function targetResponseBudgetMs(environment: EnvironmentPlan, region: RegionPlan): { readonly ms: number; readonly flow: string } {
  const { hopsMs, rttToWriteRegion } = environment.latencyBudgets;
  let slowest = { ms: 0, flow: '' };
  for (const flow of FLOW_NAMES) {
    const { hops, writes } = FLOWS[flow];
    const lb = (hops as readonly string[]).indexOf('lb');
    const answer = (hops as readonly string[]).indexOf('client.receive');
    if (lb < 0 || answer < 0) continue;
    const ms = hops.slice(lb + 1, answer).reduce((sum, hop) => sum + hopsMs[hop], 0) + (writes ? rttToWriteRegion[region.name].ms : 0);
    if (ms > slowest.ms) slowest = { ms, flow };
  }
  return slowest;
}

type Evaluation = Pick<AlarmSpec, 'periodSeconds' | 'evaluationPeriods' | 'datapointsToAlarm'>;

/** `in 3 of 5 minutes`, `in 3 of 3 5-minute periods`. */
function when(e: Evaluation): string {
  return e.periodSeconds === 60 ? `in ${e.datapointsToAlarm} of ${e.evaluationPeriods} minutes` : `in ${e.datapointsToAlarm} of ${e.evaluationPeriods} ${e.periodSeconds / 60}-minute periods`;
}

/** Every tier alarm of one region of an environment. */
export function regionAlarmCatalog(environment: EnvironmentPlan, region: RegionPlan): RegionAlarmCatalog {
  const env = environment.name;
  const set = (tier: AlarmTier, scope: string, alarms: AlarmSpec[]): AlarmSet => ({ tier, scope, compositeName: tierCompositeName(env, region.name, scope), alarms });
  const media = mediaAlarms(environment, region);
  return {
    data: environment.database.shardGroups.map((g) => set('data', `data-shards-${g.group}`, g.shards.flatMap((s) => shardAlarms(environment, region, s)))),
    cache: set('cache', 'cache', cacheAlarms(environment, region)),
    bus: set('bus', 'bus', busAlarms(environment, region)),
    ingress: set('ingress', 'ingress', ingressAlarms(environment, region)),
    compute: set('compute', 'compute', computeAlarms(environment, region)),
    media: media.length > 0 ? set('media', 'media', media) : null,
    regionCompositeName: regionCompositeName(env, region.name),
  };
}

/** Every alarm set of a region, in stack order (the sets the region composite covers). */
export function alarmSets(catalog: RegionAlarmCatalog): AlarmSet[] {
  return [...catalog.data, catalog.cache, catalog.bus, catalog.ingress, catalog.compute, ...(catalog.media ? [catalog.media] : [])];
}

interface SpecInput {
  readonly subject: string;
  readonly what: string;
  readonly metrics: Readonly<Record<string, AlarmMetric>>;
  readonly expression?: string;
  readonly threshold: number;
  readonly comparison: 'above' | 'below';
  /** What breached and where the threshold comes from; the name, the window and the runbook line are added. */
  readonly summary: string;
  readonly runbook: string;
  /** @default ALARM_EVALUATION */
  readonly evaluation?: Evaluation;
}

function specMaker(environment: EnvironmentPlan, region: RegionPlan, tier: AlarmTier) {
  return (input: SpecInput): AlarmSpec => ({
    tier,
    subject: input.subject,
    what: input.what,
    id: pascalCase(`${input.subject}-${input.what}`),
    name: tierAlarmName(environment.name, region.name, tier, input.subject, input.what),
    description: `${environment.name} ${region.name} ${input.subject}: ${input.summary}, ${when(input.evaluation ?? ALARM_EVALUATION)}. Runbook: ${input.runbook}`,
    metrics: input.metrics,
    ...(input.expression ? { expression: input.expression } : {}),
    threshold: input.threshold,
    comparison: input.comparison,
    ...(input.evaluation ?? ALARM_EVALUATION),
  });
}

const metric = (namespace: string, metricName: string, dimensions: AlarmMetric['dimensions'], statistic: string): Record<string, AlarmMetric> => ({
  m: { namespace, metricName, dimensions, statistic },
});

/**
 * One shard's cluster in this region: global replication and RPO lag against the RPO (secondary regions, where
 * Aurora reports them), replica lag against the RPO, CPU per role against the plan's saturation, freeable memory
 * against a floor of the instance class's memory, connections against the proxies' share of `max_connections`, and
 * the proxy's query and borrow latency against the hop budget of the shard's role in this region.
 */
function shardAlarms(environment: EnvironmentPlan, region: RegionPlan, shard: number): AlarmSpec[] {
  const spec = specMaker(environment, region, 'data');
  const db = environment.database;
  const cluster = { DBClusterIdentifier: shardClusterIdentifier(environment.name, shard) };
  const subject = shardName(shard);
  const rpoMs = environment.observability.rpoSeconds * 1000;
  const saturation = saturationPercent(environment);
  const hasReaders = region.isWriteRegion ? db.writeRegionReaders > 0 : db.readersPerRegion > 0;
  const memoryGiB = GRAVITON_CLASS_MEMORY_GIB[db.instanceClass];
  const hop = region.isWriteRegion ? 'db.write' : 'replica.read';
  const hopMs = environment.latencyBudgets.hopsMs[hop];
  const alarms: AlarmSpec[] = [];
  if (!region.isWriteRegion) {
    for (const [what, metricName, story] of [
      ['global-replication-lag', 'AuroraGlobalDBReplicationLag', 'global database replication from the write region'],
      ['rpo-lag', 'AuroraGlobalDBRPOLag', 'the recovery point'],
    ] as const) {
      alarms.push(
        spec({
          subject,
          what,
          metrics: metric('AWS/RDS', metricName, cluster, 'Maximum'),
          threshold: rpoMs,
          comparison: 'above',
          summary: `${metricName}: ${story} lags more than the ${environment.observability.rpoSeconds} s RPO (observability.rpoSeconds)`,
          runbook:
            'compare the write region\'s commit rate with this region\'s (a write burst, or a secondary too small to apply it: ' +
            'raise its instance class); check the global database in the RDS console for a detached or recovering member',
        }),
      );
    }
  }
  if (hasReaders) {
    alarms.push(
      spec({
        subject,
        what: 'replica-lag',
        metrics: metric('AWS/RDS', 'AuroraReplicaLagMaximum', cluster, 'Maximum'),
        threshold: rpoMs,
        comparison: 'above',
        summary: `AuroraReplicaLagMaximum: a reader is more than the ${environment.observability.rpoSeconds} s RPO behind (observability.rpoSeconds)`,
        runbook: 'find the lagging reader (Performance Insights: long queries, vacuum conflicts); reboot it if it does not catch up, reads fail over to the others',
      }),
    );
  }
  const roles = [...(region.isWriteRegion ? (['WRITER'] as const) : []), ...(hasReaders ? (['READER'] as const) : [])];
  for (const role of roles) {
    alarms.push(
      spec({
        subject,
        what: `cpu-${role.toLowerCase()}`,
        metrics: metric('AWS/RDS', 'CPUUtilization', { ...cluster, Role: role }, 'Maximum'),
        threshold: saturation,
        comparison: 'above',
        summary: `CPUUtilization of the ${role.toLowerCase()} above ${saturation} %, the plan's peak (100 / headroom ${environment.capacities.headroom})`,
        runbook:
          role === 'WRITER'
            ? 'Performance Insights top SQL on the writer; a lasting rise means the shard needs splitting (raise shards) or a larger instanceClass'
            : 'Performance Insights top SQL on the readers; add readers (sizes.database.readersPerRegion) or check the cache hit rate that shields them',
      }),
    );
  }
  const memoryFloor = Math.round(memoryGiB * 1024 ** 3 * FREEABLE_MEMORY_FLOOR);
  alarms.push(
    spec({
      subject,
      what: 'freeable-memory',
      metrics: metric('AWS/RDS', 'FreeableMemory', cluster, 'Minimum'),
      threshold: memoryFloor,
      comparison: 'below',
      summary: `FreeableMemory of an instance below ${FREEABLE_MEMORY_FLOOR * 100} % of the ${memoryGiB} GiB of ${db.instanceClass} (${memoryFloor} bytes)`,
      runbook: 'look for connection storms and large sorts or hashes (work_mem) in Performance Insights; an instance that keeps falling needs a larger class',
    }),
  );
  const connections = Math.floor((db.maxConnections * PROXY_MAX_CONNECTIONS_PERCENT) / 100);
  alarms.push(
    spec({
      subject,
      what: 'connections',
      metrics: metric('AWS/RDS', 'DatabaseConnections', cluster, 'Maximum'),
      threshold: connections,
      comparison: 'above',
      summary: `DatabaseConnections of an instance above ${connections}, the proxies' ${PROXY_MAX_CONNECTIONS_PERCENT} % of max_connections ${db.maxConnections}`,
      runbook: 'new connections now wait or fail: find the client holding them (pg_stat_activity by application_name); a pod pool leak shows as one workload\'s share',
    }),
  );
  if (db.proxy) {
    const proxy = { ProxyName: shardClusterIdentifier(environment.name, shard) };
    for (const [what, metricName, story] of [
      ['proxy-query-latency', 'QueryDatabaseResponseLatency', 'the database\'s answers through the proxy'],
      ['proxy-borrow-latency', 'DatabaseConnectionsBorrowLatency', 'waiting for a pooled connection'],
    ] as const) {
      alarms.push(
        spec({
          subject,
          what,
          metrics: metric('AWS/RDS', metricName, proxy, 'p95'),
          threshold: hopMs * 1000,
          comparison: 'above',
          summary: `${metricName} p95 (${story}) above the ${hop} hop budget, ${hopMs} ms (${hopMs * 1000} microseconds)`,
          runbook:
            what === 'proxy-query-latency'
              ? 'slow queries on the cluster (Performance Insights), or an instance near its CPU alarm; the probe\'s postgres checks show whether users feel it'
              : 'the proxy\'s pool is exhausted: DatabaseConnections against MaxDatabaseConnectionsAllowed of the proxy, and the connections alarm of the cluster',
        }),
      );
    }
  }
  return alarms;
}

/**
 * Every node of the region's Valkey cluster (metrics are per node): hit rate below the phase's target, engine CPU and
 * memory use above the plan's saturation, any eviction (the working set was sized to fit), replication lag above the
 * RPO. A node's role changes on failover, so every node carries every alarm; a primary reports no replication lag.
 */
function cacheAlarms(environment: EnvironmentPlan, region: RegionPlan): AlarmSpec[] {
  const spec = specMaker(environment, region, 'cache');
  const { shards, replicasPerShard } = environment.cache;
  const saturation = saturationPercent(environment);
  const hitTarget = Math.round(environment.capacities.cacheHitRatio * 1000) / 10;
  const alarms: AlarmSpec[] = [];
  for (let s = 0; s < shards; s++) {
    for (let n = 0; n <= replicasPerShard; n++) {
      const node = cacheNodeClusterId(environment.name, s, n);
      const dims = { CacheClusterId: node };
      const subject = `node-${node.slice(-8)}`;
      alarms.push(
        spec({
          subject,
          what: 'hit-rate',
          metrics: metric('AWS/ElastiCache', 'CacheHitRate', dims, 'Average'),
          threshold: hitTarget,
          comparison: 'below',
          summary: `CacheHitRate of ${node} below the phase ${environment.phase} target of ${hitTarget} % (capacity.cacheHitRatio)`,
          runbook: 'every miss is a replica read: check the replica CPU alarms; look for a deploy that changed cache keys or TTLs (caching.l2), or evictions',
        }),
        spec({
          subject,
          what: 'engine-cpu',
          metrics: metric('AWS/ElastiCache', 'EngineCPUUtilization', dims, 'Maximum'),
          threshold: saturation,
          comparison: 'above',
          summary: `EngineCPUUtilization of ${node} above ${saturation} %, the plan's peak (100 / headroom ${environment.capacities.headroom})`,
          runbook: 'find hot keys (valkey-cli --hotkeys on a replica) and slow commands (the slow log group); add shards (sizes.cache.shards) if the load is spread',
        }),
        spec({
          subject,
          what: 'memory',
          metrics: metric('AWS/ElastiCache', 'DatabaseMemoryUsagePercentage', dims, 'Maximum'),
          threshold: saturation,
          comparison: 'above',
          summary: `DatabaseMemoryUsagePercentage of ${node} above ${saturation} %, the working set's planned share`,
          runbook: 'the working set outgrew the plan: check key counts and TTLs per prefix (lib/facts/cache-keys.ts), then add shards or a larger nodeType',
        }),
        spec({
          subject,
          what: 'evictions',
          metrics: metric('AWS/ElastiCache', 'Evictions', dims, 'Sum'),
          threshold: 0,
          comparison: 'above',
          summary: `Evictions on ${node}: the cache is full and drops keys, which the plan sized it never to do`,
          runbook: 'as the memory alarm: the working set no longer fits; evictions turn into misses and replica reads',
        }),
        spec({
          subject,
          what: 'replication-lag',
          metrics: metric('AWS/ElastiCache', 'ReplicationLag', dims, 'Maximum'),
          threshold: environment.observability.rpoSeconds,
          comparison: 'above',
          summary: `ReplicationLag of replica ${node} above the ${environment.observability.rpoSeconds} s RPO (observability.rpoSeconds)`,
          runbook: 'the primary\'s write rate or network is saturated: compare NetworkBytesOut of the shard\'s primary with its node type\'s baseline',
        }),
      );
    }
  }
  return alarms;
}

/**
 * The region's MSK cluster: each consumer group's time lag on each topic it reads, every broker's CPU (user + system)
 * above the plan's saturation, and on Standard brokers, disk use and under-replicated and offline partitions. Express
 * brokers have managed storage and replication (MSK Developer Guide, "Amazon MSK Express brokers"): those metrics are
 * Standard-broker metrics, so their alarms exist only there.
 */
function busAlarms(environment: EnvironmentPlan, region: RegionPlan): AlarmSpec[] {
  const spec = specMaker(environment, region, 'bus');
  const clusterName = busClusterName(environment.name);
  const saturation = saturationPercent(environment);
  const lagSeconds = CONSUMER_LAG_TARGET_SECONDS * CONSUMER_LAG_ALARM_FACTOR;
  const alarms: AlarmSpec[] = [];
  for (const consumer of CONSUMERS) {
    for (const topic of consumerTopics(consumer)) {
      alarms.push(
        spec({
          subject: `${consumer}-${topic}`,
          what: 'consumer-lag',
          metrics: metric('AWS/Kafka', 'EstimatedMaxTimeLag', { 'Cluster Name': clusterName, 'Consumer Group': consumerGroupName(consumer), Topic: topic }, 'Maximum'),
          threshold: lagSeconds,
          comparison: 'above',
          summary:
            `EstimatedMaxTimeLag of ${consumerGroupName(consumer)} on ${topic} above ${lagSeconds} s, ` +
            `${CONSUMER_LAG_ALARM_FACTOR} x the ${CONSUMER_LAG_TARGET_SECONDS} s KEDA scales on`,
          runbook:
            `kubectl -n ${K8S_NAMESPACE} get scaledobject ${workloadName(consumerWorkload(consumer))}: at its maxReplicas the partitions cap it (raise the topic's partitions); ` +
            'below it, read the consumer pods\' logs for a poison event or a failing dependency',
        }),
      );
    }
  }
  const brokers = Array.from({ length: region.bus.brokers }, (_, i) => String(i + 1));
  for (const broker of brokers) {
    const dims = { 'Cluster Name': clusterName, 'Broker ID': broker };
    alarms.push(
      spec({
        subject: `broker-${broker}`,
        what: 'cpu',
        metrics: { user: { namespace: 'AWS/Kafka', metricName: 'CpuUser', dimensions: dims, statistic: 'Maximum' }, system: { namespace: 'AWS/Kafka', metricName: 'CpuSystem', dimensions: dims, statistic: 'Maximum' } },
        expression: 'user + system',
        threshold: saturation,
        comparison: 'above',
        summary: `CpuUser + CpuSystem of broker ${broker} above ${saturation} %, the plan's peak (100 / headroom ${environment.capacities.headroom})`,
        runbook: 'compare BytesInPerSec with the plan\'s ingress (npm run -s plan); a lasting rise needs more brokers per AZ (sizes.bus.brokersPerAz)',
      }),
    );
    if (!environment.bus.express) {
      alarms.push(
        spec({
          subject: `broker-${broker}`,
          what: 'disk',
          metrics: metric('AWS/Kafka', 'KafkaDataLogsDiskUsed', dims, 'Maximum'),
          threshold: saturation,
          comparison: 'above',
          summary: `KafkaDataLogsDiskUsed of broker ${broker} above ${saturation} % of its ${region.bus.storageGiBPerBroker} GiB`,
          runbook: 'a full broker stops taking writes: raise its EBS volume (it can only grow) or shorten the topics\' retention',
        }),
        spec({
          subject: `broker-${broker}`,
          what: 'under-replicated',
          metrics: metric('AWS/Kafka', 'UnderReplicatedPartitions', dims, 'Maximum'),
          threshold: 0,
          comparison: 'above',
          summary: `UnderReplicatedPartitions on broker ${broker}: a follower is behind, one more broker loss from lost writes`,
          runbook: 'a broker is down, restarting or saturated: check the MSK console\'s broker states and the CPU and disk alarms',
        }),
      );
    }
  }
  if (!environment.bus.express) {
    alarms.push(
      spec({
        subject: 'cluster',
        what: 'offline-partitions',
        metrics: metric('AWS/Kafka', 'OfflinePartitionsCount', { 'Cluster Name': clusterName }, 'Maximum'),
        threshold: 0,
        comparison: 'above',
        summary: 'OfflinePartitionsCount above 0: a partition has no leader and takes neither reads nor writes',
        runbook: 'open a support case with MSK at once; the producers\' error rates show which topics are affected',
      }),
    );
  }
  return alarms;
}

/**
 * The region's ALB and TURN NLB: the 5xx share against the probe's error-rate limit, target response time p95 against
 * the slowest budgeted request behind the ALB, and healthy targets below the plan's replica floor of what they serve.
 */
function ingressAlarms(environment: EnvironmentPlan, region: RegionPlan): AlarmSpec[] {
  const spec = specMaker(environment, region, 'ingress');
  const alb = { LoadBalancer: { ref: 'loadBalancer' as const } };
  const errorPercent = DEFAULT_MAX_ERROR_RATE * 100;
  const slowest = targetResponseBudgetMs(environment, region);
  const sum = (metricName: string) => ({ namespace: 'AWS/ApplicationELB', metricName, dimensions: alb, statistic: 'Sum' });
  const healthy = (
    namespace: string,
    lb: DimensionRef,
    tg: DimensionRef,
    subject: string,
    workload: string,
    floor: number,
  ): AlarmSpec =>
    spec({
      subject,
      what: 'healthy-targets',
      metrics: metric(namespace, 'HealthyHostCount', { LoadBalancer: { ref: lb }, TargetGroup: { ref: tg } }, 'Minimum'),
      threshold: floor,
      comparison: 'below',
      summary: `HealthyHostCount of the ${subject} target group below ${floor}, the ${workload} pods' planned floor (minReplicas)`,
      runbook: `kubectl -n ${workload === 'turn' ? TURN_NAMESPACE : K8S_NAMESPACE} get pods -l app.kubernetes.io/name=${workloadName(workload)}: failing readiness, a crash loop, or nodes Karpenter could not launch`,
    });
  return [
    spec({
      subject: 'alb',
      what: '5xx-rate',
      metrics: { elb: sum('HTTPCode_ELB_5XX_Count'), target: sum('HTTPCode_Target_5XX_Count'), requests: sum('RequestCount') },
      expression: '100 * (FILL(elb, 0) + FILL(target, 0)) / requests',
      threshold: errorPercent,
      comparison: 'above',
      summary: `5xx responses above ${errorPercent} % of requests, the probe's error-rate limit (lib/facts/probe-checks.ts)`,
      runbook: 'HTTPCode_ELB_5XX: no healthy gateway pod or the ALB itself; HTTPCode_Target_5XX: the gateway\'s access log names the failing service',
    }),
    spec({
      subject: 'alb',
      what: 'target-p95',
      metrics: metric('AWS/ApplicationELB', 'TargetResponseTime', alb, 'p95'),
      threshold: slowest.ms / 1000,
      comparison: 'above',
      summary: `TargetResponseTime p95 above ${slowest.ms} ms, the hops behind the ALB of its slowest budgeted request (${slowest.flow})`,
      runbook: 'the probe\'s per-check P95s and the data tier\'s latency alarms show which hop is slow; the gateway\'s access log has per-route durations',
    }),
    healthy('AWS/ApplicationELB', 'loadBalancer', 'gatewayTargetGroup', 'gateway', 'gateway', environment.compute.workloads.gateway.minReplicas),
    healthy('AWS/ApplicationELB', 'loadBalancer', 'chatTargetGroup', 'chat', 'gateway', environment.compute.workloads.gateway.minReplicas),
    healthy('AWS/NetworkELB', 'networkLoadBalancer', 'turnUdpTargetGroup', 'turn-udp', 'turn', environment.compute.turn.minReplicas),
    healthy('AWS/NetworkELB', 'networkLoadBalancer', 'turnTlsTargetGroup', 'turn-tls', 'turn', environment.compute.turn.minReplicas),
    ...originTokenSyncAlarms(environment, region, spec),
  ];
}

/**
 * The origin token's syncs (lib/facts/origin-protection.ts): the region's WAF sync, and in the write region the edge
 * sync, each with errors in 3 periods of its rate in a row (15 minutes). One failed run is a blip the next run
 * repairs; a sync that keeps failing blocks the edge at the next rotation (ORIGIN_TOKEN_ROTATION_DAYS later).
 */
function originTokenSyncAlarms(environment: EnvironmentPlan, region: RegionPlan, spec: ReturnType<typeof specMaker>): AlarmSpec[] {
  const evaluation: Evaluation = { periodSeconds: ORIGIN_TOKEN_SYNC_MINUTES * 60, evaluationPeriods: 3, datapointsToAlarm: 3 };
  const jobs: { readonly job: OriginTokenJob; readonly target: string; readonly runbook: string }[] = [
    {
      job: 'waf-sync',
      target: 'the web ACL\'s pattern set',
      runbook: `the function's log names the failing call: reading ${edgeOriginTokenSecretName(environment.name)} (its replica here) or updating the pattern set`,
    },
  ];
  if (region.isWriteRegion) {
    jobs.push({
      job: 'edge-sync',
      target: 'Cloudflare\'s transform rule and health monitor',
      runbook: `the function's log names the failing call; check ${edgeApiCredentialsSecretName(environment.name)} (docs/edge.md) and the edge's resources (pulumi up in edge/)`,
    });
  }
  return jobs.map(({ job, target, runbook }) => {
    const functionName = originTokenFunctionName(environment.name, region.name, job);
    return spec({
      subject: 'origin-token',
      what: `${job}-errors`,
      metrics: metric('AWS/Lambda', 'Errors', { FunctionName: functionName }, 'Sum'),
      threshold: 0,
      comparison: 'above',
      summary: `Errors of ${functionName} above 0: the origin token is not reaching ${target}, which blocks the edge at the next rotation`,
      runbook,
      evaluation,
    });
  });
}

/**
 * The region's EKS cluster, from Container Insights (the CloudWatch agent's Kubernetes metrics, CloudWatch User Guide
 * "Amazon EKS and Kubernetes Container Insights metrics"): any failed node, and fewer running pods in a namespace than
 * the plan's floors of what runs there (every workload's and consumer's minReplicas; the TURN relay's in its own).
 */
function computeAlarms(environment: EnvironmentPlan, region: RegionPlan): AlarmSpec[] {
  const spec = specMaker(environment, region, 'compute');
  const cluster = clusterName(environment.name, region.name);
  const { workloads, consumers, turn } = environment.compute;
  const floors: [string, number, string][] = [
    [K8S_NAMESPACE, [...Object.values(workloads), ...Object.values(consumers)].reduce((n, w) => n + w.minReplicas, 0), 'the gateway\'s, the services\' and the consumers\''],
    [TURN_NAMESPACE, turn.minReplicas, 'the TURN relay\'s'],
  ];
  return [
    spec({
      subject: 'cluster',
      what: 'failed-nodes',
      metrics: metric('ContainerInsights', 'cluster_failed_node_count', { ClusterName: cluster }, 'Maximum'),
      threshold: 0,
      comparison: 'above',
      summary: `cluster_failed_node_count of ${cluster} above 0: a node is not ready`,
      runbook: 'kubectl get nodes; kubectl describe node <name> for its conditions (memory or disk pressure, kubelet down); Karpenter replaces a node it cannot recover',
    }),
    ...floors.map(([namespace, floor, whose]) =>
      spec({
        subject: namespace,
        what: 'running-pods',
        metrics: metric('ContainerInsights', 'namespace_number_of_running_pods', { ClusterName: cluster, Namespace: namespace }, 'Minimum'),
        threshold: floor,
        comparison: 'below',
        summary: `namespace_number_of_running_pods of ${namespace} below ${floor}, the sum of ${whose} planned floors (minReplicas)`,
        runbook: `kubectl -n ${namespace} get pods --field-selector=status.phase!=Running; then kubectl get events -n ${namespace} for scheduling or image pull failures`,
      }),
    ),
  ];
}

/** Each replication rule of the region's media bucket: latency above S3 RTC's 15 minutes, and any failed operation. */
function mediaAlarms(environment: EnvironmentPlan, region: RegionPlan): AlarmSpec[] {
  const spec = specMaker(environment, region, 'media');
  const sourceBucket = mediaBucketName(environment.name, environment.account, region.name);
  return replicationDestinations(environment, region).flatMap((d) => {
    const dims = { SourceBucket: sourceBucket, DestinationBucket: d.bucketName, RuleId: mediaReplicationRuleId(d.region) };
    const subject = mediaReplicationRuleId(d.region);
    return [
      spec({
        subject,
        what: 'replication-latency',
        metrics: metric('AWS/S3', 'ReplicationLatency', dims, 'Maximum'),
        threshold: MEDIA_REPLICATION_LATENCY_MINUTES * 60,
        comparison: 'above',
        summary: `ReplicationLatency into ${d.region} above ${MEDIA_REPLICATION_LATENCY_MINUTES} minutes, S3 Replication Time Control's commitment`,
        runbook: `OperationsPendingReplication and BytesPendingReplication of the rule: a burst drains by itself; a steady rise means S3 throttling or KMS limits in ${d.region}`,
      }),
      spec({
        subject,
        what: 'replication-failed',
        metrics: metric('AWS/S3', 'OperationsFailedReplication', dims, 'Sum'),
        threshold: 0,
        comparison: 'above',
        summary: `OperationsFailedReplication into ${d.region}: objects that will not reach the other region`,
        runbook: `the replication role's access to the ${d.region} bucket and key (S3 Event Notifications s3:Replication:OperationFailedReplication name the reason)`,
      }),
    ];
  });
}
