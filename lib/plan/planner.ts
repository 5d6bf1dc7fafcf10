/**
 * The capacity planner: workload x unit capacities -> every count the stacks deploy, each with the arithmetic that
 * produced it. Pure; `resolvePlan` runs it for every environment, so the phase presets' counts are its output and a
 * changed target changes the synthesized sizes.
 *
 * Each count is the largest of its constraints (the binding one is named), never below the phase's floor:
 *   shards              write throughput, database size, the seed's shard floor
 *   readers per shard   reads the cache misses, connections of the region's pods, the availability floor
 *   cache shards        operations per second, the working set in memory
 *   brokers per AZ      ingress (own events + replicated topics), partition replicas, replication factor 3
 *   replicas            ceiling: requests (and, for chat, sockets) at the peak, room to scale above the floor;
 *                       floor: the daily trough, the availability floor
 *   TURN relay          floor: the availability floor; ceiling: room to scale above it
 *   event consumers     ceiling: their topics' events at the peak, room to scale, capped by the topics' partitions;
 *                       floor: the daily trough, the availability floor
 *   nodes per AZ        the pods' CPU and memory requests at the peak (with a rolling update's surge), and at the trough
 * A region takes an even share of the environment's load (assumption: users are spread over the regions, and the
 * per-region headroom covers the skew).
 */
import { ceilDiv } from '../util/math';
import { vcpusOfSize } from '../facts/instance-sizes';
import { CACHE_NODE_MEMORY_GIB } from '../facts/valkey';
import { NODE_INSTANCE_TYPE_SHAPES } from '../facts/node-types';
import { HTTP_SERVICES, ROLLING_UPDATE_MAX_SURGE_PERCENT, SERVICE_SPECS, TURN_POD, WORKLOADS, type Workload } from '../facts/workloads';
import { BROKER_TYPES, REPLICATION_FACTOR } from '../facts/broker-types';
import { busTopics, regionBus } from './bus-sizing';
import { CONSUMER_POD, CONSUMERS, type Consumer } from '../facts/consumers';
import type { BusSizes, CapacityFloors } from '../facts/phases';
import type { UnitCapacities } from './capacities';
import type { WorkloadModel } from './workload';

/** One reason for a count: its name, the count it asks for, and the arithmetic a reviewer can redo. */
export interface Constraint {
  readonly name: string;
  readonly value: number;
  readonly arithmetic: string;
}

export interface Sized {
  /** The count deployed: the config's when it sets one, else `planned`. */
  readonly value: number;
  /** The largest of the constraints. */
  readonly planned: number;
  /** The constraint that decides `planned` (the first of equals), or `set in config`. */
  readonly binding: string;
  readonly constraints: readonly Constraint[];
}

export interface RegionShape {
  readonly name: string;
  readonly azs: readonly string[];
}

/** Counts the config sets itself; the planner reports its own figure beside them. */
export interface GivenCounts {
  readonly shards?: number;
  readonly writeRegionReaders?: number;
  readonly readersPerRegion?: number;
  readonly cacheShards?: number;
  readonly brokersPerAz?: number;
  readonly nodesPerAzMin?: number;
  readonly nodesPerAzMax?: number;
  readonly replicas?: Partial<Record<Workload, { readonly minReplicas?: number; readonly maxReplicas?: number }>>;
}

export interface PlannerInput {
  readonly workload: WorkloadModel;
  readonly capacities: UnitCapacities;
  readonly floors: CapacityFloors;
  readonly regions: readonly RegionShape[];
  /** Aurora instance class of every writer and reader. */
  readonly instanceClass: string;
  /** `max_connections` of every instance. */
  readonly maxConnections: number;
  readonly cacheNodeType: string;
  /** The bus as deployed, but for `brokersPerAz`, which is planned. */
  readonly bus: Omit<BusSizes, 'brokersPerAz'>;
  readonly nodeInstanceType: string;
  /** CPU (millicores) and memory (MiB) each pod of a workload requests. */
  readonly pods: Readonly<Record<Workload, { readonly cpuMillis: number; readonly memoryMiB: number }>>;
  readonly given?: GivenCounts;
}

