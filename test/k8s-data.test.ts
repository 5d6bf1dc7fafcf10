import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { addComputeCharts, addMigrationCharts, renderedIngressRefs, renderedBusRefs, ServiceConfigChart } from '../k8s';
import { shardMapDocument, type ShardMapDocument } from '../lib/views/shard-map-document';
import { serviceConfigDocument, type ServiceConfigDocument } from '../lib/views/service-config-document';
import { GigascaleError } from '../lib/util/errors';
import { planOf, ROOT } from './support/synth';

const prod = planOf({ env: 'prod' }).environments[0];

interface Manifest {
  kind: string;
  metadata: { name: string; namespace: string };
  data?: Record<string, string>;
  spec?: { template: { spec: { containers: { image: string; env: { name: string; value?: string }[] }[] } } };
}

function manifests(regionName: string): Manifest[] {
  const app = Testing.app();
  const region = prod.regions.find((r) => r.name === regionName)!;
  const charts = [
    ...addComputeCharts(app, { environment: prod, region, ingress: renderedIngressRefs('prod', regionName), bus: renderedBusRefs('prod', regionName) }).filter((c) => c.node.id === 'service-config'),
    ...addMigrationCharts(app, { environment: prod, region }).flatMap((m) => m.charts),
  ];
  return charts.flatMap((c) => Testing.synth(c) as Manifest[]);
}

