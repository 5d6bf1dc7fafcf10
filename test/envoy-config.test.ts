import { describe, expect, it } from 'vitest';
import { AFFINITY_COOKIE, USER_ID_HEADER, envoyBootstrap, type EnvoyBootstrapProps } from '../lib/views/envoy-config';
import {
  AUTHZ_PATH,
  GATEWAY_ADMIN_PORT,
  GATEWAY_HEALTH_PATH,
  GATEWAY_PORT,
  HTTP_SERVICES,
  SERVICE_PORT,
  SERVICE_SPECS,
  allRoutes,
} from '../lib/facts/workloads';
import { sortedJson } from '../lib/util/json';

// The parts of the bootstrap the tests read; the module returns plain JSON-shaped objects.
interface TypedConfig {
  readonly '@type': string;
  readonly [field: string]: unknown;
}
interface SocketAddress {
  readonly socket_address: { readonly address: string; readonly port_value: number };
}
interface EnvoyRoute {
  readonly name: string;
  readonly match: { readonly prefix?: string; readonly path?: string };
  readonly route?: {
    readonly cluster: string;
    readonly timeout: string;
    readonly idle_timeout: string;
    readonly upgrade_configs?: readonly { readonly upgrade_type: string; readonly enabled: boolean }[];
    readonly retry_policy?: { readonly retry_on: string; readonly num_retries: number };
    readonly hash_policy?: readonly { readonly cookie: { readonly name: string; readonly ttl: string; readonly path: string } }[];
  };
  readonly direct_response?: { readonly status: number };
  readonly typed_per_filter_config?: Readonly<Record<string, TypedConfig>>;
}
interface HttpFilter {
  readonly name: string;
  readonly typed_config: TypedConfig;
}
interface ConnectionManager extends TypedConfig {
  readonly upgrade_configs: readonly { readonly upgrade_type: string; readonly enabled: boolean }[];
  readonly http_filters: readonly HttpFilter[];
  readonly route_config: { readonly virtual_hosts: readonly { readonly domains: readonly string[]; readonly routes: readonly EnvoyRoute[] }[] };
}
interface Cluster {
  readonly name: string;
  readonly type: string;
  readonly lb_policy: string;
  readonly load_assignment: { readonly endpoints: readonly { readonly lb_endpoints: readonly { readonly endpoint: { readonly address: SocketAddress } }[] }[] };
}
interface Bootstrap {
  readonly admin: { readonly address: SocketAddress };
  readonly static_resources: {
    readonly listeners: readonly { readonly address: SocketAddress; readonly filter_chains: readonly { readonly filters: readonly { readonly typed_config: ConnectionManager }[] }[] }[];
    readonly clusters: readonly Cluster[];
  };
}

const bootstrap = (props?: EnvoyBootstrapProps) => envoyBootstrap(props) as unknown as Bootstrap;
const hcm = (props?: EnvoyBootstrapProps) => bootstrap(props).static_resources.listeners[0].filter_chains[0].filters[0].typed_config;
const routes = () => hcm().route_config.virtual_hosts[0].routes;
const filter = (name: string) => hcm().http_filters.find((f) => f.name === name)?.typed_config;
const clusterOf = (name: string) => bootstrap().static_resources.clusters.find((c) => c.name === name);
const serviceRoute = (prefix: string) => routes().find((r) => r.match.prefix === prefix);
const authzDisabled = (r: EnvoyRoute) => r.typed_per_filter_config?.['envoy.filters.http.ext_authz']?.disabled === true;
/** The route Envoy picks for a path: the first whose exact path or prefix matches. */
const routeFor = (path: string) => routes().find((r) => r.match.path === path || (r.match.prefix !== undefined && path.startsWith(r.match.prefix)));

