/**
 * The deploy-time backstop: describe-change-set output checked with the review's guard (lib/review/changeset.ts),
 * `npm run -s review:changeset` end to end, and review/change-sets.sh with stub CDK and AWS commands.
 *
 * The fixtures under test/fixtures/changesets follow the shape of the AWS CloudFormation User Guide's "Example change
 * sets for CloudFormation stacks" (using-cfn-updating-stacks-changesets-samples: direct modification, the Replacement
 * field, adding and removing resources, property-level changes with Path/BeforeValue/AfterValue) and the API
 * Reference's DescribeChangeSet response (NextToken pages, Status FAILED for a change set without changes), with this
 * project's stacks and logical ids.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DestructiveAllowance } from '../lib/plan/schema';
import { GigascaleError } from '../lib/util/errors';
import type { CfnResource, StackInput } from '../lib/review/cfn';
import type { ChangeAction } from '../lib/review/changeset';
import { destructiveChange } from '../lib/review/changeset-guard';
import { loadChangeSets } from '../lib/review/changeset-pages';
import { parseChangesetArgs } from '../lib/review/changeset-args';
import { reviewChangeSets, type ChangeSetReviewJson } from '../lib/review/changeset-review';
import { parseAllowances } from '../lib/review/guard';
import { ROOT } from './support/synth';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'changesets');
const fixtureText = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');

const tmp = mkdtempSync(join(tmpdir(), 'gigascale-changeset-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const STAGE = 'dev-us-east-1';
const at = (path: string, type: string): CfnResource => ({ Type: type, Metadata: { 'aws:cdk:path': path } });

/** The stacks the fixtures' change sets were created from, as the assembly holds them (real logical ids and paths). */
const STACKS: readonly (StackInput & { readonly artifactId: string })[] = [
  {
    artifactId: 'devuseast1Shards0305D6297',
    stage: STAGE,
    stackName: 'dev-us-east-1-shards-0',
    path: 'dev-us-east-1/Shards0',
    template: {
      Resources: {
        shard0000ClusterEA6C2E04: at('dev-us-east-1/Shards0/shard-0000/Cluster', 'AWS::RDS::DBCluster'),
        shard0001Cluster05534692: at('dev-us-east-1/Shards0/shard-0001/Cluster', 'AWS::RDS::DBCluster'),
        shard0000MasterSecretF05B1D7C: at('dev-us-east-1/Shards0/shard-0000/MasterSecret/Resource', 'AWS::SecretsManager::Secret'),
        shard0000LogGroupE29F78AA: at('dev-us-east-1/Shards0/shard-0000/LogGroup/Resource', 'AWS::Logs::LogGroup'),
        shard0000Instance001B5E0C6: at('dev-us-east-1/Shards0/shard-0000/Instance0', 'AWS::RDS::DBInstance'),
      },
    },
  },
  {
    artifactId: 'devuseast1Media170C1FD1',
    stage: STAGE,
    stackName: 'dev-us-east-1-media',
    path: 'dev-us-east-1/Media',
    template: {
      Resources: {
        MediaBucketBCBB02BA: at('dev-us-east-1/Media/MediaBucket/Resource', 'AWS::S3::Bucket'),
        ServerAccessLogsBucket3F8E4B21: at('dev-us-east-1/Media/ServerAccessLogs/Bucket/Resource', 'AWS::S3::Bucket'),
      },
    },
  },
  {
    artifactId: 'devuseast1Compute68D46826',
    stage: STAGE,
    stackName: 'dev-us-east-1-compute',
    path: 'dev-us-east-1/Compute',
    template: {
      Resources: {
        ClusterKubectlProviderHandler2E05C68A: at('dev-us-east-1/Compute/Cluster/KubectlProvider/Handler/Resource', 'AWS::Lambda::Function'),
      },
    },
  },
];

/**
 * A cloud assembly as `npx cdk synth -c env=dev` lays it out, reduced to what the check reads: manifest.json with
 * the stage's nested assembly, its manifest with one `aws:cloudformation:stack` artifact per stack, the templates,
 * and the allowances beside the manifest (null: no file).
 */
function writeAssembly(name: string, allowances: readonly DestructiveAllowance[] | null = []): string {
  const dir = join(tmp, name);
  const stageDir = join(dir, `assembly-${STAGE}`);
  mkdirSync(stageDir, { recursive: true });
  const manifest = (artifacts: object) => JSON.stringify({ version: '55.0.0', artifacts }, null, 1);
  writeFileSync(
    join(dir, 'manifest.json'),
    manifest({ [`assembly-${STAGE}`]: { type: 'cdk:cloud-assembly', properties: { directoryName: `assembly-${STAGE}`, displayName: STAGE } } }),
  );
  const artifacts: Record<string, object> = {};
  for (const s of STACKS) {
    const templateFile = `${s.artifactId}.template.json`;
    writeFileSync(join(stageDir, templateFile), JSON.stringify(s.template));
    artifacts[s.artifactId] = {
      type: 'aws:cloudformation:stack',
      environment: 'aws://111111111111/us-east-1',
      displayName: s.path,
      properties: { templateFile, stackName: s.stackName },
    };
  }
  writeFileSync(join(stageDir, 'manifest.json'), manifest(artifacts));
  if (allowances !== null) writeFileSync(join(dir, 'allowed-destructive-changes.json'), JSON.stringify(allowances));
  return dir;
}

