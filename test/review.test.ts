/** The review's comparison and guard on small templates and manifests: what a reviewer is told, and what is refused. */
import { describe, expect, it } from 'vitest';
import { GigascaleError } from '../lib/util/errors';
import { parseReviewArgs } from '../lib/review/args';
import { reviewStack, type CfnResource, type StackInput } from '../lib/review/cfn';
import { applyAllowances, covers, type DestructiveFinding } from '../lib/review/guard';
import { reviewManifests } from '../lib/review/manifests';
import { COMMENT_MARKER, formatReviewMarkdown, GITHUB_COMMENT_LIMIT } from '../lib/review/markdown-report';
import { reviewCost, reviewEdge, reviewVerdicts } from '../lib/review/reports';
import { reviewChange, type SynthOutput } from '../lib/review/review';
import { STATEFUL_TYPES } from '../lib/review/stateful';
import { formatReviewText } from '../lib/review/text-report';
import { costCell } from '../lib/review/report-parts';

const STAGE = 'dev-us-east-1';

function stack(resources: Record<string, CfnResource>, stackName = 'dev-us-east-1-shards-0', path = 'dev-us-east-1/Shards0'): StackInput {
  return { stage: STAGE, stackName, path, template: { Resources: resources } };
}

const at = (path: string) => ({ 'aws:cdk:path': path });

const cluster = (identifier: string, path = 'dev-us-east-1/Shards0/shard-0000/Cluster'): CfnResource => ({
  Type: 'AWS::RDS::DBCluster',
  Properties: { DBClusterIdentifier: identifier, Engine: 'aurora-postgresql', StorageEncrypted: true },
  DeletionPolicy: 'Snapshot',
  Metadata: at(path),
});

const instance = (instanceClass: string): CfnResource => ({
  Type: 'AWS::RDS::DBInstance',
  Properties: { DBClusterIdentifier: { Ref: 'Cluster' }, DBInstanceClass: instanceClass, Engine: 'aurora-postgresql' },
  Metadata: at('dev-us-east-1/Shards0/shard-0000/Instance0'),
});

const topic = (partitions: number): CfnResource => ({
  Type: 'AWS::MSK::Topic',
  Properties: { ClusterArn: 'arn:aws:kafka:us-east-1:111111111111:cluster/c/1', TopicName: 'user-actions', PartitionCount: partitions, ReplicationFactor: 3 },
  DeletionPolicy: 'Retain',
  Metadata: at('dev-us-east-1/Bus/Topics/user-actions/Resource'),
});

describe('the stateful list', () => {
  it('names every kind of resource whose replacement or removal loses state, each with what is lost', () => {
    expect(Object.keys(STATEFUL_TYPES).sort()).toEqual([
      'AWS::ECR::Repository',
      'AWS::EKS::Cluster',
      'AWS::ElastiCache::ReplicationGroup',
      'AWS::ElastiCache::ServerlessCache',
      'AWS::KMS::Key',
      'AWS::Logs::LogGroup',
      'AWS::MSK::Cluster',
      'AWS::MSK::ServerlessCluster',
      'AWS::MSK::Topic',
      'AWS::RDS::DBCluster',
      'AWS::RDS::DBClusterParameterGroup',
      'AWS::RDS::DBParameterGroup',
      'AWS::RDS::DBSubnetGroup',
      'AWS::RDS::GlobalCluster',
      'AWS::S3::Bucket',
      'AWS::SecretsManager::Secret',
      'Custom::AWSCDK-EKS-Cluster',
    ]);
    for (const why of Object.values(STATEFUL_TYPES)) expect(why.length).toBeGreaterThan(10);
  });
});

