/**
 * Every failure experiment of a region, derived from the plan: its faults (AWS FIS actions), what they hit and how
 * much of it, the alarms that stop it, how long it may run and when the weekly schedule starts it. The chaos stack
 * renders these specs (stacks/chaos/), `npm run -s chaos -- plan` prints them, and experimentProblems() holds each to
 * what FIS allows (lib/facts/fis-actions.ts) before either.
 *
 * Regions run one after another in the weekly window, the write region first (the others' experiments then start
 * from a write region that has just been exercised), and within a region one experiment at a time, each in its own
 * CHAOS_SLOT_MINUTES.
 */
import { CHAOS_SLOT_MINUTES, FAILOVER_SHARDS, FAULT_MINUTES, NODE_LOSS_MAX, REBOOT_CANDIDATES, REPLICATION_PAUSE_MINUTES } from '../facts/chaos';
import { weeklyTime, type WeeklyTime } from '../facts/week';
import { FIS_ACTIONS, FIS_DURATION, MAX_STOP_CONDITIONS, type FisActionId } from '../facts/fis-actions';
import { cacheReplicationGroupId } from '../facts/names/cache';
import { experimentName } from '../facts/names/chaos';
import { clusterName } from '../facts/names/compute';
import { FIS, K8S_NAMESPACE, WORKLOAD_LABEL, workloadName, workloadServiceAccountName } from '../facts/names/k8s';
import { shardClusterIdentifier, shardClusterIdentifierPattern } from '../facts/names/data';
import { MEDIA_BUCKET_TAG, mediaBucketName } from '../facts/names/media';
import { probeAlarmName, regionCompositeName } from '../facts/names/observability';
import { PROJECT, TAG_KEYS } from '../facts/names/stage';
import type { ProbeCheck } from '../facts/probe-checks';
import { regionsWriteFirst } from '../plan/deploy-order';
import { replicationDestinations } from '../plan/media-replication';
import type { EnvironmentPlan, RegionPlan } from '../plan/plan';
import type { Issue } from '../util/errors';

/** The experiments gigascale defines, in the order a region runs them. */
export const EXPERIMENTS = [
  'aurora-failover',
  'aurora-reader-reboot',
  'cache-az-power',
  'az-node-loss',
  'chat-pod-delete',
  'az-network-cut',
  'write-region-cut',
  'media-replication-pause',
] as const;
export type ExperimentKey = (typeof EXPERIMENTS)[number];

/** CDK's tag on every subnet of a VPC, naming its type (`Public`, `Private`, `Isolated`). */
const SUBNET_TYPE_TAG = 'aws-cdk:subnet-type';

export interface ExperimentFilter {
  /** A path into the resource's description (`Placement.AvailabilityZone`). */
  readonly path: string;
  readonly values: readonly string[];
}

export interface ExperimentTarget {
  /** FIS resource type (`aws:rds:cluster`). */
  readonly resourceType: string;
  /** `ALL`, `COUNT(n)` or `PERCENT(n)`: how many of the resources found FIS picks, afresh at each run. */
  readonly selectionMode: string;
  /** Found by tags (every one must match) and filters, or by ARN: never both. */
  readonly resourceTags?: Readonly<Record<string, string>>;
  readonly filters?: readonly ExperimentFilter[];
  readonly resourceArns?: readonly string[];
  /** Target parameters of the resource type (`availabilityZoneIdentifier`). */
  readonly parameters?: Readonly<Record<string, string>>;
  /** The resources the role may act on (IAM ARNs, patterns allowed): no more than the target can resolve to. */
  readonly iamResources: readonly string[];
  /** A condition narrowing iamResources further (a tag the targets carry). */
  readonly iamCondition?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** The blast radius in words, for the plan and the template's description. */
  readonly scope: string;
}

export interface ExperimentAction {
  readonly actionId: FisActionId;
  readonly description: string;
  readonly parameters: Readonly<Record<string, string>>;
  /** The experiment target the action hits (a key of the experiment's targets); none for `aws:fis:wait`. */
  readonly target?: string;
  /** Actions that must end before this one starts; none: it starts with the experiment. */
  readonly startAfter?: readonly string[];
}

