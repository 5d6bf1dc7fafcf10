/**
 * Edge rate limits: requests one client IP may send to a service's paths per minute, counted per Cloudflare data
 * centre (non-Enterprise plans count per colo). One rule per service, so a flood of sign-in attempts never eats the
 * allowance of chat. These are stated assumptions, not measurements:
 * - auth 30: sign-in, refresh and sign-out of a person take a handful of requests; the seed asks for stricter auth;
 * - entity 300, chat 300: a busy client paging profiles or falling back to Socket.io long polling (~1 request/s);
 * - voice 60: signaling runs over one WebSocket; REST calls start and end sessions;
 * - memory 120: the client reads and writes AI memory around conversations.
 * Each is at most the origin WAF's per-client limit of phase 3 (2000 per 5 minutes = 400 per minute), so the
 * edge answers 429 before the origin blocks (config validation checks every environment).
 */
import type { HttpService } from './workloads';

export const DEFAULT_EDGE_RATE_LIMITS_PER_MINUTE: Readonly<Record<HttpService, number>> = {
  auth: 30,
  entity: 300,
  chat: 300,
  voice: 60,
  memory: 120,
};

/** Cloudflare's counting period gigascale uses, seconds (Pro plans and above accept 60). */
export const RATE_LIMIT_PERIOD_SECONDS = 60;
