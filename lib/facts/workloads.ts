/**
 * What runs in each cluster, described once: the API gateway and the five HTTP services behind it, each with its port,
 * routes, the stores it talks to and the AWS access it needs. The gateway's routes, the NetworkPolicies, the
 * target-group bindings and the pod roles all derive from this list (STYLE: one service description per chart).
 *
 * `analytics` and `push` (lib/facts/services.ts) are bus consumers without an HTTP route: with memory's consumer they run
 * as the event-consumer workers of lib/facts/consumers.ts, not here.
 */
import type { ServiceName } from './services';
import { PROBE_USER_ID_PREFIX } from './aurora';

/** The five services the seed puts behind the gateway, in a fixed order. */
export const HTTP_SERVICES = ['auth', 'entity', 'chat', 'voice', 'memory'] as const satisfies readonly ServiceName[];
export type HttpService = (typeof HTTP_SERVICES)[number];

/** The in-cluster API gateway (Envoy). */
export const GATEWAY = 'gateway';
/** Everything with a Deployment in the `gigascale` namespace: the gateway, then the services. */
export const WORKLOADS = [GATEWAY, ...HTTP_SERVICES] as const;
export type Workload = (typeof WORKLOADS)[number];

/**
 * Extra pods a rolling update starts before it stops old ones, percent of the replicas (maxUnavailable is 0); the
 * capacity planner leaves room for them on the nodes.
 */
export const ROLLING_UPDATE_MAX_SURGE_PERCENT = 25;

/** One HorizontalPodAutoscaler scaling policy (autoscaling/v2 HPAScalingPolicy). */
export interface ScalingPolicy {
  readonly type: 'Pods' | 'Percent';
  readonly value: number;
  readonly periodSeconds: number;
}

/** How fast one direction may scale (autoscaling/v2 HPAScalingRules), the policy allowing most change applying. */
export interface ScalingRules {
  /** Seconds of past recommendations the autoscaler takes the most conservative of. */
  readonly stabilizationWindowSeconds: number;
  readonly policies: readonly ScalingPolicy[];
}

/**
 * How every autoscaler of the platform moves (the HPAs, and the KEDA-made ones of the consumers).
 * - Up at once, doubling or adding 4 pods per 15 s, whichever is more (Kubernetes's own default rate): a spike is
 *   served as soon as pods start.
 * - Down only after 5 minutes of lower recommendations, then 10 % or one pod per minute, whichever is more: a
 *   daily descent takes hours anyway, and a slow one never drops a burst of WebSockets (chat, voice signaling) that
 *   reconnect at once onto the remaining pods. Percent alone would never remove a pod below 10 replicas (the HPA
 *   rounds the allowed floor up).
 */
export const SCALE_UP: ScalingRules = {
  stabilizationWindowSeconds: 0,
  policies: [
    { type: 'Percent', value: 100, periodSeconds: 15 },
    { type: 'Pods', value: 4, periodSeconds: 15 },
  ],
};
export const SCALE_DOWN: ScalingRules = {
  stabilizationWindowSeconds: 300,
  policies: [
    { type: 'Percent', value: 10, periodSeconds: 60 },
    { type: 'Pods', value: 1, periodSeconds: 60 },
  ],
};

/** Port every service container listens on for HTTP (and WebSocket). */
export const SERVICE_PORT = 8080;
/** Port the gateway listens on for traffic from the ALB. */
export const GATEWAY_PORT = 8080;
/** Envoy's admin listener: bound to 127.0.0.1 inside the pod, never exposed. */
export const GATEWAY_ADMIN_PORT = 9901;
/** Liveness (the process answers) and readiness (its dependencies answer) paths every service serves. */
export const LIVENESS_PATH = '/healthz';
export const READINESS_PATH = '/readyz';
/** Path the gateway answers itself for the ALB and the edge health monitor. */
export const GATEWAY_HEALTH_PATH = '/gateway/health';
/** What the gateway answers on GATEWAY_HEALTH_PATH, with a 200 (the origin canary checks it). */
export const GATEWAY_HEALTH_BODY = 'ok';
/** Path on the auth service the gateway's external authorization calls (with the request's headers). */
export const AUTHZ_PATH = '/internal/authz';
/**
 * Cookie auth sets for a browser session, with `Path=/v1/` so browsers never send it with static assets. The
 * gateway forwards it to authorization; the edge never caches a request that carries it (edge/).
 */