export interface ExperimentSpec {
  readonly key: ExperimentKey;
  /** The template's Name tag, its schedule's and its role's name. */
  readonly name: string;
  readonly description: string;
  /** By name, in the order they run. */
  readonly actions: Readonly<Record<string, ExperimentAction>>;
  readonly targets: Readonly<Record<string, ExperimentTarget>>;
  /** CloudWatch alarms (names, in the region) that stop the experiment when one is in ALARM, and keep it from starting. */
  readonly stopAlarms: readonly string[];
  /** The longest the experiment may run, minutes: its timed actions end by then. */
  readonly maxMinutes: number;
  readonly schedule: WeeklyTime;
}

export interface RegionChaosPlan {
  readonly region: string;
  /** Whether the weekly schedules start the experiments (the environment's `chaos.schedule.enabled`). */
  readonly scheduled: boolean;
  readonly experiments: readonly ExperimentSpec[];
}

const minutes = (n: number): string => `PT${n}M`;

/** The region's experiments, each with its slot in the environment's weekly window. */
export function regionChaosPlan(environment: EnvironmentPlan, region: RegionPlan): RegionChaosPlan {
  const plan = environmentChaosPlan(environment).find((r) => r.region === region.name);
  if (!plan) throw new Error(`region ${region.name} is not a region of ${environment.name}`);
  return plan;
}

/** Every region's experiments, in the order the window runs them: the write region first, then the config's order. */
export function environmentChaosPlan(environment: EnvironmentPlan): RegionChaosPlan[] {
  const { day, startHourUtc, enabled } = environment.chaos.schedule;
  let slot = 0;
  return regionsWriteFirst(environment).map((region) => {
    const faults = regionFaults(environment, region);
    return {
      region: region.name,
      scheduled: enabled,
      experiments: faults.map((f) => ({ ...f, schedule: weeklyTime(day, startHourUtc, (slot++) * CHAOS_SLOT_MINUTES) })),
    };
  });
}

type Fault = Omit<ExperimentSpec, 'schedule'>;