describe('envoyBootstrap', () => {
  it('binds the admin interface to 127.0.0.1 on the admin port and no listener to the admin port', () => {
    const config = bootstrap();
    expect(config.admin.address).toEqual({ socket_address: { address: '127.0.0.1', port_value: GATEWAY_ADMIN_PORT } });
    expect(config.static_resources.listeners.map((l) => l.address)).toEqual([{ socket_address: { address: '0.0.0.0', port_value: GATEWAY_PORT } }]);
  });

  it('trusts two X-Forwarded-For hops (Cloudflare, then the ALB) and normalizes paths', () => {
    expect(hcm()).toMatchObject({
      '@type': 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
      codec_type: 'AUTO',
      use_remote_address: true,
      xff_num_trusted_hops: 2,
      normalize_path: true,
      merge_slashes: true,
      path_with_escaped_slashes_action: 'REJECT_REQUEST',
    });
  });

  it('overwrites the Server header with gigascale and times out slow request headers', () => {
    expect(hcm()).toMatchObject({ server_header_transformation: 'OVERWRITE', server_name: 'gigascale', request_headers_timeout: '10s' });
  });

  it('runs the local rate limit, then external authorization, then the router', () => {
    expect(hcm().http_filters.map((f) => [f.name, f.typed_config['@type']])).toEqual([
      ['envoy.filters.http.local_ratelimit', 'type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit'],
      ['envoy.filters.http.ext_authz', 'type.googleapis.com/envoy.extensions.filters.http.ext_authz.v3.ExtAuthz'],
      ['envoy.filters.http.router', 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router'],
    ]);
  });

  it('routes every route of the service list to its service with its timeouts, longest prefix first', () => {
    const forwarded = routes().filter((r) => r.route !== undefined);
    expect(forwarded.map((r) => [r.match.prefix, r.route?.cluster, r.route?.timeout, r.route?.idle_timeout])).toEqual(
      allRoutes().map(({ service, route }) => [route.prefix, service, `${route.timeoutSeconds}s`, `${route.idleTimeoutSeconds}s`]),
    );
  });

  it('disables the whole-request timeout on WebSocket routes', () => {
    expect(serviceRoute('/socket.io/')?.route?.timeout).toBe('0s');
  });

  it('allows WebSocket upgrades only on websocket routes', () => {
    expect(hcm().upgrade_configs).toEqual([{ upgrade_type: 'websocket', enabled: false }]);
    for (const { route } of allRoutes()) {
      const expected = route.websocket ? [{ upgrade_type: 'websocket', enabled: true }] : undefined;
      expect(serviceRoute(route.prefix)?.route?.upgrade_configs, route.prefix).toEqual(expected);
    }
  });

  it('retries request routes once, only on failures that never reached a service', () => {
    for (const { route } of allRoutes().filter(({ route }) => !route.websocket)) {
      expect(serviceRoute(route.prefix)?.route?.retry_policy, route.prefix).toMatchObject({
        retry_on: 'connect-failure,refused-stream,reset-before-request',
        num_retries: 1,
      });
    }
  });

  it('never retries WebSocket routes', () => {
    for (const { route } of allRoutes().filter(({ route }) => route.websocket)) {
      expect(serviceRoute(route.prefix)?.route?.retry_policy, route.prefix).toBeUndefined();
    }
  });

  it('disables external authorization exactly on authorize:false routes, the health route and the 404', () => {
    const disabled = routes()
      .filter(authzDisabled)
      .map((r) => r.name);
    expect(disabled).toEqual(['health', ...allRoutes().filter(({ route }) => !route.authorize).map(({ service, route }) => `${service}:${route.prefix}`), 'not-found']);
    expect(routes().find((r) => r.name === 'health')?.typed_per_filter_config).toMatchObject({
      'envoy.filters.http.ext_authz': { '@type': 'type.googleapis.com/envoy.extensions.filters.http.ext_authz.v3.ExtAuthzPerRoute', disabled: true },
    });
  });

  it('never rate limits the health route, so probes keep passing under a flood', () => {
    const health = routes().find((r) => r.name === 'health');
    expect(health?.typed_per_filter_config?.['envoy.filters.http.local_ratelimit']).toMatchObject({
      '@type': 'type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit',
      filter_enabled: { default_value: { numerator: 0, denominator: 'HUNDRED' } },
    });
    const limited = routes().filter((r) => r.typed_per_filter_config?.['envoy.filters.http.local_ratelimit'] !== undefined);
    expect(limited.map((r) => r.name)).toEqual(['health']);
  });

  it('asks auth at the authz path with the credentials, fails closed and passes x-user-id upstream', () => {
    expect(filter('envoy.filters.http.ext_authz')).toEqual({
      '@type': 'type.googleapis.com/envoy.extensions.filters.http.ext_authz.v3.ExtAuthz',
      http_service: {
        server_uri: { uri: `http://gigascale-auth.gigascale.svc.cluster.local:${SERVICE_PORT}`, cluster: 'auth', timeout: '0.25s' },
        path_prefix: AUTHZ_PATH,
        authorization_response: { allowed_upstream_headers: { patterns: [{ exact: 'x-user-id' }] } },
      },
      allowed_headers: { patterns: [{ exact: 'authorization' }, { exact: 'cookie' }] },
      failure_mode_allow: false,
      status_on_error: { code: 'ServiceUnavailable' },
    });
  });

  it('strips a client-sent x-user-id and the edge origin token before any filter runs', () => {
    expect(hcm().early_header_mutation_extensions).toEqual([
      {
        name: 'envoy.http.early_header_mutation.header_mutation',
        typed_config: {
          '@type': 'type.googleapis.com/envoy.extensions.http.early_header_mutation.header_mutation.v3.HeaderMutation',
          mutations: [{ remove: USER_ID_HEADER }, { remove: 'x-gigascale-origin-token' }],
        },
      },
    ]);
  });

  it('hashes sticky routes on the affinity cookie and balances their cluster with a ring hash', () => {
    const sticky = allRoutes().filter(({ route }) => route.sticky);
    expect(sticky.length).toBeGreaterThan(0);
    for (const { service, route } of sticky) {
      expect(serviceRoute(route.prefix)?.route?.hash_policy).toEqual([{ cookie: { name: AFFINITY_COOKIE, ttl: '3600s', path: '/', attributes: [{ name: 'Secure' }] } }]);
      expect(clusterOf(service)?.lb_policy).toBe('RING_HASH');
    }
  });

  it('balances services without a sticky route by least request and sets no hash policy on their routes', () => {
    const plain = HTTP_SERVICES.filter((s) => !SERVICE_SPECS[s].routes.some((r) => r.sticky));
    expect(plain.map((s) => clusterOf(s)?.lb_policy)).toEqual(plain.map(() => 'LEAST_REQUEST'));
    for (const { route } of allRoutes().filter(({ route }) => !route.sticky)) {
      expect(serviceRoute(route.prefix)?.route?.hash_policy, route.prefix).toBeUndefined();
    }
  });

  it('answers the health path itself with a 200, before any service route', () => {
    expect(routes()[0]).toMatchObject({ match: { path: GATEWAY_HEALTH_PATH }, direct_response: { status: 200 } });
  });

  it('answers unknown paths, including the internal authz path, with a 404', () => {
    expect(routes().at(-1)).toMatchObject({ name: 'not-found', match: { prefix: '/' }, direct_response: { status: 404 } });
    expect(routeFor('/nope')?.name).toBe('not-found');
    expect(routeFor(`${AUTHZ_PATH}/v1/chat/`)?.name).toBe('not-found');
  });

  it('has one STRICT_DNS cluster per service on its headless Service name and port', () => {
    const clusters = bootstrap({ namespace: 'apps', clusterDomain: 'k8s.internal' }).static_resources.clusters;
    expect(clusters.map((c) => [c.name, c.type, c.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address])).toEqual(
      HTTP_SERVICES.map((s) => [s, 'STRICT_DNS', { socket_address: { address: `gigascale-${s}.apps.svc.k8s.internal`, port_value: SERVICE_PORT } }]),
    );
  });

  it('gives every cluster a connect timeout, outlier detection and explicit circuit breakers', () => {
    for (const c of bootstrap().static_resources.clusters) {
      expect(c, c.name).toMatchObject({
        connect_timeout: '1s',
        outlier_detection: { consecutive_5xx: 5 },
        circuit_breakers: { thresholds: [{ priority: 'DEFAULT', max_connections: 50_000, max_pending_requests: 5_000, max_requests: 50_000, max_retries: 100 }] },
      });
    }
  });

  it('rate limits 1000 requests a second with bursts of 2000 by default, answering 429 with x-local-rate-limit', () => {
    expect(filter('envoy.filters.http.local_ratelimit')).toMatchObject({
      token_bucket: { max_tokens: 2000, tokens_per_fill: 1000, fill_interval: '1s' },
      filter_enabled: { default_value: { numerator: 100, denominator: 'HUNDRED' } },
      filter_enforced: { default_value: { numerator: 100, denominator: 'HUNDRED' } },
      status: { code: 'TooManyRequests' },
      response_headers_to_add: [{ append_action: 'OVERWRITE_IF_EXISTS_OR_ADD', header: { key: 'x-local-rate-limit', value: 'true' } }],
    });
  });

  it('takes the token bucket from the rateLimit prop', () => {
    const limit = hcm({ rateLimit: { tokensPerFill: 50, fillIntervalSeconds: 2, maxTokens: 75 } }).http_filters[0].typed_config;
    expect(limit.token_bucket).toEqual({ max_tokens: 75, tokens_per_fill: 50, fill_interval: '2s' });
  });

  it('refuses every bad prop at once and names the prop, the value and what is allowed', () => {
    const call = () => envoyBootstrap({ namespace: 'Apps', clusterDomain: 'bad_domain', rateLimit: { tokensPerFill: 0, fillIntervalSeconds: 1.5, maxTokens: -1 } });
    expect(call).toThrow(
      expect.objectContaining({
        name: 'GigascaleError',
        exitCode: 2,
        message: [
          'Invalid Envoy bootstrap props (5 problems):',
          `  - namespace: must be a DNS label (lower-case letters, digits and '-', at most 63), got "Apps"`,
          `  - clusterDomain: must be a DNS name like 'cluster.local', got "bad_domain"`,
          '  - rateLimit.tokensPerFill: must be an integer in 1..4294967295, got 0',
          '  - rateLimit.fillIntervalSeconds: must be an integer in 1..3600, got 1.5',
          '  - rateLimit.maxTokens: must be an integer in 1..4294967295, got -1',
        ].join('\n'),
      }),
    );
  });

  it('refuses a bucket smaller than one fill', () => {
    expect(() => envoyBootstrap({ rateLimit: { tokensPerFill: 100, maxTokens: 50 } })).toThrow(
      'Invalid Envoy bootstrap props (1 problem):\n  - rateLimit.maxTokens: must be at least rateLimit.tokensPerFill (100), got 50',
    );
  });

  it('gives the same output for the same props, with stable JSON', () => {
    const a = envoyBootstrap({ rateLimit: { tokensPerFill: 10 } });
    const b = envoyBootstrap({ rateLimit: { tokensPerFill: 10 } });
    expect(a).toStrictEqual(b);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(sortedJson(a)).toBe(sortedJson(b));
  });
});