describe('data tier manifests from the plan', () => {
  it('puts the shard map document of the region in the gigascale-service-config ConfigMap', () => {
    const [configMap] = manifests('eu-west-1');
    expect(configMap.kind).toBe('ConfigMap');
    expect(configMap.metadata).toMatchObject({ name: 'gigascale-service-config', namespace: 'gigascale' });
    const doc = JSON.parse(configMap.data!['shard-map.json']) as ShardMapDocument;
    expect(doc).toEqual(shardMapDocument(prod, prod.regions.find((r) => r.name === 'eu-west-1')!));
    expect(doc.shards[3].reader).toBe('reader.shard-0003.db.prod.gigascale.internal');
  });

  it('puts the cache, media and bus of the region next to the shard map, from deterministic names only', () => {
    const [configMap] = manifests('eu-west-1');
    const doc = JSON.parse(configMap.data!['services.json']) as ServiceConfigDocument;
    expect(doc).toEqual(serviceConfigDocument(prod, prod.regions.find((r) => r.name === 'eu-west-1')!));
    expect(doc.cache).toMatchObject({
      configurationEndpointParameter: '/gigascale/prod/cache/configuration-endpoint',
      port: 6379,
      tls: true,
      authentication: 'iam',
      users: { entity: 'gigascale-prod-entity', chat: 'gigascale-prod-chat' },
      keyPrefixes: { auth: 'session', entity: 'entity' },
    });
    expect(doc.cache.ttls.l2.entityListSeconds).toBe(300);
    expect(doc.media.bucket).toBe('gigascale-prod-media-222222222222-eu-west-1');
    expect(Object.keys(doc.media.buckets)).toEqual(['ap-southeast-1', 'eu-west-1', 'us-east-1', 'us-west-2']); // sorted keys
    expect(doc.bus).toMatchObject({
      clusterName: 'gigascale-prod-bus',
      clusterArnParameter: '/gigascale/prod/bus/cluster-arn',
      bootstrapBrokersParameter: '/gigascale/prod/bus/bootstrap-brokers',
      consumerGroups: { memory: 'gigascale.memory', analytics: 'gigascale.analytics', push: 'gigascale.push', chat: 'gigascale.chat' },
    });
    expect(doc.bus.topics.map((t) => [t.name, t.partitions])).toEqual([
      ['user-actions', 52],
      ['chat-messages', 512],
      ['memory-events', 11],
      ['push-notifications', 11],
    ]);
    expect(JSON.stringify(doc)).not.toMatch(/\$\{Token|arn:aws:kafka/);
  });

  it('tells auth the session cookie and path the edge bypasses its cache for, and entity the prefix the edge caches', () => {
    const dev = planOf({ env: 'dev' }).environments[0];
    expect(serviceConfigDocument(dev, dev.regions[0]).http).toEqual({
      sessionCookie: { name: 'gigascale-session', path: '/v1/' },
      publicProfilePrefix: '/v1/public/profiles/',
    });
  });

  it('says a single-region environment replicates nothing, whatever the topics declare', () => {
    const dev = planOf({ env: 'dev' }).environments[0];
    const doc = serviceConfigDocument(dev, dev.regions[0]);
    expect(doc.media.replication).toBe('none');
    expect(doc.bus.topics.every((t) => t.replication === 'none')).toBe(true);
  });

  it('runs the migrations only in the write region: one Job per shard against its writer alias, image from the region ECR', () => {
    expect(manifests('eu-west-1').filter((m) => m.kind === 'Job')).toHaveLength(0);
    const jobs = manifests('us-east-1').filter((m) => m.kind === 'Job');
    expect(jobs.map((j) => j.metadata.name)).toEqual(Array.from({ length: 16 }, (_, s) => `migrate-shard-${String(s).padStart(4, '0')}`));
    const container = jobs[7].spec!.template.spec.containers[0];
    expect(container.image).toBe(`222222222222.dkr.ecr.us-east-1.amazonaws.com/${prod.compute.images.migrations}`);
    expect(prod.compute.images.migrations).toMatch(/^gigascale\/db-migrate:[^@]+@sha256:[a-f0-9]{64}$/);
    expect(container.env.find((e) => e.name === 'PGHOST')!.value).toBe('writer.shard-0007.db.prod.gigascale.internal');
  });

  it('refuses a shard map too large for a ConfigMap, saying how large', () => {
    const doc = shardMapDocument(prod, prod.regions[0]);
    const huge = { ...doc, shardCount: 99_999, shards: Array.from({ length: 5000 }, () => doc.shards[0]) };
    const props = { shardMap: huge, services: serviceConfigDocument(prod, prod.regions[0]) };
    expect(() => new ServiceConfigChart(Testing.app(), 'm', props)).toThrow(GigascaleError);
    expect(() => new ServiceConfigChart(Testing.app(), 'm', props)).toThrow(
      /the service config with a shard map of 99999 shards is \d+ bytes, more than a ConfigMap holds \(1048576\)/,
    );
  });
});

describe('npm run k8s', () => {
  const render = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'bin/k8s.ts', ...args], { cwd: ROOT, encoding: 'utf8' });
  const tree = (dir: string) =>
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => [join(e.parentPath, e.name).slice(dir.length + 1), readFileSync(join(e.parentPath, e.name), 'utf8')])
      .sort(([a], [b]) => a.localeCompare(b));

  it('renders one directory per stage, the same bytes every time, and leaves the output untouched on bad input', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'gigascale-k8s-'));
    expect(render('--out', join(tmp, 'a')).status).toBe(0);
    expect(render('--out', join(tmp, 'b')).status).toBe(0);
    const a = tree(join(tmp, 'a'));
    const common = ['consumers', 'fis', 'gateway', 'namespaces', 'network-policies', 'node-pools', 'probe', 'secret-sync', 'service-auth', 'service-chat', 'service-config', 'service-entity', 'service-memory', 'service-voice', 'target-group-bindings', 'turn'];
    const files = (stage: string, write: boolean) => [...common, ...(write ? ['migrations-0', 'shard-secrets-0'] : [])].sort().map((c) => `${stage}/${c}.yaml`);
    expect(a.map(([f]) => f)).toEqual([
      ...files('dev-us-east-1', true),
      ...files('prod-ap-southeast-1', false),
      ...files('prod-eu-west-1', false),
      ...files('prod-us-east-1', true),
      ...files('prod-us-west-2', false),
    ]);
    expect(a.find(([f]) => f === 'prod-eu-west-1/target-group-bindings.yaml')![1]).toContain('targetGroupARN: <prod-eu-west-1-ingress output GatewayTargetGroupArn>');
    expect(tree(join(tmp, 'b'))).toEqual(a);

    const bad = render('--out', join(tmp, 'a'), '-c', 'env=prod', '-c', 'shards=128');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('Quota preflight failed');
    expect(tree(join(tmp, 'a'))).toEqual(a);
  });
});