describe('reviewStack', () => {
  it('refuses a cluster identifier change, naming the property that forces the replacement', () => {
    const r = reviewStack(stack({ Cluster: cluster('gigascale-dev-shard-0000') }), stack({ Cluster: cluster('gigascale-dev-s0') }));
    expect(r.json.resources).toEqual([
      {
        logical_id: 'Cluster',
        type: 'AWS::RDS::DBCluster',
        path: 'dev-us-east-1/Shards0/shard-0000/Cluster',
        change: 'replaced',
        properties: [{ name: 'Properties.DBClusterIdentifier', impact: 'replace', before: 'gigascale-dev-shard-0000', after: 'gigascale-dev-s0' }],
      },
    ]);
    expect(r.findings).toEqual([
      {
        stage: STAGE,
        stack: 'dev-us-east-1-shards-0',
        logicalId: 'Cluster',
        path: 'dev-us-east-1/Shards0/shard-0000/Cluster',
        type: 'AWS::RDS::DBCluster',
        change: 'replace',
        cause: 'Properties.DBClusterIdentifier "gigascale-dev-shard-0000" -> "gigascale-dev-s0" (forces a replacement)',
      },
    ]);
  });

  it('lets an instance class change through as a modification', () => {
    const r = reviewStack(stack({ Cluster: cluster('c'), Instance0: instance('db.r7g.large') }), stack({ Cluster: cluster('c'), Instance0: instance('db.r7g.xlarge') }));
    expect(r.json.status).toBe('changed');
    expect(r.json.resources).toEqual([
      {
        logical_id: 'Instance0',
        type: 'AWS::RDS::DBInstance',
        path: 'dev-us-east-1/Shards0/shard-0000/Instance0',
        change: 'modified',
        properties: [{ name: 'Properties.DBInstanceClass', impact: 'update', before: 'db.r7g.large', after: 'db.r7g.xlarge' }],
      },
    ]);
    expect(r.findings).toEqual([]);
  });

  it('refuses a renamed construct as a removal and names the addition that looks like its successor', () => {
    const r = reviewStack(stack({ ClusterA: cluster('c') }), stack({ ClusterB: cluster('c', 'dev-us-east-1/Shards0/shard-0000/AuroraCluster') }));
    expect(r.json.resources.map((x) => [x.logical_id, x.change, x.orphaned])).toEqual([
      ['ClusterA', 'removed', false],
      ['ClusterB', 'added', undefined],
    ]);
    expect(r.findings.map((f) => [f.change, f.path, f.cause])).toEqual([
      [
        'remove',
        'dev-us-east-1/Shards0/shard-0000/Cluster',
        'logical id ClusterA is no longer in the template; the same properties come back as ClusterB (dev-us-east-1/Shards0/shard-0000/AuroraCluster): ' +
          'a construct renamed or moved, which CloudFormation does as create-new, delete-old',
      ],
    ]);
  });

  it('refuses a removed bucket even when DeletionPolicy Retain orphans it, and says so', () => {
    const bucket: CfnResource = { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'media' }, DeletionPolicy: 'Retain', Metadata: at('dev-us-east-1/Media/Bucket/Resource') };
    const r = reviewStack(stack({ Bucket: bucket }, 'dev-us-east-1-media', 'dev-us-east-1/Media'), stack({}, 'dev-us-east-1-media', 'dev-us-east-1/Media'));
    expect(r.json.resources).toEqual([{ logical_id: 'Bucket', type: 'AWS::S3::Bucket', path: 'dev-us-east-1/Media/Bucket', change: 'removed', orphaned: true, properties: [] }]);
    expect(r.findings.map((f) => `${f.change} ${f.path}: ${f.cause}`)).toEqual([
      'remove dev-us-east-1/Media/Bucket: logical id Bucket is no longer in the template (the resource or its construct was deleted)',
    ]);
  });

  it('refuses each stateful resource of a removed stack, and nothing else of it', () => {
    const role: CfnResource = { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: {} }, Metadata: at('dev-us-east-1/Shards0/Role/Resource') };
    const r = reviewStack(stack({ Cluster: cluster('c'), Role: role }), undefined);
    expect(r.json.status).toBe('removed');
    expect(r.findings.map((f) => [f.change, f.logicalId, f.cause])).toEqual([['remove with stack', 'Cluster', 'stack dev-us-east-1-shards-0 is removed']]);
  });

  it('lists an added stack as additions only', () => {
    const r = reviewStack(undefined, stack({ Cluster: cluster('c') }));
    expect(r.json.status).toBe('added');
    expect(r.json.resources.map((x) => x.change)).toEqual(['added']);
    expect(r.findings).toEqual([]);
  });

  it('refuses fewer partitions on a topic and lets more through', () => {
    const fewer = reviewStack(stack({ Topic: topic(52) }, 'dev-us-east-1-bus', 'dev-us-east-1/Bus'), stack({ Topic: topic(40) }, 'dev-us-east-1-bus', 'dev-us-east-1/Bus'));
    expect(fewer.findings.map((f) => [f.change, f.path, f.cause])).toEqual([
      ['lower partitions', 'dev-us-east-1/Bus/Topics/user-actions', 'Properties.PartitionCount 52 -> 40: Kafka cannot remove partitions, and MSK refuses the update'],
    ]);
    const more = reviewStack(stack({ Topic: topic(52) }, 'dev-us-east-1-bus', 'dev-us-east-1/Bus'), stack({ Topic: topic(64) }, 'dev-us-east-1-bus', 'dev-us-east-1/Bus'));
    expect(more.findings).toEqual([]);
    expect(more.json.resources[0].change).toBe('modified');
  });

  it("tabulates IAM statement changes as cdk diff does, without terminal colours", () => {
    const policy = (actions: string[]): CfnResource => ({
      Type: 'AWS::IAM::Policy',
      Properties: { PolicyName: 'p', Roles: [{ Ref: 'Role' }], PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] } },
    });
    const r = reviewStack(stack({ Policy: policy(['s3:GetObject']) }), stack({ Policy: policy(['s3:GetObject', 's3:DeleteObject']) }));
    expect(r.json.iam_statements).toEqual([
      ['', 'Resource', 'Effect', 'Action', 'Principal', 'Condition'],
      ['+', '*', 'Allow', 's3:DeleteObject\ns3:GetObject', `AWS:\${Role}`, ''],
      ['-', '*', 'Allow', 's3:GetObject', `AWS:\${Role}`, ''],
    ]);
  });
});