function regionFaults(environment: EnvironmentPlan, region: RegionPlan): Fault[] {
  const env = environment.name;
  const { account } = environment;
  const r = region.name;
  const az = region.azs[0];
  const arn = (service: string, resource: string): string => `arn:aws:${service}:${r}:${account}:${resource}`;
  const envTags = { [TAG_KEYS.project]: PROJECT, [TAG_KEYS.env]: env };
  const networkTags = { ...envTags, [TAG_KEYS.concern]: 'network' };
  // The region composite watches every tier's alarms and the probe's: a region in trouble stops any experiment.
  const stops = (...checks: ProbeCheck[]): string[] => [
    regionCompositeName(env, r),
    ...checks.flatMap((c) => [probeAlarmName(env, r, c, 'error-rate'), probeAlarmName(env, r, c, 'p95')]),
  ];
  const fault = (key: ExperimentKey, rest: Omit<Fault, 'key' | 'name'>): Fault => ({ key, name: experimentName(env, r, key), ...rest });
  const faults: Fault[] = [];

  // A failover promotes a reader: a write region without readers has none to promote.
  if (region.isWriteRegion && environment.database.writeRegionReaders > 0) {
    const shards = Math.min(FAILOVER_SHARDS, environment.shards);
    faults.push(
      fault('aurora-failover', {
        description: `Fails over the writers of ${shards} shards, waits ${FAULT_MINUTES} minutes and fails them back to the planned writer`,
        actions: {
          failover: { actionId: 'aws:rds:failover-db-cluster', description: 'promote a reader of each shard picked', parameters: {}, target: 'shards' },
          settle: { actionId: 'aws:fis:wait', description: 'run on the promoted writers', parameters: { duration: minutes(FAULT_MINUTES) }, startAfter: ['failover'] },
          // Aurora promotes the reader of the lowest promotion tier: the planned writer (tier 0), back in its AZ.
          failback: { actionId: 'aws:rds:failover-db-cluster', description: 'promote the planned writer again', parameters: {}, target: 'shards', startAfter: ['settle'] },
        },
        targets: {
          shards: {
            resourceType: 'aws:rds:cluster',
            selectionMode: `COUNT(${shards})`,
            resourceTags: envTags,
            iamResources: [arn('rds', `cluster:${shardClusterIdentifierPattern(env)}`)],
            scope: `${shards} of the ${environment.shards} shards' clusters`,
          },
        },
        stopAlarms: stops('postgres.memory_read', 'postgres.select1'),
        maxMinutes: 2 * FAULT_MINUTES,
      }),
    );
  }

  const readers = rebootCandidates(environment, region);
  if (readers.length > 0) faults.push(
    fault('aurora-reader-reboot', {
      description: 'Reboots one reader instance of a shard, without failover',
      actions: { reboot: { actionId: 'aws:rds:reboot-db-instances', description: 'reboot the reader picked', parameters: { forceFailover: 'false' }, target: 'readers' } },
      targets: {
        readers: {
          resourceType: 'aws:rds:db',
          selectionMode: 'COUNT(1)',
          resourceArns: readers.map((id) => arn('rds', `db:${id}`)),
          iamResources: readers.map((id) => arn('rds', `db:${id}`)),
          scope: `1 of ${readers.length} readers named (${readers.join(', ')})`,
        },
      },
      stopAlarms: stops('postgres.memory_read', 'postgres.select1'),
      maxMinutes: FAULT_MINUTES,
    }),
  );

  const group = cacheReplicationGroupId(env);
  faults.push(
    fault('cache-az-power', {
      description: `Cuts the power of the cache nodes in ${az} for ${FAULT_MINUTES} minutes: their shards fail over to replicas in the other AZs`,
      actions: {
        interrupt: {
          actionId: 'aws:elasticache:replicationgroup-interrupt-az-power',
          description: `interrupt the power of the nodes in ${az}`,
          parameters: { duration: minutes(FAULT_MINUTES) },
          target: 'cache',
        },
      },
      targets: {
        cache: {
          resourceType: 'aws:elasticache:replicationgroup',
          selectionMode: 'ALL',
          resourceTags: { ...envTags, [TAG_KEYS.concern]: 'cache' },
          parameters: { availabilityZoneIdentifier: az },
          iamResources: [arn('elasticache', `replicationgroup:${group}`)],
          scope: `the region's replication group (${group}), its nodes in ${az}`,
        },
      },
      stopAlarms: stops('redis.get', 'redis.set'),
      maxMinutes: FAULT_MINUTES,
    }),
  );

  const cluster = clusterName(env, r);
  const clusterTag = `kubernetes.io/cluster/${cluster}`;
  const nodes = Math.min(NODE_LOSS_MAX, environment.compute.nodesPerAzMin);
  faults.push(
    fault('az-node-loss', {
      description: `Terminates ${nodes} running nodes of the cluster in ${az}: their pods are rescheduled in the other AZs`,
      actions: { terminate: { actionId: 'aws:ec2:terminate-instances', description: `terminate ${nodes} nodes in ${az}`, parameters: {}, target: 'nodes' } },
      targets: {
        nodes: {
          resourceType: 'aws:ec2:instance',
          selectionMode: `COUNT(${nodes})`,
          // Managed node groups and Karpenter both tag their instances with the cluster's ownership tag.
          resourceTags: { [clusterTag]: 'owned' },
          filters: [
            { path: 'Placement.AvailabilityZone', values: [az] },
            { path: 'State.Name', values: ['running'] },
          ],
          iamResources: [arn('ec2', 'instance/*')],
          iamCondition: { StringEquals: { [`aws:ResourceTag/${clusterTag}`]: 'owned' } },
          scope: `${nodes} nodes of ${cluster} in ${az}`,
        },
      },
      stopAlarms: stops('http.get', 'chat.roundtrip'),
      maxMinutes: FAULT_MINUTES,
    }),
  );

  const chat = workloadName('chat');
  faults.push(
    fault('chat-pod-delete', {
      description: `Deletes one of chat's pods at once, as a crash would: its sockets drop and their clients reconnect to the others`,
      actions: {
        delete: {
          actionId: 'aws:eks:pod-delete',
          description: 'delete one chat pod with no grace period',
          parameters: {
            kubernetesServiceAccount: workloadServiceAccountName(FIS),
            gracePeriodSeconds: '0',
            // The namespace enforces the restricted Pod Security Standard; its NetworkPolicy selects FIS's pod by label.
            fisPodSecurityPolicy: 'restricted',
            fisPodLabels: JSON.stringify({ [WORKLOAD_LABEL]: workloadName(FIS) }),
          },
          target: 'pods',
        },
      },
      targets: {
        pods: {
          resourceType: 'aws:eks:pod',
          selectionMode: 'COUNT(1)',
          parameters: { clusterIdentifier: cluster, namespace: K8S_NAMESPACE, selectorType: 'labelSelector', selectorValue: `${WORKLOAD_LABEL}=${chat}` },
          iamResources: [arn('eks', `cluster/${cluster}`)],
          scope: `1 pod of ${chat} in ${cluster}`,
        },
      },
      stopAlarms: stops('chat.roundtrip', 'ws.connect'),
      maxMinutes: FAULT_MINUTES,
    }),
  );

  faults.push(
    fault('az-network-cut', {
      description: `Cuts every subnet in ${az} off from the rest of the network for ${FAULT_MINUTES} minutes (a network ACL denying all traffic in and out)`,
      actions: {
        cut: { actionId: 'aws:network:disrupt-connectivity', description: `deny all traffic of the subnets in ${az}`, parameters: { duration: minutes(FAULT_MINUTES), scope: 'all' }, target: 'subnets' },
      },
      targets: {
        subnets: {
          resourceType: 'aws:ec2:subnet',
          selectionMode: 'ALL',
          resourceTags: networkTags,
          filters: [{ path: 'AvailabilityZone', values: [az] }],
          iamResources: [arn('ec2', 'subnet/*'), arn('ec2', 'network-acl/*')],
          scope: `the VPC's 3 subnets in ${az}`,
        },
      },
      stopAlarms: stops('http.get', 'chat.roundtrip'),
      maxMinutes: FAULT_MINUTES,
    }),
  );

  if (!region.isWriteRegion) {
    const write = environment.writeRegion;
    faults.push(
      fault('write-region-cut', {
        description:
          `Cuts the region's private subnets off from ${write}, the write region, for ${FAULT_MINUTES} minutes: ` +
          'what the pods send there fails while reads go on',
        actions: {
          cut: {
            actionId: 'aws:network:route-table-disrupt-cross-region-connectivity',
            description: `route traffic for ${write} nowhere`,
            parameters: { duration: minutes(FAULT_MINUTES), region: write },
            target: 'subnets',
          },
        },
        targets: {
          subnets: {
            resourceType: 'aws:ec2:subnet',
            selectionMode: 'ALL',
            resourceTags: { ...networkTags, [SUBNET_TYPE_TAG]: 'Private' },
            iamResources: [arn('ec2', 'subnet/*'), arn('ec2', 'route-table/*'), arn('ec2', 'vpc-endpoint/*')],
            scope: `the VPC's ${region.azs.length} private subnets, to ${write} only`,
          },
        },
        stopAlarms: stops('profile.read.origin', 'postgres.memory_read'),
        maxMinutes: FAULT_MINUTES,
      }),
    );
  }

  const destinations = replicationDestinations(environment, region);
  if (destinations.length > 0) {
    const bucket = `arn:aws:s3:::${mediaBucketName(env, account, r)}`;
    faults.push(
      fault('media-replication-pause', {
        description: `Pauses the media bucket's replication to ${destinations.map((d) => d.region).join(', ')} for ${REPLICATION_PAUSE_MINUTES} minutes`,
        actions: Object.fromEntries(
          destinations.map((d) => [
            `pause-${d.region}`,
            {
              actionId: 'aws:s3:bucket-pause-replication',
              description: `pause replication to ${d.region}`,
              parameters: { duration: minutes(REPLICATION_PAUSE_MINUTES), region: d.region, destinationBuckets: d.bucketName },
              target: 'media',
            } satisfies ExperimentAction,
          ]),
        ),
        targets: {
          media: {
            resourceType: 'aws:s3:bucket',
            selectionMode: 'ALL',
            resourceTags: { ...envTags, [TAG_KEYS.region]: r, [MEDIA_BUCKET_TAG.key]: MEDIA_BUCKET_TAG.value },
            iamResources: [bucket],
            scope: `the region's media bucket`,
          },
        },
        stopAlarms: stops(),
        maxMinutes: REPLICATION_PAUSE_MINUTES,
      }),
    );
  }
  return faults;
}