const CLUSTER_ALLOWANCE: DestructiveAllowance = {
  path: 'dev-us-east-1/Shards0/shard-0000/Cluster',
  reason: 'shard-0000 moves to the short identifier; restored from its final snapshot (DBClusterIdentifier: update requires replacement)',
};
const OTHER_STACK_ALLOWANCE: DestructiveAllowance = { path: 'dev-us-east-1/Cache/Sessions', reason: 'sessions are rebuilt on login' };
const OTHER_STAGE_ALLOWANCE: DestructiveAllowance = { path: 'prod-us-east-1/Media/MediaBucket', reason: 'media moves to the new bucket' };

const inputs = (...names: string[]) => names.map((file) => ({ file, text: fixtureText(file) }));

function review(names: readonly string[], allowances: readonly DestructiveAllowance[] = []): ChangeSetReviewJson {
  return reviewChangeSets(loadChangeSets(inputs(...names)), STACKS, allowances, 'cdk.out');
}

/** The error `fn` throws (failing the test when it throws none). */
function thrown(fn: () => unknown): GigascaleError {
  try {
    fn();
  } catch (e) {
    if (e instanceof GigascaleError) return e;
    throw e;
  }
  throw new Error('expected a GigascaleError');
}

type ChangeSetJson = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- describe-change-set output, broken field by field

/** A fixture with fields changed, as `cs.json`. */
function mutated(name: string, change: (cs: ChangeSetJson) => void): { file: string; text: string } {
  const cs = JSON.parse(fixtureText(name)) as ChangeSetJson;
  change(cs);
  return { file: 'cs.json', text: JSON.stringify(cs) };
}

