/**
 * Container images of the workloads: which exist, their defaults, the rule every reference must follow (a tag or a
 * digest, never `latest`) and how a registry-less reference becomes the region's ECR.
 */
import { PROJECT } from './names/stage';
import { WORKLOADS } from './workloads';
import { CONSUMERS, consumerWorkload } from './consumers';

/**
 * Everything that runs from an image: the workloads, the TURN relay, the shard-migration Jobs, the probe CronJob and
 * the event consumers.
 */
export const IMAGE_KEYS = [...WORKLOADS, 'turn', 'migrations', 'probe', ...CONSUMERS.map(consumerWorkload)] as const;
export type ImageKey = (typeof IMAGE_KEYS)[number];

/**
 * Envoy release the gateway runs (its configuration, lib/views/envoy-config.ts, is written for the v3 API), pinned by
 * the digest of the multi-architecture index Docker Hub serves for the tag (`crane digest envoyproxy/envoy:v1.36.2`):
 * a tag can be moved, a digest names one image forever.
 */
export const ENVOY_IMAGE = 'envoyproxy/envoy:v1.36.2@sha256:4972515dd9a069b44beb43cebba7851596e72a8c61cd7a7c33d8f48efc5280ba';
/** coturn release of the TURN relay, pinned likewise (`crane digest coturn/coturn:4.7.0`). */
export const COTURN_IMAGE = 'coturn/coturn:4.7.0@sha256:a00afb5b4890de4df22bbe70379c6b316685dffee297d53cac1271dcb91fab93';

/**
 * The repository prefix of the region's ECR pull-through cache of Docker Hub (stacks/compute/docker-hub-cache.ts):
 * `envoyproxy/envoy` is pulled as `<account>.dkr.ecr.<region>.amazonaws.com/docker-hub/envoyproxy/envoy`, so nodes
 * never pull from Docker Hub (no anonymous rate limit, no outage of a third party on a scale-out) and ECR keeps the
 * copy a rollback needs.
 */
export const DOCKER_HUB_CACHE_PREFIX = 'docker-hub';

/** Default images: third-party ones pinned here; gigascale's own in the region's ECR, tagged with the release. */
export function defaultImages(version: string): Record<ImageKey, string> {
  const own = (name: string) => `${PROJECT}/${name}:${version}`;
  return {
    gateway: ENVOY_IMAGE,
    auth: own('auth'),
    entity: own('entity'),
    chat: own('chat'),
    voice: own('voice'),
    memory: own('memory'),
    turn: COTURN_IMAGE,
    // db/Dockerfile: the migration runner the shard-migration Jobs run (k8s/migrations-job.ts).
    migrations: own('db-migrate'),
    // probe/Dockerfile: bin/probe.ts, run every minute in every region (k8s/probe-chart.ts).
    probe: own('probe'),
    // The event consumers are built by the services' CI, like the services.
    'memory-consumer': own('memory-consumer'),
    'analytics-consumer': own('analytics-consumer'),
    'push-consumer': own('push-consumer'),
  };
}

const REFERENCE = /^(?:(?<registry>[a-z0-9.-]+(?::\d+)?)\/)?(?<path>[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*)(?::(?<tag>[\w][\w.-]{0,127}))?(?:@(?<digest>sha256:[a-f0-9]{64}))?$/;

/** Why an image reference is refused, or undefined when it is fine. */
export function imageProblem(reference: string): string | undefined {
  const m = REFERENCE.exec(reference);
  if (!m?.groups) return `must be an image reference like registry/name:tag or name@sha256:<64 hex>, got ${JSON.stringify(reference)}`;
  const { tag, digest } = m.groups;
  if (tag === undefined && digest === undefined) return `must name a tag or a digest (an untagged image means latest), got ${JSON.stringify(reference)}`;
  if (tag === 'latest') return `must not use the tag latest (a deploy would not say what runs); pin a release tag or a digest, got ${JSON.stringify(reference)}`;
  return undefined;
}

/** The digest a reference pins (`sha256:<64 hex>`), or undefined for a reference by tag only. */
export function imageDigest(reference: string): string | undefined {
  return REFERENCE.exec(reference)?.groups?.digest;
}

/**
 * The reference a pod pulls: one whose first path segment names a registry (contains a dot or a port, or is
 * localhost) is used as is; `gigascale/...` is in the region's own ECR; any other (`envoyproxy/envoy:v1`, or an
 * official image such as `redis:7`, Docker Hub's `library/redis`) is Docker Hub's, pulled through the region's ECR
 * cache of it.
 */
export function imageUri(reference: string, account: string, region: string): string {
  const first = reference.split('/')[0];
  const hasRegistry = reference.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (hasRegistry) return reference;
  const registry = `${account}.dkr.ecr.${region}.amazonaws.com`;
  if (first === 'gigascale') return `${registry}/${reference}`;
  return `${registry}/${DOCKER_HUB_CACHE_PREFIX}/${reference.includes('/') ? '' : 'library/'}${reference}`;
}