export interface WorkloadReplicas {
  readonly minReplicas: Sized;
  readonly maxReplicas: Sized;
}

export interface CapacityPlan {
  /** The TURN relay's replicas: not a request-driven workload (the workload model has no relayed-call figure). */
  readonly turn: WorkloadReplicas;
  /** Each event consumer's replicas, from its topics' events; its topics' partitions cap the ceiling. */
  readonly consumers: Readonly<Record<Consumer, WorkloadReplicas>>;
  readonly shards: Sized;
  readonly writeRegionReaders: Sized;
  readonly readersPerRegion: Sized;
  readonly cacheShards: Sized;
  readonly brokersPerAz: Sized;
  readonly replicas: Readonly<Record<Workload, WorkloadReplicas>>;
  readonly nodesPerAzMin: Sized;
  readonly nodesPerAzMax: Sized;
}

/** A number as a reviewer reads it: 500K, 2.5M, 1B, 4,800, 1.3. */
export function compact(n: number): string {
  const trim = (x: number) => String(Math.round(x * 100) / 100);
  if (n >= 1e9 && n % 1e7 === 0) return `${trim(n / 1e9)}B`;
  if (n >= 1e6 && n % 1e4 === 0) return `${trim(n / 1e6)}M`;
  if (n >= 1e4 && n % 100 === 0) return `${trim(n / 1e3)}K`;
  return n.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

/** a / b to two decimals, or two significant digits below 0.01 (0.0042, not 0). */
const quotient = (a: number, b: number): string => {
  const q = a / b;
  return q > 0 && q < 0.01 ? q.toPrecision(2) : compact(Math.round(q * 100) / 100);
};

/** The largest constraint, or the config's count with the planner's beside it. */
function sized(constraints: readonly Constraint[], given: number | undefined): Sized {
  const top = constraints.reduce((best, c) => (c.value > best.value ? c : best));
  return given === undefined
    ? { value: top.value, planned: top.value, binding: top.name, constraints }
    : { value: given, planned: top.value, binding: 'set in config', constraints };
}

const floor = (name: string, value: number, why: string): Constraint => ({ name, value, arithmetic: `${why}: ${value}` });

/** `load x headroom / per unit`, rounded up, with its arithmetic. */
function demand(name: string, load: number, loadUnit: string, perUnit: number, unitText: string, headroom: number): Constraint {
  const value = ceilDiv(load * headroom, perUnit);
  return {
    name,
    value,
    arithmetic: `${compact(load)} ${loadUnit} / ${compact(perUnit)} ${unitText} x ${headroom} headroom = ${quotient(load * headroom, perUnit)} -> ${value}`,
  };
}

export function planCapacity(input: PlannerInput): CapacityPlan {
  const { workload: w, capacities: c, floors, regions } = input;
  const given = input.given ?? {};
  const h = c.headroom;
  const n = regions.length;

  // Compute first: the database's connection constraint counts the pods.
  const replicas = planReplicas(input);
  const turn = planTurn(input);
  const consumers = planConsumers(input);
  const nodes = planNodes(input, [
    ...WORKLOADS.map((w) => ({ replicas: replicas[w], pod: input.pods[w] })),
    { replicas: turn, pod: TURN_POD },
    ...CONSUMERS.map((k) => ({ replicas: consumers[k], pod: CONSUMER_POD })),
  ]);

  const dbVcpus = vcpusOfSize(input.instanceClass);
  const perWriter = dbVcpus * c.writesPerWriterVcpu;
  const shards = sized(
    [
      demand('write throughput', w.dbWritesPerSecond, 'writes/s', perWriter, `per writer (${input.instanceClass}: ${dbVcpus} vCPU x ${compact(c.writesPerWriterVcpu)})`, h),
      demand('database size', w.databaseTB, 'TB', c.maxShardTB, 'TB per shard', h),
      floor('seed floor', floors.shards, "the seed's shard count for the phase"),
    ],
    given.shards,
  );

  // Reads that miss the cache, spread over the region's shards, and the connections of the region's database pods.
  const perReader = dbVcpus * c.readsPerReaderVcpu;
  const missesPerShard = (w.dbReadsPerSecond * (1 - c.cacheHitRatio)) / n / shards.value;
  const dbPods = HTTP_SERVICES.filter((s) => SERVICE_SPECS[s].shardSecrets).reduce((sum, s) => sum + replicas[s].maxReplicas.value, 0);
  const connections = dbPods * c.connectionsPerPodPerShard;
  const readerConstraints = (floorValue: number, floorWhy: string): Constraint[] => [
    demand(
      'reads',
      Math.round(missesPerShard * 100) / 100,
      `reads/s per shard (${compact(w.dbReadsPerSecond)} x ${Math.round((1 - c.cacheHitRatio) * 1000) / 10} % misses / ${n} regions / ${shards.value} shards)`,
      perReader,
      `per reader (${dbVcpus} vCPU x ${compact(c.readsPerReaderVcpu)})`,
      h,
    ),
    demand('connections', connections, `connections per shard (${dbPods} database pods x ${c.connectionsPerPodPerShard})`, input.maxConnections, 'per instance', 1),
    floor('availability floor', floorValue, floorWhy),
  ];
  const writeRegionReaders = sized(readerConstraints(floors.writeRegionReaders, 'failover targets of each writer'), given.writeRegionReaders);
  const readersPerRegion = sized(readerConstraints(floors.readersPerRegion, 'readers of each shard in every other region'), given.readersPerRegion);

  const cacheVcpus = vcpusOfSize(input.cacheNodeType);
  const cacheOps = (w.dbReadsPerSecond * (2 - c.cacheHitRatio) + w.dbWritesPerSecond) / n;
  const usableGB = (CACHE_NODE_MEMORY_GIB[input.cacheNodeType] * 2 ** 30 * c.cacheUsableMemoryFraction) / 1e9;
  const workingSetGB = (w.users * w.dailyActiveRatio * c.cacheBytesPerDailyActiveUser) / n / 1e9;
  const cacheShards = sized(
    [
      demand('operations', Math.ceil(cacheOps), 'ops/s per region (reads, a set per miss, an invalidation per write)', cacheVcpus * c.cacheOpsPerVcpu, `per primary (${input.cacheNodeType}: ${cacheVcpus} vCPU x ${compact(c.cacheOpsPerVcpu)})`, h),
      demand('working set', Math.round(workingSetGB * 100) / 100, `GB per region (${compact(w.users)} users x ${w.dailyActiveRatio} daily x ${compact(c.cacheBytesPerDailyActiveUser)} B / ${n})`, Math.round(usableGB * 100) / 100, 'GB usable per node', h),
      floor('one shard', 1, 'a cluster has at least'),
    ],
    given.cacheShards,
  );

  return {
    turn,
    consumers,
    shards,
    writeRegionReaders,
    readersPerRegion,
    cacheShards,
    brokersPerAz: planBrokers(input.bus, regions, h, given.brokersPerAz),
    replicas,
    ...nodes,
  };
}

/** Brokers per AZ: the region that needs most decides (regions differ in AZs and in what they replicate in). */
function planBrokers(bus: Omit<BusSizes, 'brokersPerAz'>, regions: readonly RegionShape[], h: number, given: number | undefined): Sized {
  const type = BROKER_TYPES[bus.brokerType];
  const sizes: BusSizes = { ...bus, brokersPerAz: 1 };
  const replicasPerRegion = busTopics(sizes, regions.length).reduce((s, t) => s + t.partitions, 0) * REPLICATION_FACTOR;
  const perRegion = regions.map((region) => {
    const azs = region.azs.length;
    const ingress = regionBus(sizes, region, regions).ingressMBps;
    return [
      demand('ingress', ingress, `MB/s in ${region.name} (own events + replicated topics)`, type.ingressMBps * azs, `per broker in each of ${azs} AZs (${bus.brokerType}: ${type.ingressMBps} MB/s)`, h),
      demand('partition replicas', replicasPerRegion, `partition replicas (RF ${REPLICATION_FACTOR})`, type.partitionsPerBroker * azs, `per broker in each of ${azs} AZs`, 1),
      { name: 'replication factor', value: Math.ceil(REPLICATION_FACTOR / azs), arithmetic: `${REPLICATION_FACTOR} replicas over ${azs} AZs -> ${Math.ceil(REPLICATION_FACTOR / azs)}` },
    ];
  });
  // Per constraint, the region that asks most.
  const constraints = perRegion[0].map((_, i) => perRegion.map((r) => r[i]).reduce((a, b) => (b.value > a.value ? b : a)));
  return sized(constraints, given);
}

/**
 * An autoscaler's bounds. The floor: the daily trough of the peak's demand (when there is a demand), at least the
 * availability floor. The ceiling: the peak's demand, and at least `scaleOutRatio` times the floor, so every
 * autoscaler has room to scale even where the planned peak is below the availability floor.
 */
function autoscalerBounds(
  input: PlannerInput,
  peak: readonly Constraint[],
  given: { readonly minReplicas?: number; readonly maxReplicas?: number } = {},
): WorkloadReplicas {
  const c = input.capacities;
  const atPeak = Math.max(0, ...peak.map((p) => p.value));
  const trough = Math.ceil(atPeak * c.troughToPeakRatio);
  const minReplicas = sized(
    [
      ...(peak.length === 0 ? [] : [{ name: 'daily trough', value: trough, arithmetic: `${atPeak} at the peak x ${c.troughToPeakRatio} -> ${trough}` }]),
      floor('availability floor', input.floors.replicas, 'replicas of every workload'),
    ],
    given.minReplicas,
  );
  const room = Math.ceil(minReplicas.value * c.scaleOutRatio);
  const maxReplicas = sized(
    [...peak, { name: 'scale-out room', value: room, arithmetic: `${minReplicas.value} at the floor x ${c.scaleOutRatio} -> ${room}` }],
    given.maxReplicas,
  );
  return { minReplicas, maxReplicas };
}

/** Replicas per workload: the peak's requests (chat: also its sockets) with headroom. */
function planReplicas(input: PlannerInput): Record<Workload, WorkloadReplicas> {
  const { workload: w, capacities: c } = input;
  const n = input.regions.length;
  const h = c.headroom;
  const rps = w.peakRequestsPerSecond / n;
  return Object.fromEntries(
    WORKLOADS.map((name) => {
      const share = name === 'gateway' ? 1 : c.requestShare[name];
      const load = Math.ceil(rps * share);
      const peak: Constraint[] = [
        demand('requests', load, `requests/s per region${name === 'gateway' ? '' : ` (${share} of ${compact(Math.ceil(rps))})`}`, c.requestsPerPod[name], 'per pod', h),
        ...(name === 'chat' ? [demand('sockets', Math.ceil(w.concurrentSockets / n), 'sockets per region', c.socketsPerChatPod, 'per pod', h)] : []),
      ];
      return [name, autoscalerBounds(input, peak, input.given?.replicas?.[name])];
    }),
  ) as Record<Workload, WorkloadReplicas>;
}

/**
 * The TURN relay: one pod per AZ at least (the availability floor), room to scale above it. The workload model has no
 * figure for relayed calls, so no load constraint sizes it: its autoscaler follows the CPU its relaying takes.
 */
function planTurn(input: PlannerInput): WorkloadReplicas {
  return autoscalerBounds(input, []);
}

/**
 * The event consumers. A consumer reads its topics' events of its own region (every region's, for a replicated
 * topic): the ceiling is those events at the peak with headroom over what one pod handles, at least the scale-out
 * room, and never more than the topics' partitions: a consumer group gives each partition to one member, so a pod
 * beyond that count would sit idle. The floor is the daily trough, at least the availability floor.
 */
function planConsumers(input: PlannerInput): Record<Consumer, WorkloadReplicas> {
  const c = input.capacities;
  const n = input.regions.length;
  const topics = busTopics({ ...input.bus, brokersPerAz: 1 }, n);
  return Object.fromEntries(
    CONSUMERS.map((consumer) => {
      const read = topics.filter((t) => t.consumers.includes(consumer));
      const events = Math.ceil(read.reduce((s, t) => s + input.bus.eventsPerSecond * t.share * (t.replication === 'all-regions' ? n : 1), 0));
      const partitions = read.reduce((s, t) => s + t.partitions, 0);
      const peak = demand('events', events, `events/s per region (${read.map((t) => t.name).join(', ')})`, c.eventsPerConsumerPod[consumer], 'per pod', c.headroom);
      const { minReplicas, maxReplicas: uncapped } = autoscalerBounds(input, [peak]);
      const cap: Constraint = {
        name: 'partitions',
        value: partitions,
        arithmetic: `a consumer group uses one pod per partition at most: ${read.map((t) => `${t.partitions} of ${t.name}`).join(' + ')} = ${partitions}`,
      };
      const maxReplicas: Sized =
        uncapped.value > partitions
          ? { value: partitions, planned: partitions, binding: 'partitions', constraints: [...uncapped.constraints, cap] }
          : { ...uncapped, constraints: [...uncapped.constraints, cap] };
      return [consumer, { minReplicas, maxReplicas }];
    }),
  ) as Record<Consumer, WorkloadReplicas>;
}

/** What each pod of a scaled workload requests. */
type Pod = { readonly cpuMillis: number; readonly memoryMiB: number };

/** Nodes per AZ for the pods at the peak (max) and at the trough (min), by CPU and by memory. */
function planNodes(input: PlannerInput, scaled: readonly { readonly replicas: WorkloadReplicas; readonly pod: Pod }[]): Pick<CapacityPlan, 'nodesPerAzMin' | 'nodesPerAzMax'> {
  const shape = NODE_INSTANCE_TYPE_SHAPES[input.nodeInstanceType];
  const f = input.capacities.nodeAllocatableFraction;
  const azs = Math.min(...input.regions.map((r) => r.azs.length));
  const cpuPerNode = shape.vcpus * 1000 * f;
  const memPerNode = shape.memoryGiB * 1024 * f;
  // The ceiling also holds a rolling update's surge pods; the floor is the trough's pods alone.
  const nodes = (which: 'minReplicas' | 'maxReplicas', given: number | undefined): Sized => {
    const surge = which === 'maxReplicas' ? 1 + ROLLING_UPDATE_MAX_SURGE_PERCENT / 100 : 1;
    const pods = scaled.map(({ replicas, pod }) => ({ count: replicas[which].value, ...pod }));
    const cpu = Math.ceil(pods.reduce((s, p) => s + p.count * p.cpuMillis, 0) * surge);
    const mem = Math.ceil(pods.reduce((s, p) => s + p.count * p.memoryMiB, 0) * surge);
    const of = `per node (${input.nodeInstanceType} x ${f} allocatable) x ${azs} AZs)${surge === 1 ? '' : `, pods +${ROLLING_UPDATE_MAX_SURGE_PERCENT} % rolling-update surge`}`;
    return sized(
      [
        { name: 'cpu', value: ceilDiv(cpu, cpuPerNode * azs), arithmetic: `${compact(cpu)} mCPU of pods / (${compact(Math.round(cpuPerNode))} mCPU ${of} -> ${ceilDiv(cpu, cpuPerNode * azs)}` },
        { name: 'memory', value: ceilDiv(mem, memPerNode * azs), arithmetic: `${compact(mem)} MiB of pods / (${compact(Math.round(memPerNode))} MiB ${of} -> ${ceilDiv(mem, memPerNode * azs)}` },
        floor('one node', 1, 'a node group keeps at least'),
      ],
      given,
    );
  };
  return { nodesPerAzMin: nodes('minReplicas', input.given?.nodesPerAzMin), nodesPerAzMax: nodes('maxReplicas', input.given?.nodesPerAzMax) };
}
