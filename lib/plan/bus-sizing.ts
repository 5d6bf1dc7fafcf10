/**
 * Sizing of the event bus of one environment: partitions per topic, and per region the brokers, the ingress they
 * carry (the region's own events plus what MSK Replicator brings in from the other regions) and, for Standard
 * brokers, the EBS volume each needs for the topics' retention. A plan that does not fit its brokers is refused at
 * synth with the figure to change, rather than deployed and throttled.
 */
import type { Issue } from '../util/errors';
import { round } from '../util/math';
import type { ServiceName } from '../facts/services';
import type { CrossRegionReplication } from './schema';
import type { BusSizes } from '../facts/phases';
import { BROKER_TYPES, MAX_BROKER_STORAGE_GIB, REPLICATION_FACTOR } from '../facts/broker-types';
import { partitionsFor, TOPIC_NAMES, TOPIC_ROLES, topicMBps, type TopicName, type TopicSettings } from '../facts/topics';

export interface TopicPlan extends TopicSettings {
  readonly name: TopicName;
  readonly partitions: number;
  /** MB/s the topic receives from its own region's producers. */
  readonly mbPerSecond: number;
  readonly producers: readonly ServiceName[];
  readonly consumers: readonly ServiceName[];
}

export interface RegionBusPlan {
  readonly brokers: number;
  /** Client ingress of the region's cluster at peak, MB/s: own events plus replicated-in topics. */
  readonly ingressMBps: number;
  /** EBS volume per broker, GiB; null for Express brokers (managed storage). */
  readonly storageGiBPerBroker: number | null;
  /**
   * Other regions' replicators read this region's cluster: it needs multi-VPC connectivity and a cluster policy
   * for MSK Replicator. True from `crossRegionReplication: 'sources'` on, when a topic is replicated.
   */
  readonly replicationSource: boolean;
  /** Regions whose replicated topics this region's replicators copy in, in plan order; empty unless replication is on. */
  readonly replicationSources: readonly string[];
}

/** Free space kept on a Standard broker's volume above what retention fills (Kafka stops when a disk is full). */
export const STORAGE_HEADROOM = 1.25;
/** Volumes are sized in steps of this many GiB, so small rate changes do not resize them. */
export const STORAGE_STEP_GIB = 100;

/**
 * Regions where MSK Replicator runs (AWS MSK Developer Guide, "What is Amazon MSK Replicator?"). A topic
 * replicated across regions needs every region of the environment in this list.
 */
export const REPLICATOR_REGIONS: readonly string[] = [
  'ap-northeast-1', 'ap-northeast-2', 'ap-south-1', 'ap-southeast-1', 'ap-southeast-2', 'ca-central-1', 'eu-central-1',
  'eu-north-1', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'sa-east-1', 'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2',
];

/**
 * The topics with their partitions. `regionCount` is the environment's: with one region nothing is replicated, so a
 * topic's replication is `none` there whatever the config declares.
 */
export function busTopics(sizes: BusSizes, regionCount: number): TopicPlan[] {
  return TOPIC_NAMES.map((name) => {
    const settings = { ...sizes.topics[name], ...(regionCount > 1 ? {} : { replication: 'none' as const }) };
    return {
      name,
      ...settings,
      partitions: partitionsFor(sizes, settings.share, settings.replication),
      mbPerSecond: topicMBps(sizes, settings.share),
      producers: TOPIC_ROLES[name].producers,
      consumers: TOPIC_ROLES[name].consumers,
    };
  });
}

interface RegionShape {
  readonly name: string;
  readonly azs: readonly string[];
}

/** MB/s a topic carries in one region's cluster: its own producers', plus every other region's when replicated. */
export function clusterTopicMBps(topic: TopicPlan, regionCount: number): number {
  return topic.replication === 'all-regions' ? topic.mbPerSecond * regionCount : topic.mbPerSecond;
}

/**
 * One region's bus. Sizes are those of the replicated steady state whatever `replication` is (a first deploy runs
 * off, then sources, then on), so switching replication on later adds replicators and changes no broker or topic.
 */
export function regionBus(
  sizes: BusSizes,
  region: RegionShape,
  regions: readonly RegionShape[],
  replication: CrossRegionReplication = 'on',
): RegionBusPlan {
  const topics = busTopics(sizes, regions.length);
  const brokers = sizes.brokersPerAz * region.azs.length;
  const ingressMBps = round(topics.reduce((sum, t) => sum + clusterTopicMBps(t, regions.length), 0), 3);
  const express = BROKER_TYPES[sizes.brokerType]?.express ?? false;
  const replicated = topics.some((t) => t.replication === 'all-regions');
  return {
    brokers,
    ingressMBps,
    storageGiBPerBroker: express ? null : storagePerBroker(topics, brokers, regions.length),
    replicationSource: replicated && replication !== 'off',
    replicationSources: replicated && replication === 'on' ? regions.filter((r) => r.name !== region.name).map((r) => r.name) : [],
  };
}

