/**
 * The API gateway's Envoy bootstrap (Envoy v1.36, static config): rendered as JSON into a ConfigMap and started with
 * `envoy -c /etc/envoy/envoy.json`. Every route, port and path comes from lib/facts/workloads.ts, so a route added
 * there reaches the gateway without an edit here.
 *
 * One listener takes the ALB's traffic and runs, in order: a per-pod token bucket (local_ratelimit), external
 * authorization against auth's AUTHZ_PATH (ext_authz), then the router. The routes are the gateway's own health
 * answer, one route per service prefix (longest first) and a 404 for everything else.
 *
 * Each service is a STRICT_DNS cluster on `<workloadName(service)>.<namespace>.svc.<clusterDomain>`. That name must be
 * a HEADLESS Service (`clusterIP: None`): its DNS answer is then every ready pod's IP, which STRICT_DNS turns into one
 * host per pod, so least-request balancing and the sticky routes' ring hash work per pod. Behind a ClusterIP Service
 * Envoy would see one host (the virtual IP) and stickiness would silently stop working. Pods leave the answer only
 * after CoreDNS's cache expires (about 30 s), so services should delay their shutdown (preStop) and the gateway
 * retries connection failures on another pod.
 */
import { ORIGIN_TOKEN_HEADER } from '../facts/origin-protection';
import { GigascaleError, type Issue } from '../util/errors';
import { DNS_LABEL, DNS_SUBDOMAIN } from '../facts/kubernetes';
import { K8S_NAMESPACE, workloadName } from '../facts/names/k8s';
import { integerProblem } from '../util/ranges';
import {
  AUTHZ_PATH,
  GATEWAY_ADMIN_PORT,
  GATEWAY_HEALTH_BODY,
  GATEWAY_HEALTH_PATH,
  GATEWAY_PORT,
  HTTP_SERVICES,
  SERVICE_PORT,
  SERVICE_SPECS,
  allRoutes,
  type HttpService,
  type Route,
} from '../facts/workloads';

/** The gateway's per-pod token bucket: every request takes one token; without one it gets a 429. */
export interface GatewayRateLimit {
  /**
   * Tokens added to the bucket every fill interval.
   * @default 1000
   */
  readonly tokensPerFill?: number;
  /**
   * Seconds between fills.
   * @default 1
   */
  readonly fillIntervalSeconds?: number;
  /**
   * Size of the bucket, the largest burst one pod admits; at least `tokensPerFill`.
   * @default - twice tokensPerFill (a burst of two intervals' worth)
   */
  readonly maxTokens?: number;
}