/**
 * The reader instances the reboot experiment picks from: one of each of the first REBOOT_CANDIDATES shards, which
 * every environment has whatever its size (so adding shards leaves the experiment as it is). In the write region the
 * first reader (`-1`; `-0` is the planned writer, which the failover experiment fails back to); elsewhere every
 * instance reads and `-0` is taken. None when the write region has no readers.
 */
export function rebootCandidates(environment: EnvironmentPlan, region: RegionPlan): string[] {
  if (region.isWriteRegion && environment.database.writeRegionReaders === 0) return [];
  const index = region.isWriteRegion ? 1 : 0;
  return Array.from({ length: Math.min(REBOOT_CANDIDATES, environment.shards) }, (_, shard) => `${shardClusterIdentifier(environment.name, shard)}-${index}`);
}

/**
 * What FIS or gigascale would refuse in an experiment, each at the experiment, action or target, with the fix; none
 * when it may be deployed. gigascale refuses an experiment that no alarm can stop, or whose faults have no end within its bound.
 */
export function experimentProblems(spec: Omit<ExperimentSpec, 'schedule'>): Issue[] {
  const problems: Issue[] = [];
  const at = (where: string, message: string): void => void problems.push({ at: `${spec.name}${where}`, message });
  if (spec.stopAlarms.length === 0) at('', 'has no stop condition: name at least one CloudWatch alarm that stops the experiment when the region suffers');
  if (spec.stopAlarms.length > MAX_STOP_CONDITIONS) at('', `has ${spec.stopAlarms.length} stop conditions, FIS allows ${MAX_STOP_CONDITIONS}: keep the alarms closest to the fault`);
  if (new Set(spec.stopAlarms).size !== spec.stopAlarms.length) at('', 'names a stop-condition alarm twice');
  if (!Number.isInteger(spec.maxMinutes) || spec.maxMinutes < 1 || spec.maxMinutes > CHAOS_SLOT_MINUTES) {
    at('', `may run ${spec.maxMinutes} minutes: bound it to whole minutes, 1 to ${CHAOS_SLOT_MINUTES} (its slot in the weekly window)`);
  }
  const names = Object.keys(spec.actions);
  if (names.length === 0) at('', 'has no action');
  const used = new Set<string>();
  for (const [name, action] of Object.entries(spec.actions)) {
    const where = ` action ${name}`;
    const known = FIS_ACTIONS[action.actionId] as (typeof FIS_ACTIONS)[FisActionId] | undefined;
    if (!known) {
      at(where, `${JSON.stringify(action.actionId)} is not an action gigascale knows: add it to lib/facts/fis-actions.ts with its source`);
      continue;
    }
    for (const p of Object.keys(action.parameters)) {
      if (!(known.parameters as readonly string[]).includes(p)) at(where, `${action.actionId} takes no parameter ${JSON.stringify(p)} (it takes ${known.parameters.join(', ') || 'none'})`);
    }
    for (const p of known.required) if (!(p in action.parameters)) at(where, `${action.actionId} requires the parameter ${JSON.stringify(p)}`);
    const duration = action.parameters.duration;
    if (duration !== undefined && !FIS_DURATION.test(duration)) at(where, `duration ${JSON.stringify(duration)} is not whole minutes in ISO 8601 (PT5M)`);
    for (const after of action.startAfter ?? []) if (!names.includes(after)) at(where, `starts after ${JSON.stringify(after)}, which is not an action of the experiment`);
    if (known.resourceType === null) {
      if (action.target !== undefined) at(where, `${action.actionId} takes no target`);
      continue;
    }
    if (action.target === undefined) {
      at(where, `${action.actionId} needs a target of type ${known.resourceType}`);
      continue;
    }
    used.add(action.target);
    const target = spec.targets[action.target] as ExperimentTarget | undefined;
    if (!target) {
      at(where, `targets ${JSON.stringify(action.target)}, which is not a target of the experiment`);
      continue;
    }
    if (target.resourceType !== known.resourceType) at(where, `${action.actionId} acts on ${known.resourceType}, not on ${target.resourceType} (target ${action.target})`);
    if (target.resourceArns && known.findBy === 'tags') at(where, `${action.actionId} finds its targets by tags only: give target ${action.target} resourceTags, not resourceArns`);
    if ((target.resourceArns || target.resourceTags) && known.findBy === 'parameters') {
      at(where, `${action.actionId} finds its targets by their parameters only: give target ${action.target} neither resourceArns nor resourceTags`);
    }
    for (const p of known.requiredTargetParameters) {
      if (!Object.hasOwn(target.parameters ?? {}, p)) at(where, `target ${action.target} of ${action.actionId} needs the parameter ${JSON.stringify(p)}`);
    }
    for (const p of Object.keys(target.parameters ?? {})) {
      if (!(known.targetParameters as readonly string[]).includes(p)) at(where, `target ${action.target} of ${action.actionId} takes no parameter ${JSON.stringify(p)}`);
    }
    const count = /^COUNT\((\d+)\)$/.exec(target.selectionMode);
    if (count && known.maxTargets !== null && Number(count[1]) > known.maxTargets) {
      at(where, `target ${action.target} picks ${count[1]} resources, FIS allows ${action.actionId} ${known.maxTargets}`);
    }
  }
  for (const [name, target] of Object.entries(spec.targets)) {
    const where = ` target ${name}`;
    if (!used.has(name)) at(where, 'is not the target of any action: remove it');
    // A resource type found by its target parameters (EKS pods) takes neither; the action's check above says so.
    const byParameters = Object.values(FIS_ACTIONS).some((a) => a.resourceType === target.resourceType && a.findBy === 'parameters');
    if (!byParameters && Boolean(target.resourceArns) === Boolean(target.resourceTags)) at(where, 'must be found either by resourceArns or by resourceTags (FIS takes one of the two)');
    if (target.resourceArns && target.filters) at(where, 'FIS takes filters with resourceTags only');
    if ((target.resourceArns?.length ?? 0) > 5) at(where, `names ${target.resourceArns!.length} ARNs, FIS takes at most 5`);
    const mode = /^(ALL|COUNT\(([1-9]\d*)\)|PERCENT\(([1-9]\d?|100)\))$/.exec(target.selectionMode);
    if (!mode) at(where, `selection mode ${JSON.stringify(target.selectionMode)} is not ALL, COUNT(n) or PERCENT(n)`);
    // The blast radius: ALL of an environment's tags is every such resource of the region; something must narrow it
    // (named ARNs, filters, a target parameter such as an AZ, or a tag finer than the environment's).
    const narrowing = Object.keys(target.resourceTags ?? {}).filter((k) => k !== TAG_KEYS.project && k !== TAG_KEYS.env);
    if (target.selectionMode === 'ALL' && !target.resourceArns && !target.filters?.length && !target.parameters && narrowing.length === 0) {
      at(where, 'selects ALL of the environment\'s resources of its type: pick COUNT(n) or PERCENT(n), or narrow it with filters, a target parameter or a finer tag');
    }
    if (target.iamResources.length === 0 || target.iamResources.some((a) => a === '*')) {
      at(where, 'must name the resources its role may act on (IAM ARNs), not *');
    }
  }
  const longest = longestMinutes(spec.actions);
  if (longest > spec.maxMinutes) at('', `its timed actions run ${longest} minutes in sequence, beyond its bound of ${spec.maxMinutes}`);
  return problems;
}

/** Minutes of the longest chain of timed actions (an action without a duration counts 0: FIS ends it when it is done). */
function longestMinutes(actions: Readonly<Record<string, ExperimentAction>>): number {
  const memo = new Map<string, number>();
  const ends = (name: string, seen: readonly string[]): number => {
    if (memo.has(name)) return memo.get(name)!;
    const action = actions[name] as ExperimentAction | undefined;
    if (!action || seen.includes(name)) return 0;
    const own = Number(FIS_DURATION.exec(action.parameters.duration ?? '')?.[1] ?? 0);
    const after = Math.max(0, ...(action.startAfter ?? []).map((a) => ends(a, [...seen, name])));
    memo.set(name, after + own);
    return after + own;
  };
  return Math.max(0, ...Object.keys(actions).map((n) => ends(n, [])));
}
