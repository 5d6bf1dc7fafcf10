/**
 * Flows: what a user does, as the hops it crosses in order, with a P95 target. A flow that writes to the database
 * is forwarded from a region without the writers to the write region (Aurora global database write forwarding) and
 * pays one round trip between the two (lib/facts/rtt.ts).
 */
import type { Hop } from './hops';

export interface FlowDefinition {
  /** Hops in the order a request crosses them. */
  readonly hops: readonly Hop[];
  /** True when the flow commits to a shard's writer: outside the write region it pays the RTT to it. */
  readonly writes: boolean;
  /** Default P95 target, milliseconds. */
  readonly targetMs: number;
  /** What the flow is, and where its target comes from. */
  readonly description: string;
}

export const FLOWS = {
  'chat.send': {
    hops: ['client.send', 'lb', 'gateway', 'kafka.produce', 'ws.push'],
    writes: false,
    targetMs: 30,
    description: 'a chat message from sender to receiver (seed: P95 ~30 ms); persisted from Kafka, off the path',
  },
  'profile.read.edge-hit': {
    hops: ['edge.hit'],
    writes: false,
    targetMs: 50,
    description: 'a public profile answered by the Cloudflare cache (assumption: 50 ms for every profile read)',
  },
  'profile.read.cache-hit': {
    hops: ['client.send', 'lb', 'gateway', 'service', 'cache.get', 'client.receive'],
    writes: false,
    targetMs: 50,
    description: 'a profile answered from the regional cache (L2)',
  },
  'profile.read.replica-read': {
    hops: ['client.send', 'lb', 'gateway', 'service', 'cache.get', 'replica.read', 'cache.set', 'client.receive'],
    writes: false,
    targetMs: 50,
    description: 'a profile missed in the cache, read from the region\'s replica and cached',
  },
  'memory.read': {
    hops: ['client.send', 'lb', 'gateway', 'service', 'cache.get', 'replica.read', 'client.receive'],
    writes: false,
    targetMs: 50,
    description: 'an AI memory (user, key) lookup on the region\'s replica after a cache miss (assumption: as profile reads)',
  },
  'memory.write': {
    hops: ['client.send', 'lb', 'gateway', 'service', 'db.write', 'kafka.produce', 'client.receive'],
    writes: true,
    targetMs: 150,
    description: 'an AI memory written to its shard and announced on memory-events (assumption: 150 ms, under the seed\'s 200 ms 1K-user milestone)',
  },
} as const satisfies Readonly<Record<string, FlowDefinition>>;

export type Flow = keyof typeof FLOWS;
export const FLOW_NAMES = Object.keys(FLOWS).sort() as Flow[];

/** The default P95 target of every flow, milliseconds. */
export const DEFAULT_FLOW_TARGETS_MS: Readonly<Record<Flow, number>> = Object.fromEntries(FLOW_NAMES.map((f) => [f, FLOWS[f].targetMs])) as Record<Flow, number>;

export function isFlow(name: string): name is Flow {
  return Object.prototype.hasOwnProperty.call(FLOWS, name);
}