export interface EnvoyBootstrapProps {
  /**
   * Kubernetes namespace of the services the gateway routes to.
   * @default K8S_NAMESPACE ('gigascale')
   */
  readonly namespace?: string;
  /**
   * Local rate limit of each gateway pod (the region admits this times the number of gateway pods).
   * @default - 1000 requests a second, bursts up to 2000
   */
  readonly rateLimit?: GatewayRateLimit;
  /**
   * The Kubernetes cluster's DNS domain.
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;
}

/** Cookie the gateway sets on sticky routes and hashes to pick the pod; HttpOnly (Envoy always adds it) and Secure. */
export const AFFINITY_COOKIE = 'gigascale-affinity';
/** Header auth returns with the authenticated user; the gateway forwards it upstream and strips it from clients. */
export const USER_ID_HEADER = 'x-user-id';

const TITLE = 'Invalid Envoy bootstrap props';
const UINT32_MAX = 2 ** 32 - 1;
const AFFINITY_COOKIE_TTL_SECONDS = 3600;
const AUTHZ_TIMEOUT = '0.25s';
/**
 * Over the ALB's largest idle timeout (4000 s, AWS's limit and the bound lib/plan/schema.ts enforces), so the ALB
 * always closes an idle keep-alive connection first; a target closing first races a new request into a 502.
 */
const DOWNSTREAM_IDLE_TIMEOUT = '4050s';
/**
 * Under the keep-alive timeout of common service runtimes (Node.js and uvicorn close idle connections after 5 s), so
 * the gateway never sends a request on a connection the service is closing.
 */
const UPSTREAM_IDLE_TIMEOUT = '4s';
/**
 * Per gateway pod. Upstreams speak HTTP/1.1, so every in-flight request and every open WebSocket holds a connection:
 * the connection limit is the concurrency limit, sized for a pod's WebSockets; retries stay a small fraction.
 */
const CIRCUIT_BREAKER = { maxConnections: 50_000, maxPendingRequests: 5_000, maxRequests: 50_000, maxRetries: 100 };
/** Downstream connections one gateway pod accepts before refusing more (Envoy warns when this is unbounded). */
const MAX_DOWNSTREAM_CONNECTIONS = 50_000;

const TYPE = {
  hcm: 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
  localRateLimit: 'type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit',
  extAuthz: 'type.googleapis.com/envoy.extensions.filters.http.ext_authz.v3.ExtAuthz',
  extAuthzPerRoute: 'type.googleapis.com/envoy.extensions.filters.http.ext_authz.v3.ExtAuthzPerRoute',
  router: 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router',
  headerMutation: 'type.googleapis.com/envoy.extensions.http.early_header_mutation.header_mutation.v3.HeaderMutation',
  stdoutLog: 'type.googleapis.com/envoy.extensions.access_loggers.stream.v3.StdoutAccessLog',
  previousHosts: 'type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate',
  httpProtocolOptions: 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
  downstreamConnections: 'type.googleapis.com/envoy.extensions.resource_monitors.downstream_connections.v3.DownstreamConnectionsConfig',
} as const;

const FILTER = {
  localRateLimit: 'envoy.filters.http.local_ratelimit',
  extAuthz: 'envoy.filters.http.ext_authz',
  router: 'envoy.filters.http.router',
} as const;

const seconds = (n: number): string => `${n}s`;
const percentOfRequests = (runtimeKey: string, percent: number) => ({ runtime_key: runtimeKey, default_value: { numerator: percent, denominator: 'HUNDRED' } });
const socketAddress = (address: string, port: number) => ({ socket_address: { address, port_value: port } });
/** Turns ext_authz off for one route. */
const withoutAuthz = { [FILTER.extAuthz]: { '@type': TYPE.extAuthzPerRoute, disabled: true } };

/** The Envoy v3 bootstrap of the gateway; the same props always give a deeply equal object. */
export function envoyBootstrap(props: EnvoyBootstrapProps = {}): Record<string, unknown> {
  const { namespace, clusterDomain, rateLimit } = resolve(props);
  const host = (service: HttpService) => `${workloadName(service)}.${namespace}.svc.${clusterDomain}`;
  return {
    // Admin serves config dumps and can drain or quit Envoy: only processes inside the pod may reach it.
    admin: { address: socketAddress('127.0.0.1', GATEWAY_ADMIN_PORT) },
    overload_manager: {
      resource_monitors: [
        {
          name: 'envoy.resource_monitors.global_downstream_max_connections',
          typed_config: { '@type': TYPE.downstreamConnections, max_active_downstream_connections: MAX_DOWNSTREAM_CONNECTIONS },
        },
      ],
    },
    static_resources: {
      listeners: [
        {
          name: 'gateway',
          address: socketAddress('0.0.0.0', GATEWAY_PORT),
          filter_chains: [
            { filters: [{ name: 'envoy.filters.network.http_connection_manager', typed_config: connectionManager(rateLimit, host('auth')) }] },
          ],
        },
      ],
      clusters: HTTP_SERVICES.map((service) => cluster(service, host(service))),
    },
  };
}

function connectionManager(rateLimit: Required<GatewayRateLimit>, authHost: string): Record<string, unknown> {
  return {
    '@type': TYPE.hcm,
    stat_prefix: 'gateway',
    codec_type: 'AUTO',
    // Two proxies append to X-Forwarded-For before Envoy: Cloudflare appends the client's address, then the ALB
    // appends Cloudflare's. The client is therefore the second address from the right; anything left of it is the
    // client's own claim. The ALB admits only Cloudflare's ranges (lib/facts/cloudflare-ranges.ts), so both hops
    // are trusted. Services read the result from x-envoy-external-address.
    use_remote_address: true,
    xff_num_trusted_hops: 2,
    // No source address is "internal": internal requests may set x-envoy-* headers that steer retries and timeouts.
    internal_address_config: { cidr_ranges: [] },
    // Routes match the normalized path, so `/v1/auth/../chat/` cannot reach chat through auth's unauthorized prefix.
    normalize_path: true,
    merge_slashes: true,
    // An encoded slash in an API path is a client bug or a probe for a path confusion: refuse it with 400.
    path_with_escaped_slashes_action: 'REJECT_REQUEST',
    server_header_transformation: 'OVERWRITE',
    server_name: 'gigascale',
    request_headers_timeout: '10s',
    common_http_protocol_options: {
      idle_timeout: DOWNSTREAM_IDLE_TIMEOUT,
      // Some runtimes read `x_user_id` as `x-user-id`; refusing underscores keeps the identity header unforgeable.
      headers_with_underscores_action: 'REJECT_REQUEST',
    },
    // WebSocket is off by default and enabled only on routes with `websocket: true` (RouteAction.upgrade_configs).
    upgrade_configs: [{ upgrade_type: 'websocket', enabled: false }],
    // Before routing and every filter: a client's own x-user-id never reaches a service, and the edge's origin token
    // (checked by the ALB's web ACL, lib/facts/origin-protection.ts) goes no further than the gateway: not to auth's
    // authorization call, not to a service or its logs. Route-level header removal would run after ext_authz and drop
    // the identity it adds.
    early_header_mutation_extensions: [
      {
        name: 'envoy.http.early_header_mutation.header_mutation',
        typed_config: { '@type': TYPE.headerMutation, mutations: [{ remove: USER_ID_HEADER }, { remove: ORIGIN_TOKEN_HEADER }] },
      },
    ],
    access_log: [{ name: 'envoy.access_loggers.stdout', typed_config: { '@type': TYPE.stdoutLog } }],
    http_filters: [localRateLimitFilter(rateLimit), extAuthzFilter(authHost), { name: FILTER.router, typed_config: { '@type': TYPE.router } }],
    route_config: {
      name: 'gateway',
      virtual_hosts: [{ name: 'gateway', domains: ['*'], routes: routes(rateLimit) }],
    },
  };
}

function localRateLimitFilter(rateLimit: Required<GatewayRateLimit>): Record<string, unknown> {
  return {
    name: FILTER.localRateLimit,
    typed_config: {
      '@type': TYPE.localRateLimit,
      stat_prefix: 'gateway_rate_limit',
      token_bucket: tokenBucket(rateLimit),
      // Both default to 0 % "for safety": without them the filter counts but never limits.
      filter_enabled: percentOfRequests('gateway_rate_limit_enabled', 100),
      filter_enforced: percentOfRequests('gateway_rate_limit_enforced', 100),
      status: { code: 'TooManyRequests' },
      response_headers_to_add: [{ append_action: 'OVERWRITE_IF_EXISTS_OR_ADD', header: { key: 'x-local-rate-limit', value: 'true' } }],
    },
  };
}

function tokenBucket(rateLimit: Required<GatewayRateLimit>) {
  return { max_tokens: rateLimit.maxTokens, tokens_per_fill: rateLimit.tokensPerFill, fill_interval: seconds(rateLimit.fillIntervalSeconds) };
}

function extAuthzFilter(authHost: string): Record<string, unknown> {
  return {
    name: FILTER.extAuthz,
    typed_config: {
      '@type': TYPE.extAuthz,
      // auth receives `AUTHZ_PATH + <original path>` with the credentials below and no body, and answers 200 with
      // x-user-id or a denial that goes back to the client as is.
      http_service: {
        server_uri: { uri: `http://${authHost}:${SERVICE_PORT}`, cluster: 'auth', timeout: AUTHZ_TIMEOUT },
        path_prefix: AUTHZ_PATH,
        authorization_response: { allowed_upstream_headers: { patterns: [{ exact: USER_ID_HEADER }] } },
      },
      allowed_headers: { patterns: [{ exact: 'authorization' }, { exact: 'cookie' }] },
      // Fail closed, but with 503 rather than the default 403, so clients retry instead of signing the user out.
      failure_mode_allow: false,
      status_on_error: { code: 'ServiceUnavailable' },
    },
  };
}

function routes(rateLimit: Required<GatewayRateLimit>): Record<string, unknown>[] {
  return [
    {
      name: 'health',
      match: { path: GATEWAY_HEALTH_PATH },
      direct_response: { status: 200, body: { inline_string: GATEWAY_HEALTH_BODY } },
      // Kubelet probes, ALB health checks and the edge monitor ask this path: a 429 here would restart the pods and
      // take them out of the ALB, turning a throttled flood into an outage. A per-route config must carry a bucket;
      // enabled for 0 % of requests, it is never used.
      typed_per_filter_config: {
        ...withoutAuthz,
        [FILTER.localRateLimit]: {
          '@type': TYPE.localRateLimit,
          stat_prefix: 'gateway_health_rate_limit',
          token_bucket: tokenBucket(rateLimit),
          filter_enabled: percentOfRequests('gateway_health_rate_limit_enabled', 0),
        },
      },
    },
    ...allRoutes().map(({ service, route }) => ({
      name: `${service}:${route.prefix}`,
      match: { prefix: route.prefix },
      route: routeAction(service, route),
      ...(route.authorize ? {} : { typed_per_filter_config: withoutAuthz }),
    })),
    // Unknown paths are refused without asking auth, so scanners cannot load it.
    { name: 'not-found', match: { prefix: '/' }, direct_response: { status: 404 }, typed_per_filter_config: withoutAuthz },
  ];
}

function routeAction(service: HttpService, route: Route): Record<string, unknown> {
  return {
    cluster: service,
    timeout: seconds(route.timeoutSeconds),
    idle_timeout: seconds(route.idleTimeoutSeconds),
    ...(route.websocket
      ? { upgrade_configs: [{ upgrade_type: 'websocket', enabled: true }] }
      : {
          // Only failures where the request never reached a service, so a POST is never applied twice (Envoy's
          // `5xx` or plain `reset` could replay one the service already handled); the retry goes to another pod.
          retry_policy: {
            retry_on: 'connect-failure,refused-stream,reset-before-request',
            num_retries: 1,
            retry_host_predicate: [{ name: 'envoy.retry_host_predicates.previous_hosts', typed_config: { '@type': TYPE.previousHosts } }],
            host_selection_retry_max_attempts: 3,
          },
        }),
    // Envoy sets the cookie on a client's first request and hashes it from then on; every gateway pod builds the same
    // ring from the same DNS answer, so the client reaches the same service pod whichever gateway pod it lands on.
    ...(route.sticky
      ? { hash_policy: [{ cookie: { name: AFFINITY_COOKIE, ttl: seconds(AFFINITY_COOKIE_TTL_SECONDS), path: '/', attributes: [{ name: 'Secure' }] } }] }
      : {}),
  };
}

function cluster(service: HttpService, address: string): Record<string, unknown> {
  const sticky = SERVICE_SPECS[service].routes.some((r) => r.sticky);
  return {
    name: service,
    type: 'STRICT_DNS',
    dns_lookup_family: 'V4_PREFERRED',
    connect_timeout: '1s',
    // Least request, not round robin: WebSockets hold a pod for hours, and least request counts them.
    lb_policy: sticky ? 'RING_HASH' : 'LEAST_REQUEST',
    load_assignment: {
      cluster_name: service,
      endpoints: [{ lb_endpoints: [{ endpoint: { address: socketAddress(address, SERVICE_PORT) } }] }],
    },
    typed_extension_protocol_options: {
      'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
        '@type': TYPE.httpProtocolOptions,
        common_http_protocol_options: { idle_timeout: UPSTREAM_IDLE_TIMEOUT },
        // HTTP/1.1: WebSocket upgrades to the services need it, and one protocol keeps every upstream alike.
        explicit_http_config: { http_protocol_options: {} },
      },
    },
    circuit_breakers: {
      thresholds: [
        {
          priority: 'DEFAULT',
          max_connections: CIRCUIT_BREAKER.maxConnections,
          max_pending_requests: CIRCUIT_BREAKER.maxPendingRequests,
          max_requests: CIRCUIT_BREAKER.maxRequests,
          max_retries: CIRCUIT_BREAKER.maxRetries,
        },
      ],
    },
    // No active health checks: the Service's DNS answer holds only ready pods. This ejects a pod that fails anyway.
    outlier_detection: { consecutive_5xx: 5, interval: '10s', base_ejection_time: '30s', max_ejection_percent: 50 },
  };
}

