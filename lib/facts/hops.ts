/**
 * The hops a request crosses and their P95 budgets, milliseconds. The seed gives the chat flow's (user send 10,
 * load balancer 1, API gateway 2, Kafka producer 5, WebSocket push 10) and read replicas at 5-10 ms; the others are
 * stated assumptions. A budget is an allocation of a flow's target, not a measurement: the probe measures the hops
 * it can reach (lib/facts/probe-checks.ts PROBE_CHECK_HOPS) against these same figures.
 */
export interface HopDefinition {
  /** Default P95 budget, milliseconds. */
  readonly budgetMs: number;
  /** What the hop covers, and where its figure comes from. */
  readonly description: string;
}

export const HOPS = {
  'client.send': { budgetMs: 10, description: 'user to the region: device, last mile, Cloudflare, origin pull (seed: user send 10 ms)' },
  'client.receive': { budgetMs: 10, description: 'the response back along the same path (assumption: as client.send)' },
  'edge.hit': { budgetMs: 20, description: 'user to a Cloudflare data centre and back, answered from its cache (assumption: both ways of client.send)' },
  'lb': { budgetMs: 1, description: 'the region\'s ALB (seed: load balancer 1 ms)' },
  'gateway': { budgetMs: 2, description: 'the in-cluster Envoy gateway (seed: API gateway 2 ms)' },
  'service': { budgetMs: 5, description: 'a service\'s own handling: parse, authorize, serialise (assumption)' },
  'cache.get': { budgetMs: 2, description: 'a GET on the regional Valkey cluster over TLS, possibly across AZs (assumption)' },
  'cache.set': { budgetMs: 2, description: 'a SET on the regional Valkey cluster (assumption: as cache.get)' },
  'replica.read': { budgetMs: 10, description: 'an indexed read on the region\'s Aurora reader (seed: read replicas 5-10 ms)' },
  'db.write': { budgetMs: 10, description: 'a commit on the shard\'s Aurora writer, quorum across 3 AZs, when in its region (assumption)' },
  'kafka.produce': { budgetMs: 5, description: 'a produce acknowledged by the regional MSK cluster (seed: Kafka producer 5 ms)' },
  'ws.push': { budgetMs: 10, description: 'a frame to a user over an open WebSocket (seed: WebSocket push 10 ms)' },
} as const satisfies Readonly<Record<string, HopDefinition>>;

export type Hop = keyof typeof HOPS;
export const HOP_NAMES = Object.keys(HOPS).sort() as Hop[];

/** The default P95 budget of every hop, milliseconds. */
export const DEFAULT_HOP_BUDGETS_MS: Readonly<Record<Hop, number>> = Object.fromEntries(HOP_NAMES.map((h) => [h, HOPS[h].budgetMs])) as Record<Hop, number>;

export function isHop(name: string): name is Hop {
  return Object.prototype.hasOwnProperty.call(HOPS, name);
}