/** GiB each broker's volume needs: every topic's bytes over its retention, times the replication factor, spread over the brokers. */
function storagePerBroker(topics: readonly TopicPlan[], brokers: number, regionCount: number): number {
  const bytes = topics.reduce((sum, t) => sum + clusterTopicMBps(t, regionCount) * 1e6 * t.retentionHours * 3600, 0);
  const gib = (bytes * REPLICATION_FACTOR * STORAGE_HEADROOM) / brokers / 2 ** 30;
  return Math.max(STORAGE_STEP_GIB, Math.ceil(gib / STORAGE_STEP_GIB) * STORAGE_STEP_GIB);
}

/**
 * Every way the environment's bus does not fit: at `environments.<env>.sizes.bus`, with the figures and the change
 * that fixes it. Empty when it fits.
 */
export function busIssues(envName: string, sizes: BusSizes, regions: readonly RegionShape[]): Issue[] {
  const at = `environments.${envName}.sizes.bus`;
  const type = BROKER_TYPES[sizes.brokerType];
  if (type === undefined) return []; // the schema reports an unknown broker type
  const issues: Issue[] = [];
  const shareSum = TOPIC_NAMES.reduce((s, t) => s + sizes.topics[t].share, 0);
  if (Math.abs(shareSum - 1) > 1e-6) {
    issues.push({
      at: `${at}.topics`,
      message: `the topics' shares of the events must add up to 1, got ${round(shareSum, 6)} (${TOPIC_NAMES.map((t) => `${t} ${sizes.topics[t].share}`).join(', ')})`,
    });
  }
  const topics = busTopics(sizes, regions.length);
  const replicated = topics.filter((t) => t.replication === 'all-regions');
  for (const region of regions) {
    const plan = regionBus(sizes, region, regions);
    if (type.express && region.azs.length !== 3) {
      issues.push({
        at: `${at}.brokerType`,
        message: `${sizes.brokerType} is an Express broker, which MSK runs in exactly 3 availability zones; ${region.name} has ${region.azs.length} (${region.azs.join(', ')}): choose a kafka.m7g.* type or give the region 3 azs`,
      });
    }
    if (plan.brokers < REPLICATION_FACTOR) {
      issues.push({
        at: `${at}.brokersPerAz`,
        message: `${region.name} would have ${plan.brokers} brokers (${sizes.brokersPerAz} x ${region.azs.length} AZs), fewer than the replication factor ${REPLICATION_FACTOR}; set brokersPerAz to at least ${Math.ceil(REPLICATION_FACTOR / region.azs.length)}`,
      });
    }
    const capacity = round(plan.brokers * type.ingressMBps, 3);
    if (plan.ingressMBps > capacity) {
      const perAz = Math.ceil(plan.ingressMBps / type.ingressMBps / region.azs.length);
      issues.push({
        at: `${at}.brokersPerAz`,
        message: `${region.name} takes ${plan.ingressMBps} MB/s at peak (${sizes.eventsPerSecond} events/s x ${sizes.meanEventBytes} B${replicated.length > 0 ? `, plus ${replicated.map((t) => t.name).join(', ')} from ${regions.length - 1} other region(s)` : ''}), more than ${plan.brokers} x ${sizes.brokerType} sustain (${type.ingressMBps} MB/s each, ${capacity} MB/s): set brokersPerAz to at least ${perAz} or choose a larger brokerType`,
      });
    }
    const replicas = topics.reduce((s, t) => s + t.partitions, 0) * REPLICATION_FACTOR;
    const perBroker = Math.ceil(replicas / plan.brokers);
    if (perBroker > type.partitionsPerBroker) {
      issues.push({
        at: `${at}.partitionMBps`,
        message: `${region.name}: ${replicas} partition replicas over ${plan.brokers} brokers is ${perBroker} per broker, more than ${sizes.brokerType} supports (${type.partitionsPerBroker}); raise partitionMBps, add brokers or choose a larger brokerType`,
      });
    }
    if (plan.storageGiBPerBroker !== null && plan.storageGiBPerBroker > MAX_BROKER_STORAGE_GIB) {
      issues.push({
        at: `${at}.brokersPerAz`,
        message: `${region.name}: the topics' retention needs ${plan.storageGiBPerBroker} GiB per broker, more than MSK allows (${MAX_BROKER_STORAGE_GIB}); add brokers, shorten retentionHours or use Express brokers (managed storage)`,
      });
    }
  }
  if (replicated.length > 0 && regions.length > 1) {
    const unsupported = regions.filter((r) => !REPLICATOR_REGIONS.includes(r.name)).map((r) => r.name);
    if (unsupported.length > 0) {
      issues.push({
        at: `${at}.topics`,
        message: `${replicated.map((t) => t.name).join(', ')} replicate to all regions, but MSK Replicator does not run in ${unsupported.join(', ')}; set their replication to "none" or leave those regions out`,
      });
    }
  }
  return issues;
}
