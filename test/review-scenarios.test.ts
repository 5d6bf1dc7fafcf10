/**
 * `npm run -s review` end to end, as a reviewer meets it: a copy of this project in its own git repository, a base
 * commit, and a change in the working tree - code edited or config edited - reviewed against the base with the
 * verdict asserted. The copy's base commit is synthesized once (the review caches it by tree); each scenario
 * synthesizes its head, about 15 s of a real `cdk synth`, so changes that touch different resources share one
 * scenario. node_modules comes from this checkout: the test seeds the review's install cache
 * with it under the lockfile's hash, where a real first run would `npm ci`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ReviewJson } from '../lib/review/review';
import { lockHashOf } from '../review/install';
import { runTsx, type ProcessRun } from './support/process';
import { copyProject } from './support/project-copy';
import { ROOT } from './support/synth';

const CONFIG = `import { defineConfig } from './lib/config';

const dev = {
  phase: 3,
  account: '111111111111',
  domain: 'dev.gigascale.example',
  owner: 'platform',
  costCentre: 'cc-platform-dev',
  regions: ['us-east-1'],
  shards: 2,
  workload: { users: 10_000, eventsPerSecond: 10_000 },
  ingress: { hostedZoneId: 'Z0000000DEVEXAMPLE' },
  sizes: { network: { natGateways: 'one', flowLogRetentionDays: 30 }, bus: { minPartitions: 12 } },
} as const;

export default defineConfig({
  environments: {
    dev,
    pair: { ...dev, domain: 'pair.gigascale.example', regions: ['us-east-1', 'eu-west-1'] },
  },
});
`;

interface Outcome {
  readonly code: number | null;
  readonly report: ReviewJson;
  readonly stderr: string;
}

let project: string;
let cache: string;

function git(...args: string[]): string {
  // checkout and clean run here after every scenario: never anywhere but in the copy.
  if (!project?.startsWith(tmpdir())) throw new Error(`the project copy is not set up (${project}); refusing to run git elsewhere`);
  return execFileSync('git', ['-c', 'user.name=review-test', '-c', 'user.email=review-test@example.com', ...args], { cwd: project, encoding: 'utf8' });
}

/** Edits a file of the copy: `from` must occur in it. */
function edit(file: string, from: string, to: string): void {
  const path = join(project, file);
  const text = readFileSync(path, 'utf8');
  if (!text.includes(from)) throw new Error(`${file} does not contain ${JSON.stringify(from)}`);
  writeFileSync(path, text.replace(from, to));
}

/** The review's exit code and raw output, in the copy, with the test's cache. */
function reviewRaw(args: readonly string[]): Promise<ProcessRun> {
  return runTsx(['bin/review.ts', ...args], { cwd: project, env: { ...process.env, GIGASCALE_REVIEW_CACHE: cache } });
}

/** Reviews the working tree (or `refs`) against the base commit as JSON, then puts the working tree back. */
async function review(env: string, refs: readonly string[] = ['--base', 'HEAD']): Promise<Outcome> {
  const { code, stdout, stderr } = await reviewRaw([...refs, '--json', '-c', `env=${env}`]).finally(() => {
    git('checkout', '--', '.');
    git('clean', '-fdq');
  });
  try {
    return { code, report: JSON.parse(stdout) as ReviewJson, stderr };
  } catch {
    throw new Error(`review exited ${code} without a JSON report:\n${stderr}`);
  }
}

const refusedPaths = (r: ReviewJson) => r.destructive.filter((d) => d.allowed_by === null).map((d) => `${d.change} ${d.path}`);

