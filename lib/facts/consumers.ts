/**
 * The seed's event consumers: every user action fans out over Kafka to Memory, Analytics and Push. Each runs as a
 * worker Deployment of its own (`<service>-consumer`), in its service's consumer group (lib/facts/names/bus.ts
 * consumerGroupName), with its image from config like the services', scaled by KEDA on its group's lag
 * (k8s/consumers-chart.ts) between the bounds the capacity planner sets.
 */
import { topicsConsumedBy, type TopicName } from './topics';
import type { Dependency } from './workloads';

export const CONSUMERS = ['memory', 'analytics', 'push'] as const;
export type Consumer = (typeof CONSUMERS)[number];

/** `memory-consumer`: the workload (and image, and pod role) of a consumer. */
export function consumerWorkload(consumer: Consumer): `${Consumer}-consumer` {
  return `${consumer}-consumer`;
}

export interface ConsumerSpec {
  /** What the worker does; the Deployment's description. */
  readonly description: string;
  /** Stores and endpoints it connects to (egress of its NetworkPolicy), sorted. */
  readonly dependencies: readonly Dependency[];
  /** Reads the shards' credentials (it writes to the shards). */
  readonly shardSecrets: boolean;
}

export const CONSUMER_SPECS: Readonly<Record<Consumer, ConsumerSpec>> = {
  memory: {
    description: 'Turns user actions into AI memories: embeddings and rows in the user\'s shard',
    dependencies: ['bus', 'cache', 'https', 'postgres'],
    shardSecrets: true,
  },
  analytics: { description: 'Aggregates user actions and memory events for analytics', dependencies: ['bus', 'https'], shardSecrets: false },
  push: { description: 'Delivers push notifications (APNs, FCM) for user actions and notification events', dependencies: ['bus', 'https'], shardSecrets: false },
};

/** The topics a consumer reads (lib/facts/topics.ts TOPIC_ROLES), in topic order. */
export function consumerTopics(consumer: Consumer): TopicName[] {
  return topicsConsumedBy(consumer);
}

/** CPU (millicores) and memory (MiB) each consumer pod requests; the capacity planner counts them on the nodes. */
export const CONSUMER_POD = { cpuMillis: 500, memoryMiB: 512 } as const;

/**
 * Seconds of work one pod's share of the lag may hold before KEDA adds a pod: the Kafka trigger's `lagThreshold` is
 * this times the pod's rate (`eventsPerConsumerPod`), so at the planned peak each pod is a few seconds behind.
 */
export const CONSUMER_LAG_TARGET_SECONDS = 10;