export const SESSION_COOKIE = 'gigascale-session';
export const SESSION_COOKIE_PATH = '/v1/';
/**
 * The Socket.IO event the probe's chat.roundtrip sends on its own chat connection (probe/checks/chat.ts), with a
 * payload `{"id": "<string>"}`. Chat's part of the contract: it handles the event as a message from the probe to
 * itself, through the seed's path (produced to chat-messages, consumed, pushed), and emits the same event with the
 * same payload back to the sending socket. Like the reserved profile, the service is not in this repository.
 */
export const PROBE_CHAT_EVENT = 'probe:roundtrip';

/**
 * Public profiles: the same for every reader, served without a token, cached at the edge (lib/views/edge/cache-rules.ts).
 * Entity answers here only what a profile's owner made public.
 */
export const PUBLIC_PROFILE_PREFIX = '/v1/public/profiles/';
/**
 * The public profile the probe reads through the gateway and through the edge (profile.read.origin and
 * profile.read.edge): the profile of a reserved probe user (lib/facts/aurora.ts PROBE_USER_ID_PREFIX), which entity
 * serves, public, like any other. The services are not in this repository: serving it is their part of the contract
 * (docs/latency-and-probe.md), and until they do the probe counts every read as an error.
 */
export const PROBE_PROFILE_PATH = `${PUBLIC_PROFILE_PREFIX}${PROBE_USER_ID_PREFIX}profile`;

/** STUN/TURN over UDP (RFC 8656): the port clients send to, and the port the relay pods listen on (UDP and TCP). */
export const TURN_PORT = 3478;
/** TURN over TLS (RFC 8656): the NLB terminates TLS here and forwards plain TCP to `TURN_PORT`. */
export const TURN_TLS_PORT = 5349;
/** CPU (millicores) and memory (MiB) each TURN relay pod requests; the capacity planner counts them on the nodes. */
export const TURN_POD = { cpuMillis: 500, memoryMiB: 256 } as const;
/**
 * Seconds a terminating relay pod keeps relaying before coturn gets SIGTERM (its preStop sleep). The TargetGroupBinding
 * takes it out of the NLB when it starts terminating; the NLB keeps sending its existing flows for the target groups'
 * deregistration delay (stacks/ingress/turn-relay.ts, less than this), and calls that outlast the drain lose their
 * relay and reconnect: a WebRTC client notices within the 30 s consent-freshness timeout (RFC 7675) and restarts ICE
 * through the NLB onto another pod. The drain is longer than that reconnect, so short calls end on their own pod.
 */
export const TURN_DRAIN_SECONDS = 60;
/** Seconds the NLB's TURN target groups keep sending a deregistering pod its existing flows; within the drain. */
export const TURN_DEREGISTRATION_DELAY_SECONDS = 30;
/** Seconds coturn has after SIGTERM before SIGKILL, beyond the drain. */
export const TURN_STOP_SECONDS = 15;

/** Relay ports coturn allocates from, UDP: its default range (RFC 5766 suggests the dynamic ports 49152-65535). */
export const TURN_RELAY_MIN_PORT = 49152;
export const TURN_RELAY_MAX_PORT = 65535;

/** A path prefix the gateway routes to a service. */
export interface Route {
  /** Path prefix, starting and ending with `/`. */
  readonly prefix: string;
  /** Whole-request timeout; 0 disables it (long-lived WebSocket streams, which end on idle instead). */
  readonly timeoutSeconds: number;
  /** Idle timeout of the stream, seconds. */
  readonly idleTimeoutSeconds: number;
  /** The route upgrades to WebSocket. */
  readonly websocket: boolean;
  /** Requests must pass external authorization (auth's AUTHZ_PATH) before they reach the service. */
  readonly authorize: boolean;
  /**
   * Requests of one client stick to one pod: the gateway hashes a cookie it sets (Socket.io's polling transport
   * sends several requests that must reach the pod holding the session).
   */
  readonly sticky: boolean;
}

/** A store or endpoint a service connects to; each maps to an egress rule in the service's NetworkPolicy. */
export type Dependency = 'postgres' | 'cache' | 'bus' | 'https';

