import * as cloudflare from '@pulumi/cloudflare';
import * as pulumi from '@pulumi/pulumi';
import { ORIGIN_TOKEN_HEADER } from '../lib/facts/origin-protection';
import type { EdgeArgs } from './args';

/**
 * The environment's load balancing: one HTTPS monitor on the gateway's health path, one pool per region whose single
 * origin is that region's ALB (`origin-<region>.<domain>`, also sent as Host; the ALB's certificate carries this name
 * and `api.<domain>`, so Full (strict) TLS holds whichever Cloudflare uses as SNI), and a proxied, geo-steered load
 * balancer on `api.<domain>`.
 */
export class EdgeLoadBalancing extends pulumi.ComponentResource {
  readonly monitor: cloudflare.LoadBalancerMonitor;
  /** Pools by AWS region name. */
  readonly pools: Readonly<Record<string, cloudflare.LoadBalancerPool>>;
  readonly loadBalancer: cloudflare.LoadBalancer;

  constructor(name: string, args: EdgeArgs, opts?: pulumi.ComponentResourceOptions) {
    super('gigascale:edge:LoadBalancing', name, {}, opts);
    const { plan } = args;
    const child = { parent: this };
    const m = plan.monitor;

    this.monitor = new cloudflare.LoadBalancerMonitor(
      `${name}-monitor`,
      {
        accountId: args.accountId,
        description: m.description,
        type: m.type,
        method: m.method,
        path: m.path,
        port: m.port,
        expectedCodes: m.expectedCodes,
        interval: m.intervalSeconds,
        timeout: m.timeoutSeconds,
        retries: m.retries,
        consecutiveDown: m.consecutiveDown,
        consecutiveUp: m.consecutiveUp,
        followRedirects: m.followRedirects,
        allowInsecure: m.allowInsecure,
        header: { [ORIGIN_TOKEN_HEADER]: [args.originToken] },
      },
      child,
    );

    const pools: Record<string, cloudflare.LoadBalancerPool> = {};
    for (const pool of plan.pools) {
      pools[pool.region] = new cloudflare.LoadBalancerPool(
        `${name}-pool-${pool.region}`,
        {
          accountId: args.accountId,
          name: pool.name,
          description: `${plan.environment} ${pool.region}${pool.isWriteRegion ? ' (write region)' : ''}: ${pool.origin}`,
          enabled: true,
          minimumOrigins: 1,
          latitude: pool.latitude,
          longitude: pool.longitude,
          monitor: this.monitor.id,
          origins: [{ name: pool.region, address: pool.origin, enabled: true, weight: 1, header: { hosts: [pool.origin] } }],
        },
        child,
      );
    }
    this.pools = pools;

    const ids = (regions: readonly string[]) => regions.map((r) => pools[r].id);
    const { steering } = plan;
    this.loadBalancer = new cloudflare.LoadBalancer(
      `${name}-lb`,
      {
        zoneId: args.zoneId,
        name: plan.hostname,
        description: `gigascale ${plan.environment}: geo steering to the nearest region, failover by distance, write region last resort`,
        enabled: true,
        proxied: true,
        steeringPolicy: 'geo',
        regionPools: Object.fromEntries(Object.entries(steering.regionPools).map(([code, a]) => [code, ids(a.regions)])),
        defaultPools: ids(steering.defaultPools),
        fallbackPool: pools[steering.fallbackPool].id,
        // A request that fails on one pool's origin (521-523) is retried on the next pool instead of waiting for
        // the monitor to mark the origin down.
        adaptiveRouting: { failoverAcrossPools: true },
        // Geo steering already keeps a client in one region; the ALB and the gateway keep it on one pod.
        sessionAffinity: 'none',
      },
      child,
    );

    this.registerOutputs({ monitorId: this.monitor.id, loadBalancerId: this.loadBalancer.id });
  }
}