describe('change sets checked with the review guard', () => {
  it('refuses a replaced AWS::RDS::DBCluster and names the property that forces it', () => {
    const r = review(['replace-cluster.json']);
    expect(r.ok).toBe(false);
    expect(r.destructive).toEqual([
      {
        stage: STAGE,
        stack: 'dev-us-east-1-shards-0',
        logical_id: 'shard0000ClusterEA6C2E04',
        path: 'dev-us-east-1/Shards0/shard-0000/Cluster',
        type: 'AWS::RDS::DBCluster',
        change: 'replace',
        cause: 'Properties.DBClusterIdentifier requires recreation Always (Static, DirectModification); PolicyAction ReplaceAndSnapshot',
        allowed_by: null,
      },
    ]);
  });

  it('refuses a Conditional replacement as may replace, naming the reference that may force it', () => {
    const r = review(['conditional-cluster.json']);
    expect(r.destructive).toEqual([
      {
        stage: STAGE,
        stack: 'dev-us-east-1-shards-0',
        logical_id: 'shard0001Cluster05534692',
        path: 'dev-us-east-1/Shards0/shard-0001/Cluster',
        type: 'AWS::RDS::DBCluster',
        change: 'may replace',
        cause: 'Properties.DBSubnetGroupName requires recreation Always (Dynamic, ResourceReference SubnetGroup)',
        allowed_by: null,
      },
    ]);
  });

  it('refuses the removal of an AWS::S3::Bucket with its policy action, at the stack path and logical id', () => {
    const r = review(['remove-bucket.json']);
    expect(r.ok).toBe(false);
    expect(r.destructive).toEqual([
      {
        stage: STAGE,
        stack: 'dev-us-east-1-media',
        logical_id: 'AccessLogsBucketCD784A59',
        path: 'dev-us-east-1/Media/AccessLogsBucketCD784A59',
        type: 'AWS::S3::Bucket',
        change: 'remove',
        cause:
          'the change set removes it; PolicyAction Retain (gone from the synthesized template, so its construct path is unknown here: only an allowance of the stack or above covers it)',
        allowed_by: null,
      },
    ]);
    expect(r.change_sets[0].changes).toEqual({ add: 1, modify: 0, remove: 1, import: 0, dynamic: 0, sync_with_actual: 0, replacements: 0 });
  });

  it('lets a Modify with Replacement False of a stateful resource through', () => {
    const r = review(['modify-in-place.json']);
    expect(r.ok).toBe(true);
    expect(r.destructive).toEqual([]);
    expect(r.change_sets[0]).toMatchObject({ stack: 'dev-us-east-1-shards-0', changes: { modify: 1, replacements: 0 }, refused: 0, allowed: 0 });
  });

  it('does not count the replacement of an AWS::Lambda::Function as destructive', () => {
    const r = review(['replace-function.json']);
    expect(r.ok).toBe(true);
    expect(r.destructive).toEqual([]);
    expect(r.change_sets[0].changes.replacements).toBe(1);
  });

  it.each([
    ['Dynamic', { change: 'may replace', cause: 'the change set cannot determine the action (Action Dynamic)' }],
    ['Add', undefined],
    ['Import', undefined],
    ['SyncWithActual', undefined],
  ] as const)('judges Action %s of an AWS::KMS::Key as %j', (action: ChangeAction, verdict) => {
    expect(destructiveChange({ Action: action, LogicalResourceId: 'Key', ResourceType: 'AWS::KMS::Key', Scope: [], Details: [] })).toEqual(verdict);
  });

  it('reads a change set without changes (Status FAILED, as CloudFormation keeps it) as nothing to refuse', () => {
    const r = review(['no-changes.json']);
    expect(r.ok).toBe(true);
    expect(r.change_sets[0]).toMatchObject({ status: 'FAILED', execution_status: 'UNAVAILABLE', changes: { add: 0, modify: 0, remove: 0 } });
  });

  it('accepts a replacement an allowance covers, and scopes the other allowances to the stacks reviewed', () => {
    const r = review(['replace-cluster.json', 'conditional-cluster.json'], [CLUSTER_ALLOWANCE, OTHER_STACK_ALLOWANCE, OTHER_STAGE_ALLOWANCE, { path: 'dev-us-east-1/Shards0/shard-0002', reason: 'r' }]);
    expect(r.ok).toBe(false);
    expect(r.destructive.map((d) => [d.logical_id, d.change, d.allowed_by])).toEqual([
      ['shard0001Cluster05534692', 'may replace', null],
      ['shard0000ClusterEA6C2E04', 'replace', CLUSTER_ALLOWANCE],
    ]);
    expect(r.allowances).toEqual([
      { ...CLUSTER_ALLOWANCE, matches: 1, status: 'used' },
      { ...OTHER_STACK_ALLOWANCE, matches: 0, status: 'out of scope' },
      { ...OTHER_STAGE_ALLOWANCE, matches: 0, status: 'out of scope' },
      { path: 'dev-us-east-1/Shards0/shard-0002', reason: 'r', matches: 0, status: 'unused' },
    ]);
    expect(r.change_sets.map((s) => [s.refused, s.allowed])).toEqual([
      [0, 1],
      [1, 0],
    ]);
  });

  it('merges the pages of one change set, given in any order', () => {
    const r = review(['paged-2.json', 'paged-1.json']);
    expect(r.change_sets).toEqual([
      {
        stage: STAGE,
        stack: 'dev-us-east-1-shards-0',
        path: 'dev-us-east-1/Shards0',
        change_set: 'gigascale-review',
        change_set_id: 'arn:aws:cloudformation:us-east-1:111111111111:changeSet/gigascale-review/0b6f1d1e-0000-4c1a-9e11-000000000006',
        status: 'CREATE_COMPLETE',
        execution_status: 'AVAILABLE',
        files: ['paged-2.json', 'paged-1.json'],
        changes: { add: 1, modify: 2, remove: 0, import: 0, dynamic: 0, sync_with_actual: 0, replacements: 1 },
        refused: 1,
        allowed: 0,
      },
    ]);
    expect(r.destructive.map((d) => `${d.change} ${d.path}: ${d.cause}`)).toEqual([
      'replace dev-us-east-1/Shards0/shard-0000/MasterSecret: Properties.Name requires recreation Always (Static, DirectModification)',
    ]);
  });

  it('refuses a paginated change set whose last page is missing and says how to fetch every page', () => {
    const e = thrown(() => loadChangeSets(inputs('paged-1.json')));
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe(
      'Invalid change sets (1 problem):\n' +
        '  - paged-1.json: change set gigascale-review of stack dev-us-east-1-shards-0 is incomplete: every page given has a NextToken, so its last page ' +
        'is missing. Fetch every page: run review/change-sets.sh, or aws cloudformation describe-change-set --region us-east-1 --stack-name ' +
        'dev-us-east-1-shards-0 --change-set-name gigascale-review --output json (the AWS CLI follows NextToken itself unless --no-paginate is given), ' +
        'or pass each NextToken to --next-token until a page has none; then pass every page',
    );
  });

  it('refuses the same page given twice', () => {
    const copy = { file: 'paged-2-again.json', text: fixtureText('paged-2.json') };
    expect(thrown(() => loadChangeSets([...inputs('paged-1.json', 'paged-2.json'), copy])).message).toBe(
      'Invalid change sets (1 problem):\n' +
        '  - paged-2.json, paged-2-again.json: are each the last page of change set gigascale-review of stack dev-us-east-1-shards-0 (no NextToken): ' +
        'the same page was given twice; pass each page once',
    );
    expect(thrown(() => loadChangeSets(inputs('paged-1.json', 'paged-2.json', 'paged-1.json'))).message).toBe(
      'Invalid change sets (1 problem):\n  - paged-1.json: is given twice; pass each file once',
    );
  });
});