describe('applyAllowances', () => {
  const finding = (path: string): DestructiveFinding => ({ stage: STAGE, stack: 's', logicalId: 'L', path, type: 'AWS::RDS::DBCluster', change: 'remove', cause: 'c' });

  it('allows a finding at or below an allowance path, the most specific allowance taking it', () => {
    const allowances = [
      { path: 'dev-us-east-1/Shards0', reason: 'the whole group is rebuilt' },
      { path: 'dev-us-east-1/Shards0/shard-0001/Cluster', reason: 'restored from a snapshot' },
    ];
    const v = applyAllowances([finding('dev-us-east-1/Shards0/shard-0000/Cluster'), finding('dev-us-east-1/Shards0/shard-0001/Cluster'), finding('dev-us-east-1/Shards01/x')], allowances, new Set([STAGE]));
    expect(v.refused.map((f) => f.path)).toEqual(['dev-us-east-1/Shards01/x']);
    expect(v.allowed.map((a) => [a.finding.path, a.allowance.path])).toEqual([
      ['dev-us-east-1/Shards0/shard-0000/Cluster', 'dev-us-east-1/Shards0'],
      ['dev-us-east-1/Shards0/shard-0001/Cluster', 'dev-us-east-1/Shards0/shard-0001/Cluster'],
    ]);
    expect(v.allowances.map((a) => [a.path, a.matches, a.status])).toEqual([
      ['dev-us-east-1/Shards0', 1, 'used'],
      ['dev-us-east-1/Shards0/shard-0001/Cluster', 1, 'used'],
    ]);
  });

  it('calls an allowance that matches nothing unused in a reviewed stage, and out of scope in a stage neither side synthesized', () => {
    const v = applyAllowances([], [{ path: 'dev-us-east-1/Cache', reason: 'r' }, { path: 'prod-eu-west-1/Cache', reason: 'r' }], new Set([STAGE]));
    expect(v.allowances.map((a) => a.status)).toEqual(['unused', 'out of scope']);
  });

  it('matches whole path segments only', () => {
    expect(covers('dev-us-east-1/Shards0', 'dev-us-east-1/Shards0/shard-0000')).toBe(true);
    expect(covers('dev-us-east-1/Shards0', 'dev-us-east-1/Shards0')).toBe(true);
    expect(covers('dev-us-east-1/Shards0', 'dev-us-east-1/Shards01')).toBe(false);
  });
});