/** Egress port of each dependency (Aurora/RDS Proxy 5432, Valkey 6379, MSK IAM 9098, HTTPS for AWS APIs and OpenAI). */
export const DEPENDENCY_PORTS: Readonly<Record<Dependency, number>> = { postgres: 5432, cache: 6379, bus: 9098, https: 443 };

export interface ServiceSpec {
  readonly name: HttpService;
  /** What the service does (the seed's words); becomes the Deployment's description annotation. */
  readonly description: string;
  readonly routes: readonly Route[];
  /** Stores it connects to, sorted. */
  readonly dependencies: readonly Dependency[];
  /** Reads the shards' credentials from Secrets Manager (lib/facts/names/data.ts shardSecretName). */
  readonly shardSecrets: boolean;
  /** Secrets Manager secrets of its own it reads, by key (lib/facts/names/services.ts serviceSecretName). */
  readonly secrets: readonly ServiceSecret[];
  /** Reads and writes the region's media bucket. */
  readonly media: boolean;
}

/** Secrets a service owns: `openai-api-key` for voice's OpenAI Realtime sessions. */
export type ServiceSecret = 'openai-api-key';

const api = (prefix: string, timeoutSeconds: number, authorize = true): Route => ({
  prefix,
  timeoutSeconds,
  idleTimeoutSeconds: 60,
  websocket: false,
  authorize,
  sticky: false,
});
/** WebSocket routes end when idle for an hour, the ALB's idle timeout (the ingress defaults). */
const socket = (prefix: string, sticky: boolean): Route => ({
  prefix,
  timeoutSeconds: 0,
  idleTimeoutSeconds: 3600,
  websocket: true,
  authorize: true,
  sticky,
});

export const SERVICE_SPECS: Readonly<Record<HttpService, ServiceSpec>> = {
  auth: {
    name: 'auth',
    description: 'Authentication and sessions',
    // Sign-in and token refresh cannot require a token.
    routes: [api('/v1/auth/', 5, false)],
    dependencies: ['bus', 'cache', 'https', 'postgres'],
    shardSecrets: true,
    secrets: [],
    media: false,
  },
  entity: {
    name: 'entity',
    description: 'Profiles, businesses and horses',
    routes: [api('/v1/profiles/', 10), api(PUBLIC_PROFILE_PREFIX, 10, false), api('/v1/businesses/', 10), api('/v1/horses/', 10), api('/v1/media/', 30)],
    dependencies: ['bus', 'cache', 'https', 'postgres'],
    shardSecrets: true,
    secrets: [],
    media: true,
  },
  chat: {
    name: 'chat',
    description: 'Real-time messaging (Socket.io cluster)',
    routes: [socket('/socket.io/', true), api('/v1/chat/', 10)],
    dependencies: ['bus', 'cache', 'https', 'postgres'],
    shardSecrets: true,
    secrets: [],
    media: false,
  },
  voice: {
    name: 'voice',
    description: 'WebRTC signaling and OpenAI Realtime',
    routes: [socket('/v1/voice/signal/', false), api('/v1/voice/', 10)],
    dependencies: ['bus', 'cache', 'https'],
    shardSecrets: false,
    secrets: ['openai-api-key'],
    media: false,
  },
  memory: {
    name: 'memory',
    description: 'AI memory with vector search',
    routes: [api('/v1/memory/', 30)],
    dependencies: ['bus', 'cache', 'https', 'postgres'],
    shardSecrets: true,
    secrets: [],
    media: false,
  },
};

/** Chat's Socket.IO path: its WebSocket route (the probe's ws.* and chat.roundtrip checks, and probe:local's stand-in). */
export const CHAT_SOCKET_PATH = SERVICE_SPECS.chat.routes.find((r) => r.websocket)!.prefix;
/** The query that opens Engine.IO 4's WebSocket transport directly, without the polling handshake first. */
export const SOCKET_IO_WEBSOCKET_QUERY = 'EIO=4&transport=websocket';

/** Every route of every service, with its service, longest prefix first (the order the gateway matches them in). */
export function allRoutes(): { readonly service: HttpService; readonly route: Route }[] {
  return HTTP_SERVICES.flatMap((service) => SERVICE_SPECS[service].routes.map((route) => ({ service, route }))).sort(
    (a, b) => b.route.prefix.length - a.route.prefix.length || a.route.prefix.localeCompare(b.route.prefix),
  );
}