/** Defaults applied and every invalid prop reported at once. */
function resolve(props: EnvoyBootstrapProps): {
  namespace: string;
  clusterDomain: string;
  rateLimit: Required<GatewayRateLimit>;
} {
  const namespace = props.namespace ?? K8S_NAMESPACE;
  const clusterDomain = props.clusterDomain ?? 'cluster.local';
  const tokensPerFill = props.rateLimit?.tokensPerFill ?? 1000;
  const fillIntervalSeconds = props.rateLimit?.fillIntervalSeconds ?? 1;
  // Twice a valid tokensPerFill; an invalid one is reported on its own, not again through a derived maxTokens.
  const maxTokens = props.rateLimit?.maxTokens ?? (Number.isInteger(tokensPerFill) ? Math.min(2 * tokensPerFill, UINT32_MAX) : 1);

  const issues: Issue[] = [];
  if (!DNS_LABEL.test(namespace)) {
    issues.push({ at: 'namespace', message: `must be a DNS label (lower-case letters, digits and '-', at most 63), got ${JSON.stringify(namespace)}` });
  }
  if (!DNS_SUBDOMAIN.test(clusterDomain)) {
    issues.push({ at: 'clusterDomain', message: `must be a DNS name like 'cluster.local', got ${JSON.stringify(clusterDomain)}` });
  }
  const integer = (at: string, value: number, min: number, max: number): boolean => {
    const message = integerProblem(value, min, max);
    if (message !== undefined) issues.push({ at, message });
    return message === undefined;
  };
  const fillOk = integer('rateLimit.tokensPerFill', tokensPerFill, 1, UINT32_MAX);
  integer('rateLimit.fillIntervalSeconds', fillIntervalSeconds, 1, 3600);
  const maxOk = integer('rateLimit.maxTokens', maxTokens, 1, UINT32_MAX);
  if (fillOk && maxOk && maxTokens < tokensPerFill) {
    issues.push({ at: 'rateLimit.maxTokens', message: `must be at least rateLimit.tokensPerFill (${tokensPerFill}), got ${maxTokens}` });
  }
  if (issues.length > 0) throw new GigascaleError(TITLE, issues);
  return { namespace, clusterDomain, rateLimit: { tokensPerFill, fillIntervalSeconds, maxTokens } };
}
