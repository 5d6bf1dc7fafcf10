/**
 * The probe's budgets from the latency model: each check measures a stretch of a flow and is held to the sum of the
 * budgets of the hops it crosses. The probe runs inside a region (or against it), so no check pays an
 * inter-region round trip.
 */
import { PROBE_CHECKS, type ProbeCheck } from '../facts/probe-checks';
import type { Hop } from '../facts/hops';

/** The hops each check crosses. */
export const PROBE_CHECK_HOPS: Readonly<Record<ProbeCheck, readonly Hop[]>> = {
  'postgres.select1': ['replica.read'],
  'postgres.memory_read': ['replica.read'],
  'redis.set': ['cache.set'],
  'redis.get': ['cache.get'],
  // Envoy answers /gateway/health itself: the ALB and the gateway.
  'http.get': ['lb', 'gateway'],
  // The upgrade crosses the ALB and the gateway and is accepted by the chat service.
  'ws.connect': ['lb', 'gateway', 'service'],
  // A frame over an open socket, answered by the server: the seed's WebSocket push.
  'ws.ping': ['ws.push'],
};

/** P95 budget of every check, milliseconds, from an environment's hop budgets. */
export function probeBudgetsMs(hopsMs: Readonly<Record<Hop, number>>): Readonly<Record<ProbeCheck, number>> {
  return Object.fromEntries(PROBE_CHECKS.map((c) => [c, PROBE_CHECK_HOPS[c].reduce((sum, h) => sum + hopsMs[h], 0)])) as Record<ProbeCheck, number>;
}