describe('bad change set files', () => {
  it('reports every bad field at once, naming the file and the field', () => {
    const bad = mutated('paged-1.json', (cs) => {
      delete cs.StackName;
      cs.Status = 'DONE';
      cs.Changes[0].ResourceChange.Action = 'Delete';
      delete cs.Changes[0].ResourceChange.Replacement;
      cs.Changes[0].ResourceChange.Details[0].Target.RequiresRecreation = 'Sometimes';
      cs.Changes[1].Type = 'Hook';
      cs.Changes[1].ResourceChange.PolicyAction = 'Keep';
      cs.Changes.push('Remove');
    });
    expect(thrown(() => loadChangeSets([bad])).message).toBe(
      'Invalid change sets (7 problems):\n' +
        '  - cs.json: Status must be CREATE_PENDING, CREATE_IN_PROGRESS, CREATE_COMPLETE, DELETE_PENDING, DELETE_IN_PROGRESS, DELETE_COMPLETE, DELETE_FAILED or FAILED, got "DONE"\n' +
        '  - cs.json: StackName must be a non-empty string, got nothing\n' +
        '  - cs.json: Changes[0].ResourceChange.Action must be Add, Modify, Remove, Import, Dynamic or SyncWithActual, got "Delete"\n' +
        '  - cs.json: Changes[0].ResourceChange.Details[0].Target.RequiresRecreation must be Never, Conditionally or Always, got "Sometimes"\n' +
        '  - cs.json: Changes[1].Type must be Resource, got "Hook"\n' +
        '  - cs.json: Changes[1].ResourceChange.PolicyAction must be Delete, Retain, Snapshot, ReplaceAndDelete, ReplaceAndRetain or ReplaceAndSnapshot, got "Keep"\n' +
        '  - cs.json: Changes[2] must be an object, got "Remove"',
    );
  });

  it('refuses a Modify without Replacement rather than read it as no replacement', () => {
    const bad = mutated('replace-cluster.json', (cs) => delete cs.Changes[0].ResourceChange.Replacement);
    expect(thrown(() => loadChangeSets([bad])).message).toBe(
      'Invalid change sets (1 problem):\n  - cs.json: Changes[0].ResourceChange.Replacement must be True, False or Conditional for a Modify, got nothing',
    );
  });

  it.each([
    ['not JSON', '{"Changes": [', 'is not JSON (Unexpected end of JSON input): pass what aws cloudformation describe-change-set --output json prints'],
    ['an array', '[]', 'must be the JSON object aws cloudformation describe-change-set --output json prints, got []'],
    [
      'a change set still being created',
      mutated('replace-cluster.json', (cs) => (cs.Status = 'CREATE_IN_PROGRESS')).text,
      'change set gigascale-review of stack dev-us-east-1-shards-0 is still being created (Status CREATE_IN_PROGRESS), so its changes are not final: wait with aws ' +
        'cloudformation wait change-set-create-complete --region us-east-1 --stack-name dev-us-east-1-shards-0 --change-set-name gigascale-review, then describe it again',
    ],
    [
      'a failed change set',
      mutated('no-changes.json', (cs) => (cs.StatusReason = 'Template format error: Unresolved resource dependencies [Vpc] in the Resources block of the template')).text,
      'change set gigascale-review of stack dev-us-east-1-shards-0 failed ("Template format error: Unresolved resource dependencies [Vpc] in the Resources block of ' +
        'the template"): CloudFormation cannot execute it, so there is nothing to check; fix the cause and prepare it again',
    ],
    [
      'a deleted change set',
      mutated('replace-cluster.json', (cs) => (cs.Status = 'DELETE_COMPLETE')).text,
      'change set gigascale-review of stack dev-us-east-1-shards-0 is deleted or being deleted (Status DELETE_COMPLETE): prepare it again (review/change-sets.sh)',
    ],
  ])('refuses %s with exit 2', (_what, text, message) => {
    const e = thrown(() => loadChangeSets([{ file: 'cs.json', text }]));
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe(`Invalid change sets (1 problem):\n  - cs.json: ${message}`);
  });

  it('refuses a change set whose stack is not in the assembly, or whose resources its template lacks', () => {
    const otherStack = mutated('replace-cluster.json', (cs) => (cs.StackName = 'dev-us-east-1-shards-9'));
    const otherSynth = { ...mutated('modify-in-place.json', (cs) => (cs.Changes[0].ResourceChange.LogicalResourceId = 'shard0000AuroraCluster110ACC6A')), file: 'old.json' };
    const e = thrown(() => reviewChangeSets(loadChangeSets([otherStack, otherSynth]), STACKS, [], 'cdk.out'));
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe(
      'Change sets not from this assembly (2 problems):\n' +
        '  - cs.json: change set gigascale-review is for stack dev-us-east-1-shards-9, which assembly cdk.out does not hold (its stages: dev-us-east-1); ' +
        'pass --assembly with the synth output the change set was created from\n' +
        '  - old.json: change set gigascale-review changes shard0000AuroraCluster110ACC6A, which the template of dev-us-east-1/Shards0 in cdk.out does not ' +
        'have: it was created from another synth; pass --assembly with the synth output it was created from',
    );
  });

  it('refuses an allowances file that is not the list synth writes', () => {
    expect(thrown(() => parseAllowances('cdk.out/allowed-destructive-changes.json', '[{"path": "dev-us-east-1/Shards0"}, {"path": "", "reason": "x"}]')).message).toBe(
      'Invalid allowances (2 problems):\n' +
        '  - cdk.out/allowed-destructive-changes.json: [0] must be { path, reason } with non-empty strings, got {"path":"dev-us-east-1/Shards0"}; synthesize again (npx cdk synth) to rewrite it\n' +
        '  - cdk.out/allowed-destructive-changes.json: [1] must be { path, reason } with non-empty strings, got {"path":"","reason":"x"}; synthesize again (npx cdk synth) to rewrite it',
    );
  });

  const NO_FILES = 'files: none given: pass the JSON files aws cloudformation describe-change-set --output json printed (review/change-sets.sh writes them)';
  it.each([
    [[], `Bad arguments (1 problem):\n  - ${NO_FILES}`],
    [['--assembly'], `Bad arguments (2 problems):\n  - --assembly: needs a value: the synth output directory, e.g. --assembly cdk.out\n  - ${NO_FILES}`],
    [['--yaml', 'cs.json'], 'Bad arguments (1 problem):\n  - --yaml: unknown flag'],
    [['--assembly', 'a', '--assembly', 'b', 'cs.json'], 'Bad arguments (1 problem):\n  - --assembly: given twice ("a" and "b"); give it once'],
  ])('refuses the arguments %j', (argv, message) => {
    const e = thrown(() => parseChangesetArgs(argv));
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe(message);
  });
});