beforeAll(() => {
  const tmp = mkdtempSync(join(tmpdir(), 'gigascale-review-'));
  project = copyProject(join(tmp, 'project'));
  writeFileSync(join(project, 'regions.config.ts'), CONFIG);
  cache = join(tmp, 'cache');
  const entry = join(cache, 'node_modules', lockHashOf(ROOT));
  mkdirSync(entry, { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(entry, 'node_modules'), 'dir');
  writeFileSync(join(entry, '.complete'), '');
  git('init', '-q');
  // The copy's node_modules is a link to this checkout's, which the `node_modules/` pattern (directories) misses.
  writeFileSync(join(project, '.git', 'info', 'exclude'), 'node_modules\n');
  git('add', '-A');
  git('commit', '-qm', 'base');
});

describe('npm run -s review against the base commit', () => {
  it('refuses a renamed Aurora cluster construct where no allowance covers it and lets the one the config allows through, exit 1', async () => {
    edit('stacks/data/shard.ts', "new rds.CfnDBCluster(this, 'Cluster', {", "new rds.CfnDBCluster(this, 'AuroraCluster', {");
    edit('regions.config.ts', 'export default defineConfig({', "export default defineConfig({\n  review: { allowDestructive: [{ path: 'dev-us-east-1/Shards0/shard-0001', reason: 'shard 1 is rebuilt from the seed data' }] },");
    const { code, report } = await review('dev');
    expect(refusedPaths(report)).toEqual(['remove dev-us-east-1/Shards0/shard-0000/Cluster']);
    expect(report.destructive[0]).toMatchObject({ stage: 'dev-us-east-1', stack: 'dev-us-east-1-shards-0', type: 'AWS::RDS::DBCluster', logical_id: 'shard0000ClusterEA6C2E04' });
    expect(report.destructive[0].cause).toContain('the same properties come back as shard0000AuroraCluster110ACC6A (dev-us-east-1/Shards0/shard-0000/AuroraCluster)');
    expect(report.destructive.map((d) => [d.path, d.allowed_by?.path ?? null])).toEqual([
      ['dev-us-east-1/Shards0/shard-0000/Cluster', null],
      ['dev-us-east-1/Shards0/shard-0001/Cluster', 'dev-us-east-1/Shards0/shard-0001'],
    ]);
    expect(report.allowances).toEqual([{ path: 'dev-us-east-1/Shards0/shard-0001', reason: 'shard 1 is rebuilt from the seed data', matches: 1, status: 'used' }]);
    expect(report.ok).toBe(false);
    expect(code).toBe(1);
  });

  it('refuses a changed cluster identifier, fewer partitions and a removed region, and names an allowance that matches nothing, exit 1', async () => {
    // Four changes that touch different resources, reviewed at once: each verdict is the one it gets alone.
    edit('lib/facts/names/data.ts', `return \`\${PROJECT}-\${env}-\${shardName(shard)}\`;`, `return \`\${PROJECT}-\${env}-db-\${shardName(shard)}\`;`);
    edit('regions.config.ts', 'bus: { minPartitions: 12 }', 'bus: { minPartitions: 8 }');
    edit('regions.config.ts', "regions: ['us-east-1', 'eu-west-1']", "regions: ['us-east-1']");
    edit('regions.config.ts', 'export default defineConfig({', "export default defineConfig({\n  review: { allowDestructive: [{ path: 'pair-us-east-1/Cache', reason: 'left behind by an earlier change' }] },");
    const { code, report } = await review('pair');
    const kept = report.destructive.filter((d) => d.stage === 'pair-us-east-1');
    const clusters = kept.filter((d) => d.type === 'AWS::RDS::DBCluster');
    expect(clusters.map((d) => [d.change, d.path, d.cause])).toEqual(
      [0, 1].map((n) => [
        'replace',
        `pair-us-east-1/Shards0/shard-000${n}/Cluster`,
        `Properties.DBClusterIdentifier "gigascale-pair-shard-000${n}" -> "gigascale-pair-db-shard-000${n}" (forces a replacement)`,
      ]),
    );
    const topics = kept.filter((d) => d.type === 'AWS::MSK::Topic');
    expect(topics.map((d) => [d.change, d.cause])).toEqual(
      topics.map(() => ['lower partitions', 'Properties.PartitionCount 12 -> 8: Kafka cannot remove partitions, and MSK refuses the update']),
    );
    expect(topics.length).toBe(4);
    // The removed region: every stateful resource of its stacks.
    expect(report.stages.map((s) => [s.stage, s.status])).toEqual([
      ['pair-us-east-1', expect.any(String)],
      ['pair-eu-west-1', 'removed'],
    ]);
    const removed = report.destructive.filter((d) => d.stage === 'pair-eu-west-1');
    expect(removed.length).toBeGreaterThan(10);
    expect(new Set(removed.map((d) => d.change))).toEqual(new Set(['remove with stack']));
    expect(removed.map((d) => d.type)).toEqual(expect.arrayContaining(['AWS::RDS::DBCluster', 'AWS::S3::Bucket', 'AWS::ElastiCache::ReplicationGroup', 'AWS::MSK::Cluster', 'AWS::KMS::Key', 'AWS::EKS::Cluster']));
    expect(report.destructive.length).toBe(kept.length + removed.length);
    // The region's flows leave the latency table, and its pool leaves the edge (both sides ran edge:plan).
    expect(report.stages[1].verdicts.map((v) => [v.region, v.after])).toEqual(report.stages[1].verdicts.map(() => ['eu-west-1', null]));
    expect(report.stages[1].verdicts.length).toBe(6);
    const edgeRemoved = report.edge.filter((e) => e.change === 'removed');
    expect(edgeRemoved.length).toBeGreaterThan(0);
    expect(edgeRemoved.filter((e) => !(e.env === 'pair' && e.name.includes('eu-west-1')))).toEqual([]);
    expect(report.destructive.filter((d) => d.allowed_by !== null)).toEqual([]);
    expect(report.errors).toEqual([
      'review.allowDestructive allows pair-us-east-1/Cache, but no change replaces or removes a stateful resource there; remove the entry (it belongs to the change that needed it)',
    ]);
    expect(report.ok).toBe(false);
    expect(code).toBe(1);
  });

  it('lets a raised instance class and an added shard through (the head a commit): the instances modified, the shard added, nothing removed or replaced, exit 0, with the cost it adds', async () => {
    // Two changes that touch different resources, reviewed at once: each verdict is the one it gets alone.
    edit('regions.config.ts', "sizes: { network: { natGateways: 'one', flowLogRetentionDays: 30 },", "sizes: { database: { instanceClass: 'db.r7g.xlarge' }, network: { natGateways: 'one', flowLogRetentionDays: 30 },");
    edit('regions.config.ts', 'shards: 2,', 'shards: 3,');
    git('commit', '-qam', 'raise the instance class, add a shard');
    const pending = review('dev', ['--base', 'HEAD~1', '--head', 'HEAD']);
    let outcome: Outcome;
    try {
      outcome = await pending;
    } finally {
      git('reset', '-q', '--hard', 'HEAD~1');
    }
    const { code, report } = outcome;
    expect(report.head).toEqual({ ref: 'HEAD', commit: expect.stringMatching(/^[0-9a-f]{40}$/) });
    expect(report.destructive).toEqual([]);
    expect(report.summary.resources).toMatchObject({ removed: 0, replaced: 0 });
    const resources = report.stages[0].stacks.flatMap((s) => s.resources);
    // The raised class: each instance of the existing shards is modified in place, that property only.
    const instances = resources.filter((r) => r.type === 'AWS::RDS::DBInstance' && r.change !== 'added');
    expect(instances.map((r) => r.path)).toEqual([0, 1].flatMap((n) => [0, 1].map((i) => `dev-us-east-1/Shards0/shard-000${n}/Instance${i}`)));
    for (const r of instances) {
      expect(r.change).toBe('modified');
      expect(r.properties).toEqual([{ name: 'Properties.DBInstanceClass', impact: 'update', before: 'db.r7g.large', after: 'db.r7g.xlarge' }]);
    }
    // The added shard: its resources added, and what lists every shard grows by one: the proxies' connect policy, the
    // shard map services read, the migration Jobs; the probe's sample moves to the new last shard; the reader-reboot
    // experiment names the new shard's reader (it picks from the first 5 shards). The cluster parameters follow the
    // class (its connection limit).
    const added = resources.filter((r) => r.change === 'added');
    expect(added.length).toBeGreaterThan(10);
    // Its alarms are added beside its group; the other shards' memory floor and connection limit follow the class.
    expect(added.filter((r) => !r.path.startsWith('dev-us-east-1/Shards0/shard-0002/')).map((r) => r.path)).toEqual(
      ['ReplicaLag', 'CpuWriter', 'CpuReader', 'FreeableMemory', 'Connections', 'ProxyQueryLatency', 'ProxyBorrowLatency'].map((a) => `dev-us-east-1/ShardAlarms0/Alarms/Shard0002${a}`),
    );
    expect(resources.filter((r) => r.change !== 'added' && r.type !== 'AWS::RDS::DBInstance').map((r) => `${r.change} ${r.path}`)).toEqual([
      'modified dev-us-east-1/Data/ClusterParameters',
      'modified dev-us-east-1/Shards0/ProxyConnectPolicy',
      'modified dev-us-east-1/ShardAlarms0/Alarms/Shard0000FreeableMemory',
      'modified dev-us-east-1/ShardAlarms0/Alarms/Shard0000Connections',
      'modified dev-us-east-1/ShardAlarms0/Alarms/Shard0001FreeableMemory',
      'modified dev-us-east-1/ShardAlarms0/Alarms/Shard0001Connections',
      'modified dev-us-east-1/ShardAlarms0/Alarms/Composite',
      'modified dev-us-east-1/Compute/Manifests/ServiceConfig',
      'modified dev-us-east-1/Compute/Manifests/Probe',
      'modified dev-us-east-1/Migrations0/Manifests/ShardSecrets0',
      'modified dev-us-east-1/Migrations0/Manifests/Migrations0',
      'modified dev-us-east-1/Observability/TierDashboard/Dashboard',
      'modified dev-us-east-1/Chaos/AuroraReaderReboot/Policy',
      'modified dev-us-east-1/Chaos/AuroraReaderReboot/Template',
    ]);
    expect(report.stages[0].manifests.map((m) => `${m.change} ${m.object}`)).toEqual([
      'changed ConfigMap gigascale/gigascale-probe-target',
      'changed ConfigMap gigascale/gigascale-service-config',
      'added Job gigascale/migrate-shard-0002',
      'added SecretProviderClass gigascale/gigascale-dev-shard-0002-master',
    ]);
    expect(report.cost.stages[0].delta_usd).toBeGreaterThan(0);
    expect(code).toBe(0);
  });

  it('refuses an unknown ref with exit 2 before synthesizing anything', async () => {
    const r = await reviewRaw(['--base', 'no-such-branch']);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^gigascale: Unknown ref \(1 problem\):\n {2}- --base: "no-such-branch" names no commit in .+; give a branch, tag or commit \(git fetch it first in a shallow clone\)\n$/);
    expect(r.code).toBe(2);
  });

  it('refuses a base whose checkout is not its commit (git attributes rewrite a file) with exit 2', async () => {
    // A file committed with CRLF endings, then an attribute that normalizes it: every checkout of that commit
    // shows the file modified.
    git('checkout', '-q', '-b', 'dirty-base');
    writeFileSync(join(project, 'crlf.txt'), 'one\r\ntwo\r\n');
    git('add', 'crlf.txt');
    git('commit', '-qm', 'crlf');
    writeFileSync(join(project, '.gitattributes'), 'crlf.txt text eol=lf\n');
    git('add', '.gitattributes');
    git('commit', '-qm', 'normalize');
    git('checkout', '-q', '--force', '-');
    const r = await reviewRaw(['--base', 'dirty-base']);
    expect(r.stderr).toContain('gigascale: Dirty base (1 problem):\n  - base dirty-base (');
    expect(r.stderr).toContain('its checkout differs from the commit ( M crlf.txt): git filters or attributes rewrite files, so the review would not compare the commit');
    expect(r.code).toBe(2);
  });
});