describe('reviewManifests', () => {
  const cm = (name: string, value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: gigascale\ndata:\n  key: ${value}\n`;

  it('lists objects added, removed and changed by kind, namespace and name, with a unified diff of each change', () => {
    const base = new Map([['a.yaml', `${cm('one', 'x')}---\n${cm('two', 'x')}`]]);
    const head = new Map([['a.yaml', `${cm('one', 'y')}---\n${cm('three', 'x')}`]]);
    expect(reviewManifests(STAGE, base, head)).toEqual([
      {
        object: 'ConfigMap gigascale/one',
        file: 'a.yaml',
        change: 'changed',
        diff: [
          '--- base/k8s/dev-us-east-1/a.yaml',
          '+++ head/k8s/dev-us-east-1/a.yaml',
          '@@ -4,4 +4,4 @@',
          '   name: one',
          '   namespace: gigascale',
          ' data:',
          '-  key: x',
          '+  key: y',
        ].join('\n'),
      },
      { object: 'ConfigMap gigascale/three', file: 'a.yaml', change: 'added' },
      { object: 'ConfigMap gigascale/two', file: 'a.yaml', change: 'removed' },
    ]);
  });

  it('says nothing of identical manifests', () => {
    const files = new Map([['a.yaml', cm('one', 'x')]]);
    expect(reviewManifests(STAGE, files, files)).toEqual([]);
  });
});

describe('reports', () => {
  const verdict = (p95: number, ok = true) => ({ env: 'dev', region: 'us-east-1', flow: 'chat.send', p95_ms: p95, target_ms: 30, ok, waiver: null });

  it('lists latency verdicts whose static P95, target or verdict changed', () => {
    expect(reviewVerdicts([verdict(28)], [verdict(28)])).toEqual([]);
    expect(reviewVerdicts([verdict(28)], [verdict(31, false)])).toEqual([
      { env: 'dev', region: 'us-east-1', flow: 'chat.send', before: { p95_ms: 28, target_ms: 30, ok: true, waiver: null }, after: { p95_ms: 31, target_ms: 30, ok: false, waiver: null } },
    ]);
  });

  it('gives each stage and environment its monthly cost before and after, and null where a side has none', () => {
    const costs = (usd: number) => ({
      price_date: '2026-10',
      environments: [
        { env: 'dev', users: 10_000, monthly_usd: usd, min_usd: usd - 100, max_usd: usd + 100, usd_per_mau: usd / 10_000, stages: [{ stage: STAGE, region: 'us-east-1', monthly_usd: usd, min_usd: usd - 100, max_usd: usd + 100 }] },
      ],
    });
    expect(reviewCost(costs(3000), costs(3100.5))).toEqual({
      price_date: { before: '2026-10', after: '2026-10' },
      stages: [{ name: STAGE, before_usd: 3000, after_usd: 3100.5, delta_usd: 100.5 }],
      environments: [{ name: 'dev', before_usd: 3000, after_usd: 3100.5, delta_usd: 100.5, before_usd_per_mau: 0.3, after_usd_per_mau: 0.31005 }],
    });
    expect(reviewCost(null, costs(3000)).stages).toEqual([{ name: STAGE, before_usd: null, after_usd: 3000, delta_usd: null }]);
  });

  it('lists edge resources added, removed and changed, with the diff of their inputs', () => {
    const lb = (ttl: number) => ({ type: 'cloudflare:index/loadBalancer:LoadBalancer', name: 'lb', inputs: { ttl } });
    const changes = reviewEdge('dev', [lb(30), { type: 't', name: 'gone', inputs: {} }], [lb(60)]);
    expect(changes.map((c) => [c.change, c.name])).toEqual([
      ['changed', 'lb'],
      ['removed', 'gone'],
    ]);
    expect(changes[0].diff).toBe(['--- base/lb', '+++ head/lb', '@@ -1,3 +1,3 @@', ' {', '-  "ttl": 30', '+  "ttl": 60', ' }'].join('\n'));
  });
});

describe('costCell', () => {
  it('shows before, after and the delta, or the one figure a side has', () => {
    expect(costCell({ name: STAGE, before_usd: 3198.4, after_usd: 4094.2, delta_usd: 895.8 })).toBe('$3,198 -> $4,094 (+$896)');
    expect(costCell({ name: STAGE, before_usd: 3198, after_usd: 3198, delta_usd: 0 })).toBe('$3,198');
    expect(costCell({ name: STAGE, before_usd: null, after_usd: 3198, delta_usd: null })).toBe('$3,198');
    expect(costCell({ name: STAGE, before_usd: 3242, after_usd: null, delta_usd: null })).toBe('$3,242 before');
    expect(costCell(null)).toBe('n/a');
  });
});

describe('reviewChange', () => {
  const output = (stacks: StackInput[], allowances: SynthOutput['allowances'] = []): SynthOutput => ({
    stages: stacks.length === 0 ? [] : [{ stage: STAGE, stacks, manifests: new Map() }],
    budget: [],
    cost: { price_date: '2026-10', environments: [] },
    allowances,
    edge: new Map(),
  });
  const sides = { base: { ref: 'main', commit: 'a'.repeat(40) }, head: { ref: 'working tree', commit: null }, context: ['env=dev'] };

  it('fails on a refused change and passes when the head allows it, printing the allowance', () => {
    const base = output([stack({ Cluster: cluster('a') })]);
    const refused = reviewChange(base, output([stack({ Cluster: cluster('b') })]), sides);
    expect(refused.ok).toBe(false);
    expect(refused.summary.destructive).toEqual({ refused: 1, allowed: 0 });
    const allowance = { path: 'dev-us-east-1/Shards0/shard-0000/Cluster', reason: 'renamed on purpose, data restored from the snapshot' };
    const allowed = reviewChange(base, output([stack({ Cluster: cluster('b') })], [allowance]), sides);
    expect(allowed.ok).toBe(true);
    expect(allowed.destructive.map((d) => d.allowed_by)).toEqual([allowance]);
    expect(formatReviewText(allowed)).toContain(
      'allowed by dev-us-east-1/Shards0/shard-0000/Cluster: renamed on purpose, data restored from the snapshot',
    );
  });

  it('fails on an allowance that matches nothing and says how to fix it', () => {
    const same = output([stack({ Cluster: cluster('a') })], [{ path: 'dev-us-east-1/Cache', reason: 'left over from a previous change' }]);
    const r = reviewChange(output([stack({ Cluster: cluster('a') })]), same, sides);
    expect(r.ok).toBe(false);
    expect(r.errors).toEqual([
      'review.allowDestructive allows dev-us-east-1/Cache, but no change replaces or removes a stateful resource there; remove the entry (it belongs to the change that needed it)',
    ]);
  });

  it('names the reports a side did not write instead of calling them unchanged', () => {
    const old: SynthOutput = { ...output([stack({})]), budget: null, cost: null, edge: null };
    const head: SynthOutput = { ...output([stack({})]), edge: new Map([['dev', [{ type: 't', name: 'lb', inputs: {} }]]]) };
    const r = reviewChange(old, head, sides);
    expect(r.missing).toEqual([
      'edge plan (base): the edge not compared',
      'budget.json (base): latency verdicts not compared',
      'cost.json (base): monthly cost not compared',
    ]);
    expect(r.edge).toEqual([]);
  });
});

describe('the Markdown comment', () => {
  const many = (n: number, identifier: string) =>
    Object.fromEntries(Array.from({ length: n }, (_, i) => [`Cluster${i}`, cluster(`${identifier}-${i}`, `dev-us-east-1/Shards0/shard-${i}/Cluster`)]));
  const big = (n: number) =>
    reviewChange(
      { stages: [{ stage: STAGE, stacks: [stack(many(n, 'a'))], manifests: new Map() }], budget: [], cost: null, allowances: [], edge: new Map() },
      { stages: [{ stage: STAGE, stacks: [stack(many(n, 'b'))], manifests: new Map() }], budget: [], cost: null, allowances: [], edge: new Map() },
      { base: { ref: 'main', commit: 'a'.repeat(40) }, head: { ref: 'working tree', commit: null }, context: [] },
    );

  it('starts with the marker the workflow finds it by, then the verdict', () => {
    const md = formatReviewMarkdown(big(2));
    expect(md.split('\n').slice(0, 2)).toEqual([COMMENT_MARKER, '### gigascale review: REFUSED: 2 destructive changes without an allowance']);
    expect(md).toContain('<details><summary><b>dev-us-east-1</b>: changed');
  });

  it("stays within GitHub's comment limit for a change that replaces 400 clusters (a stack at the limits guard), saying what it left out", () => {
    const md = formatReviewMarkdown(big(400));
    expect(md.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(md).toMatch(/\.\.\. and \d+ more refused changes: the full list is in review\.json/);
    expect(md).toContain('_400 resources with property changes (800 lines) left out to fit the comment._');
  });

  it('leaves out whole stages last, and says so, when even the details without diffs do not fit', () => {
    const md = formatReviewMarkdown(big(400), 20_000);
    expect(md.length).toBeLessThanOrEqual(20_000);
    expect(md).not.toContain('<details>');
    expect(md.trimEnd().split('\n').pop()).toBe(
      "_1 section (stages, edge) left out to fit GitHub's comment limit: the full report is in the workflow's artifact (review.md, review.json)._",
    );
  });
});

describe('parseReviewArgs', () => {
  it('reads the base, head, outputs and context', () => {
    expect(parseReviewArgs(['--base', 'origin/main', '--head', 'HEAD', '--json', '--markdown', 'review.md', '-c', 'env=dev', '-c', 'regions=us-east-1,eu-west-1'])).toEqual({
      base: 'origin/main',
      head: 'HEAD',
      json: true,
      markdown: 'review.md',
      context: ['env=dev', 'regions=us-east-1,eu-west-1'],
      help: false,
    });
  });

  it('refuses every bad argument at once, with exit 2', () => {
    let error: unknown;
    try {
      parseReviewArgs(['--head', 'x', '-c', 'env', '-c', 'a=1', '-c', 'a=2', '--markdown', '--verbose']);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GigascaleError);
    expect((error as GigascaleError).exitCode).toBe(2);
    expect((error as GigascaleError).message).toBe(
      [
        'Bad arguments (5 problems):',
        '  - -c: must be key=value, like -c env=dev, got "env"',
        '  - -c: a is given twice ("1" and "2"); give it once',
        '  - --markdown: needs a value (--help shows the usage)',
        '  - --verbose: unknown flag (--help shows the usage)',
        '  - --base: is required: the git ref the change starts from, e.g. --base origin/main or --base HEAD~1',
      ].join('\n'),
    );
  });
});