const FIXTURE_ARG = (name: string) => `test/fixtures/changesets/${name}`;

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bin', 'review-changeset.ts'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout.replaceAll(tmp, '<tmp>'), stderr: r.stderr.replaceAll(tmp, '<tmp>') };
}

describe('npm run -s review:changeset', () => {
  const refusing = writeAssembly('refusing', null);
  const allowing = writeAssembly('allowing', [CLUSTER_ALLOWANCE, OTHER_STAGE_ALLOWANCE]);

  it('exits 1 and prints every change set and the refused replacement and removal', () => {
    const r = cli('--assembly', refusing, FIXTURE_ARG('replace-cluster.json'), FIXTURE_ARG('remove-bucket.json'), FIXTURE_ARG('replace-function.json'));
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(
      [
        'REFUSED: 2 destructive changes no allowance covers (0 allowed); do not execute these change sets. If one is intended, allow its construct path in ' +
          'regions.config.ts (review.allowDestructive, with the reason), synthesize and prepare the change sets again.',
        '',
        'Change sets (3):',
        '  dev-us-east-1-shards-0 (dev-us-east-1/Shards0): change set gigascale-review, CREATE_COMPLETE / AVAILABLE, 1 page: 1 modify (1 replacement); 1 refused, 0 allowed',
        '  dev-us-east-1-media (dev-us-east-1/Media): change set gigascale-review, CREATE_COMPLETE / AVAILABLE, 1 page: 1 add, 1 remove; 1 refused, 0 allowed',
        '  dev-us-east-1-compute (dev-us-east-1/Compute): change set gigascale-review, CREATE_COMPLETE / AVAILABLE, 1 page: 1 modify (1 replacement); 0 refused, 0 allowed',
        '',
        'Destructive changes (2 refused, 0 allowed):',
        '  verdict  stage          stack                   logical id                construct path                                type                 change',
        '  REFUSED  dev-us-east-1  dev-us-east-1-shards-0  shard0000ClusterEA6C2E04  dev-us-east-1/Shards0/shard-0000/Cluster      AWS::RDS::DBCluster  replace',
        '           cause: Properties.DBClusterIdentifier requires recreation Always (Static, DirectModification); PolicyAction ReplaceAndSnapshot',
        '  REFUSED  dev-us-east-1  dev-us-east-1-media     AccessLogsBucketCD784A59  dev-us-east-1/Media/AccessLogsBucketCD784A59  AWS::S3::Bucket      remove',
        '           cause: the change set removes it; PolicyAction Retain (gone from the synthesized template, so its construct path is unknown here: only an ' +
          'allowance of the stack or above covers it)',
        '',
        'Allowances: none (<tmp>/refusing/allowed-destructive-changes.json is absent).',
        '',
      ].join('\n'),
    );
  });

  it('exits 0 when an allowance in the assembly covers the replacement, and prints it', () => {
    const r = cli('--assembly', allowing, FIXTURE_ARG('replace-cluster.json'), FIXTURE_ARG('modify-in-place.json'));
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('OK: no destructive change refused (1 allowed) in 2 change sets created from <tmp>/allowing.');
    expect(r.stdout).toContain(
      [
        '  allowed  dev-us-east-1  dev-us-east-1-shards-0  shard0000ClusterEA6C2E04  dev-us-east-1/Shards0/shard-0000/Cluster  AWS::RDS::DBCluster  replace',
        '           cause: Properties.DBClusterIdentifier requires recreation Always (Static, DirectModification); PolicyAction ReplaceAndSnapshot',
        `           allowed by ${CLUSTER_ALLOWANCE.path}: ${CLUSTER_ALLOWANCE.reason}`,
      ].join('\n'),
    );
    expect(r.stdout).toContain(
      [
        'Allowances (<tmp>/allowing/allowed-destructive-changes.json; unused ones are not errors here):',
        `  ${CLUSTER_ALLOWANCE.path}: used (1) - ${CLUSTER_ALLOWANCE.reason}`,
        `  ${OTHER_STAGE_ALLOWANCE.path}: out of scope - ${OTHER_STAGE_ALLOWANCE.reason}`,
      ].join('\n'),
    );
  });

  it('prints exactly one JSON object with --json', () => {
    const r = cli('--json', '--assembly', allowing, FIXTURE_ARG('paged-1.json'), FIXTURE_ARG('replace-cluster.json'), FIXTURE_ARG('paged-2.json'));
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({
      ok: false,
      change_sets: [
        {
          stage: STAGE,
          stack: 'dev-us-east-1-shards-0',
          path: 'dev-us-east-1/Shards0',
          change_set: 'gigascale-review',
          change_set_id: 'arn:aws:cloudformation:us-east-1:111111111111:changeSet/gigascale-review/0b6f1d1e-0000-4c1a-9e11-000000000006',
          status: 'CREATE_COMPLETE',
          execution_status: 'AVAILABLE',
          files: [FIXTURE_ARG('paged-1.json'), FIXTURE_ARG('paged-2.json')],
          changes: { add: 1, modify: 2, remove: 0, import: 0, dynamic: 0, sync_with_actual: 0, replacements: 1 },
          refused: 1,
          allowed: 0,
        },
        {
          stage: STAGE,
          stack: 'dev-us-east-1-shards-0',
          path: 'dev-us-east-1/Shards0',
          change_set: 'gigascale-review',
          change_set_id: 'arn:aws:cloudformation:us-east-1:111111111111:changeSet/gigascale-review/0b6f1d1e-0000-4c1a-9e11-000000000001',
          status: 'CREATE_COMPLETE',
          execution_status: 'AVAILABLE',
          files: [FIXTURE_ARG('replace-cluster.json')],
          changes: { add: 0, modify: 1, remove: 0, import: 0, dynamic: 0, sync_with_actual: 0, replacements: 1 },
          refused: 0,
          allowed: 1,
        },
      ],
      destructive: [
        {
          stage: STAGE,
          stack: 'dev-us-east-1-shards-0',
          logical_id: 'shard0000MasterSecretF05B1D7C',
          path: 'dev-us-east-1/Shards0/shard-0000/MasterSecret',
          type: 'AWS::SecretsManager::Secret',
          change: 'replace',
          cause: 'Properties.Name requires recreation Always (Static, DirectModification)',
          allowed_by: null,
        },
        {
          stage: STAGE,
          stack: 'dev-us-east-1-shards-0',
          logical_id: 'shard0000ClusterEA6C2E04',
          path: 'dev-us-east-1/Shards0/shard-0000/Cluster',
          type: 'AWS::RDS::DBCluster',
          change: 'replace',
          cause: 'Properties.DBClusterIdentifier requires recreation Always (Static, DirectModification); PolicyAction ReplaceAndSnapshot',
          allowed_by: CLUSTER_ALLOWANCE,
        },
      ],
      allowances: [
        { ...CLUSTER_ALLOWANCE, matches: 1, status: 'used' },
        { ...OTHER_STAGE_ALLOWANCE, matches: 0, status: 'out of scope' },
      ],
    });
    expect(r.stdout.endsWith('}\n')).toBe(true);
  });

  const SYNOPSIS = 'usage: npm run -s review:changeset -- [--assembly DIR] [--json] <describe-change-set JSON files...>';
  it.each([
    [
      'an unknown flag and no files',
      ['--yaml'],
      'gigascale: Bad arguments (2 problems):\n  - --yaml: unknown flag\n  - files: none given: pass the JSON files aws cloudformation describe-change-set ' +
        '--output json printed (review/change-sets.sh writes them)\n\n' +
        SYNOPSIS,
    ],
    ['a missing file', ['--assembly', refusing, 'cs-missing.json'], `gigascale: Invalid change sets (1 problem):\n  - cs-missing.json: cannot be read: no such file\n${SYNOPSIS}`],
    [
      'a directory that is not an assembly',
      ['--assembly', tmp, FIXTURE_ARG('replace-cluster.json')],
      `gigascale: Unreadable synth output (1 problem):\n  - <tmp>: has no manifest.json: it is not a cloud assembly; synthesize it (npx cdk synth) or pass --assembly\n${SYNOPSIS}`,
    ],
    [
      'an incomplete change set',
      ['--assembly', refusing, FIXTURE_ARG('paged-1.json')],
      'gigascale: Invalid change sets (1 problem):\n  - test/fixtures/changesets/paged-1.json: change set gigascale-review of stack dev-us-east-1-shards-0 is incomplete: ' +
        'every page given has a NextToken, so its last page is missing. Fetch every page: run review/change-sets.sh, or aws cloudformation describe-change-set ' +
        '--region us-east-1 --stack-name dev-us-east-1-shards-0 --change-set-name gigascale-review --output json (the AWS CLI follows NextToken itself unless ' +
        `--no-paginate is given), or pass each NextToken to --next-token until a page has none; then pass every page\n${SYNOPSIS}`,
    ],
  ])('exits 2 for %s, with the message and the usage', (_what, args, stderr) => {
    const r = cli(...args);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.startsWith(`${stderr}\n`)).toBe(true);
  });
});

