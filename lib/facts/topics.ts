/**
 * The topics of the event bus, declared in code: who produces and who consumes each, and the arithmetic that turns
 * an event-rate target into partitions.
 *
 *   topic MB/s  = events/s x share x mean event bytes / 10^6
 *   partitions  = max(minPartitions, ceil(topic MB/s / partition MB/s),
 *                     replicated ? ceil(topic MB/s / 0.3) : 0)
 *
 * The last term is MSK Replicator's: it copies about 0.3 MB/s per partition (AWS MSK Developer Guide, "MSK Replicator
 * best practices: Sizing and partitions": 50 MB/s needs 167 partitions, 1000 MB/s 3333), so a replicated topic gets
 * the partitions its cross-region copy needs, not only those its consumers need.
 *
 * `partition MB/s` is an assumption stated in config: what one partition (and so one consumer of a group) is asked
 * to carry. Partitions can only grow in Kafka, so a larger target adds partitions and a smaller one keeps them
 * (the sizing never lowers a count it has declared: see docs/cache-media-bus.md "Event bus").
 */
import type { ServiceName } from './services';
import { ceilDiv } from '../util/math';

export const TOPIC_NAMES = ['user-actions', 'chat-messages', 'memory-events', 'push-notifications'] as const;
export type TopicName = (typeof TOPIC_NAMES)[number];

/**
 * How far a topic's events or a region's media go: `none` stays in its region; `all-regions` reaches every other
 * region of the environment.
 */
export const REPLICATION_SCOPES = ['none', 'all-regions'] as const;
export type ReplicationScope = (typeof REPLICATION_SCOPES)[number];

/** `none`: the topic stays in its region. `all-regions`: every region's events reach every other region's topic. */
export type TopicReplication = ReplicationScope;

export interface TopicSettings {
  /** Fraction of the region's events that go to this topic; the shares of all topics add up to 1. */
  readonly share: number;
  /** How long Kafka keeps the topic's records, hours. */
  readonly retentionHours: number;
  /** Cross-region replication with MSK Replicator (identical topic names; MSK's headers stop loops). */
  readonly replication: TopicReplication;
}

export interface TopicRoles {
  readonly producers: readonly ServiceName[];
  readonly consumers: readonly ServiceName[];
}

/**
 * Fan-out of the seed: user actions go to memory, analytics and push; chat messages reach the chat nodes of every
 * region (a recipient may be connected elsewhere); memory events feed analytics; push notifications feed push.
 */
export const TOPIC_ROLES: Readonly<Record<TopicName, TopicRoles>> = {
  'user-actions': { producers: ['auth', 'entity', 'chat', 'voice'], consumers: ['memory', 'analytics', 'push'] },
  'chat-messages': { producers: ['chat'], consumers: ['chat'] },
  'memory-events': { producers: ['memory'], consumers: ['analytics'] },
  'push-notifications': { producers: ['entity', 'chat', 'memory'], consumers: ['push'] },
};

export const DEFAULT_TOPIC_SETTINGS: Readonly<Record<TopicName, TopicSettings>> = {
  'user-actions': { share: 0.5, retentionHours: 72, replication: 'none' },
  'chat-messages': { share: 0.3, retentionHours: 24, replication: 'all-regions' },
  'memory-events': { share: 0.1, retentionHours: 72, replication: 'none' },
  'push-notifications': { share: 0.1, retentionHours: 24, replication: 'none' },
};

export interface PartitionInputs {
  /** Peak events per second of one region. */
  readonly eventsPerSecond: number;
  readonly meanEventBytes: number;
  /** Throughput one partition is sized for, MB/s. */
  readonly partitionMBps: number;
  readonly minPartitions: number;
}

/** MB/s (10^6 bytes) a topic receives from its own region's producers. */
export function topicMBps(inputs: Pick<PartitionInputs, 'eventsPerSecond' | 'meanEventBytes'>, share: number): number {
  return (inputs.eventsPerSecond * share * inputs.meanEventBytes) / 1e6;
}

/** MB/s MSK Replicator copies per partition of a replicated topic (see the file comment). */
export const REPLICATOR_MBPS_PER_PARTITION = 0.3;

/**
 * Partitions of a topic: enough that no partition carries more than `partitionMBps`, enough for MSK Replicator when
 * the topic is replicated, and at least `minPartitions`.
 */
export function partitionsFor(inputs: PartitionInputs, share: number, replication: TopicReplication = 'none'): number {
  const mbps = topicMBps(inputs, share);
  const forReplicator = replication === 'all-regions' ? ceilDiv(mbps, REPLICATOR_MBPS_PER_PARTITION) : 0;
  return Math.max(inputs.minPartitions, ceilDiv(mbps, inputs.partitionMBps), forReplicator);
}

/** Services that consume a topic, or produce to it, in SERVICES order of the role lists. */
export function topicsConsumedBy(service: ServiceName): TopicName[] {
  return TOPIC_NAMES.filter((t) => TOPIC_ROLES[t].consumers.includes(service));
}

export function topicsProducedBy(service: ServiceName): TopicName[] {
  return TOPIC_NAMES.filter((t) => TOPIC_ROLES[t].producers.includes(service));
}