/**
 * review/change-sets.sh with stubs for CDK and AWS that record their arguments, one JSON array per call. The CDK
 * stub lists stacks with the real CLI (offline: `cdk ls` reads the assembly) and pretends to deploy and synthesize;
 * the AWS stub prints the two pages of paged-*.json, the second when asked with --next-token.
 */
describe('review/change-sets.sh', () => {
  const stubs = join(tmp, 'stubs');
  mkdirSync(stubs, { recursive: true });
  const record = `node -e 'require("fs").appendFileSync(process.env.STUB_CALLS, JSON.stringify([process.env.STUB_NAME, ...process.argv.slice(1)]) + "\\n")' -- "$@"`;
  const stub = (name: string, body: string) => {
    const file = join(stubs, name);
    writeFileSync(file, `#!/usr/bin/env bash\nset -euo pipefail\nSTUB_NAME=${name} ${record}\n${body}\n`);
    chmodSync(file, 0o755);
    return file;
  };
  const cdk = stub(
    'cdk',
    [
      'case "$1" in',
      '  ls) exec "$REAL_CDK" "$@" ;;',
      '  deploy) echo "stub cdk: change sets prepared" >&2 ;;',
      '  synth) for out; do :; done; cp -r "$STUB_ASSEMBLY" "$out" ;;',
      '  *) echo "stub cdk: unexpected $1" >&2; exit 9 ;;',
      'esac',
    ].join('\n'),
  );
  const aws = stub('aws', `if [[ " $* " == *" --next-token "* ]]; then cat "$STUB_FIXTURES/paged-2.json"; else cat "$STUB_FIXTURES/paged-1.json"; fi`);
  const SECRET_ALLOWANCE: DestructiveAllowance = { path: 'dev-us-east-1/Shards0/shard-0000/MasterSecret', reason: 'the master secret takes the new naming; the proxy and the rotation follow the new ARN' };

  function script(args: readonly string[], env: Record<string, string>) {
    const calls = join(tmp, `calls-${Math.random().toString(36).slice(2)}.jsonl`);
    writeFileSync(calls, '');
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(AWS_|CDK_)/.test(k)));
    const r = spawnSync(join(ROOT, 'review', 'change-sets.sh'), args, {
      cwd: tmp,
      encoding: 'utf8',
      timeout: 120_000,
      env: {
        ...base,
        CDK: cdk,
        AWS: aws,
        STUB_CALLS: calls,
        STUB_FIXTURES: FIXTURES,
        REAL_CDK: join(ROOT, 'node_modules', '.bin', 'cdk'),
        CDK_DISABLE_CLI_TELEMETRY: 'true',
        CDK_DISABLE_VERSION_CHECK: 'true',
        ...env,
      },
    });
    const recorded = readFileSync(calls, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as string[]);
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, calls: recorded };
  }

  const describeCall = (changeSet: string, ...more: string[]) => [
    'aws',
    'cloudformation',
    'describe-change-set',
    '--region',
    'us-east-1',
    '--stack-name',
    'dev-us-east-1-shards-0',
    '--change-set-name',
    changeSet,
    '--output',
    'json',
    '--no-paginate',
    ...more,
  ];

  it('prepares the change sets, fetches every page and exits with review:changeset\'s 1 for the replaced secret', () => {
    const assembly = writeAssembly('script-refusing', []);
    const out = join(tmp, 'pages-refusing');
    const r = script(['dev-us-east-1/Shards0'], { ASSEMBLY: assembly, CHANGE_SETS_DIR: out });
    expect(r.calls).toEqual([
      ['cdk', 'ls', '--app', assembly, '--long', '--json', 'dev-us-east-1/Shards0'],
      ['cdk', 'deploy', '--app', assembly, '--method=prepare-change-set', '--change-set-name', 'gigascale-review', '--require-approval', 'never', 'dev-us-east-1/Shards0'],
      describeCall('gigascale-review'),
      describeCall('gigascale-review', '--next-token', 'AAAAAQAAAAEAAAAOZ2lnYXNjYWxlLXBhZ2UtMg=='),
    ]);
    expect(r.status).toBe(1);
    expect(r.stdout.split('\n').slice(0, 4)).toEqual([
      'REFUSED: 1 destructive change no allowance covers (0 allowed); do not execute these change sets. If one is intended, allow its construct path in ' +
        'regions.config.ts (review.allowDestructive, with the reason), synthesize and prepare the change sets again.',
      '',
      'Change sets (1):',
      '  dev-us-east-1-shards-0 (dev-us-east-1/Shards0): change set gigascale-review, CREATE_COMPLETE / AVAILABLE, 2 pages: 1 add, 2 modify (1 replacement); 1 refused, 0 allowed',
    ]);
    expect(r.stdout).toContain('  REFUSED  dev-us-east-1  dev-us-east-1-shards-0  shard0000MasterSecretF05B1D7C  dev-us-east-1/Shards0/shard-0000/MasterSecret');
    expect(readFileSync(join(out, 'dev-us-east-1-shards-0.page-1.json'), 'utf8')).toBe(fixtureText('paged-1.json'));
    expect(readFileSync(join(out, 'dev-us-east-1-shards-0.page-2.json'), 'utf8')).toBe(fixtureText('paged-2.json'));
    expect(r.stderr).toContain(`change-sets: 2 page(s) in ${out}; checking them`);
    // The real `cdk ls` ran without the CDK variable, which it would read as an option.
    expect(r.stderr).not.toContain('Unknown option');
  });

  it('synthesizes a missing assembly first, names the change set, and exits 0 when an allowance covers the replacement', () => {
    const assembly = join(tmp, 'script-synthesized');
    const r = script(['dev-us-east-1/Shards0', 'release-42'], {
      ASSEMBLY: assembly,
      STUB_ASSEMBLY: writeAssembly('script-allowing', [SECRET_ALLOWANCE]),
      CHANGE_SETS_DIR: join(tmp, 'pages-allowing'),
    });
    expect(r.calls.map((c) => c.slice(0, 2))).toEqual([
      ['cdk', 'synth'],
      ['cdk', 'ls'],
      ['cdk', 'deploy'],
      ['aws', 'cloudformation'],
      ['aws', 'cloudformation'],
    ]);
    expect(r.calls[0]).toEqual(['cdk', 'synth', '--quiet', '--output', assembly]);
    expect(r.calls[2]).toContain('release-42');
    expect(r.calls[3]).toEqual(describeCall('release-42'));
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe(`OK: no destructive change refused (1 allowed) in 1 change set created from ${assembly}.`);
    expect(r.stdout).toContain(`allowed by ${SECRET_ALLOWANCE.path}: ${SECRET_ALLOWANCE.reason}`);
  });

  it('exits 2 when the pattern selects no stack, before preparing any change set', () => {
    const assembly = writeAssembly('script-nomatch', []);
    const r = script(['prod-us-east-1/*'], { ASSEMBLY: assembly, CHANGE_SETS_DIR: join(tmp, 'pages-nomatch') });
    expect(r.status).toBe(2);
    expect(r.calls).toEqual([['cdk', 'ls', '--app', assembly, '--long', '--json', 'prod-us-east-1/*']]);
    expect(r.stderr).toContain(
      `change-sets: pattern prod-us-east-1/\\* selects no stack of ${assembly}; check it with: npx cdk ls --app ${assembly} (synthesize the environment first, e.g. npx cdk synth -c env=prod)\n`,
    );
    expect(existsSync(join(tmp, 'pages-nomatch'))).toBe(false);
  });

  it.each([
    [['dev-us-east-1/*', '1st-try'], "change-sets: change set name 1st-try must start with a letter and hold only letters, digits and hyphens (at most 128)\n"],
    [[], "usage: review/change-sets.sh <stack pattern, e.g. 'prod-us-east-1/*'> [change-set-name]\n"],
  ])('exits 2 for %j without running anything', (args, stderr) => {
    const r = script(args, { ASSEMBLY: join(tmp, 'never') });
    expect(r.status).toBe(2);
    expect(r.calls).toEqual([]);
    expect(r.stderr.startsWith(stderr)).toBe(true);
  });
});
