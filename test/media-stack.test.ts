import { beforeAll, describe, expect, it } from 'vitest';
import { Stack, Stage, type App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Plan } from '../lib/plan';
import { GigascaleError } from '../lib/util/errors';
import { mediaKeyAlias } from '../lib/facts/names/media';
import { stageName } from '../lib/facts/names/stage';
import { applyComplianceGate } from '../stacks/compliance';
import { MediaReplication } from '../stacks/media/media-replication';
import { NAG_ACKNOWLEDGMENTS } from '../stacks/compliance';
import { MediaStack } from '../stacks/media/media-stack';
import { newApp, planOf, stage, stagesOf } from './support/synth';
import { defaultSynth } from './support/default-synth';
import { suppressedFindings } from './support/validation-report';

const ACCOUNT = '222222222222';
const bucket = (region: string): string => `gigascale-prod-media-${ACCOUNT}-${region}`;
const logBucket = (region: string): string => `gigascale-prod-media-logs-${ACCOUNT}-${region}`;
const bucketArn = (region: string): string => `arn:aws:s3:::${bucket(region)}`;
const aliasArn = (region: string): string => `arn:aws:kms:${region}:${ACCOUNT}:alias/gigascale/prod/media`;
const OTHER_REGIONS = ['us-west-2', 'eu-west-1', 'ap-southeast-1'];

interface Statement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: string | string[] | object;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

const list = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);

/** The statements of the one managed policy of the template. */
function policyStatements(t: Template): Statement[] {
  const policies = Object.values(t.findResources('AWS::IAM::ManagedPolicy'));
  expect(policies).toHaveLength(1);
  return (policies[0] as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement;
}

function statement(t: Template, sid: string): Statement {
  const s = policyStatements(t).find((x) => x.Sid === sid);
  if (!s) throw new Error(`no statement ${sid}`);
  return s;
}

/** Media stacks only, each in a stage named as the real one and behind the same compliance gate. */
function mediaOnlyApp(plan: Plan): App {
  const app = newApp();
  for (const environment of plan.environments) {
    for (const region of environment.regions) {
      const s = new Stage(app, stageName(environment.name, region.name), { env: { account: environment.account, region: region.name } });
      new MediaStack(s, 'Media', { environment, region });
      applyComplianceGate(s);
    }
  }
  return app;
}

/** Every acknowledged finding of a synth output, from its validation report, as `<rule> <construct path>` -> reason. */
function acknowledged(outdir: string): Map<string, string> {
  return new Map(suppressedFindings(outdir).map((f) => [`${f.rule} ${f.path}`, f.reason]));
}

/** The output of media-only stages behind the gate (mediaOnlyApp), synthesized. */
function synthesizedMediaOnly(plan: Plan): string {
  const app = mediaOnlyApp(plan);
  expect(() => app.synth()).not.toThrow();
  return app.outdir;
}

describe('prod media stack in us-east-1 (four regions, replicating)', () => {
  let t: Template;

  beforeAll(() => {
    const { stages } = stagesOf(planOf({ env: 'prod' }));
    t = Template.fromStack(stage(stages, 'prod-us-east-1').media);
  });

  it('names the media bucket and the log bucket from lib/facts/names/media', () => {
    t.resourceCountIs('AWS::S3::Bucket', 2);
    t.hasResourceProperties('AWS::S3::Bucket', { BucketName: bucket('us-east-1') });
    t.hasResourceProperties('AWS::S3::Bucket', { BucketName: logBucket('us-east-1') });
  });

  it('retains both buckets and the key when the stack is deleted or they are replaced', () => {
    for (const name of [bucket('us-east-1'), logBucket('us-east-1')]) {
      t.hasResource('AWS::S3::Bucket', { Properties: Match.objectLike({ BucketName: name }), DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    }
    t.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it('never auto-deletes objects: no custom resource, no Lambda function', () => {
    t.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
    t.resourceCountIs('AWS::Lambda::Function', 0);
  });

  it('blocks all four kinds of public access on both buckets', () => {
    for (const name of [bucket('us-east-1'), logBucket('us-east-1')]) {
      t.hasResourceProperties('AWS::S3::Bucket', {
        BucketName: name,
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      });
    }
  });

  it('denies every request to the media bucket without TLS or below TLS 1.2', () => {
    const bucketResources = [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^MediaBucket'), 'Arn'] }, Match.objectLike({ 'Fn::Join': Match.anyValue() })];
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: Match.stringLikeRegexp('^MediaBucket') },
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } }, Resource: bucketResources },
          { Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:*', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } }, Resource: bucketResources },
        ]),
      },
    });
  });

  it('denies requests to the log bucket without TLS and lets only S3 logging of the media bucket write to it', () => {
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: Match.stringLikeRegexp('^AccessLogsBucket') },
      PolicyDocument: {
        Statement: [
          Match.objectLike({ Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'logging.s3.amazonaws.com' },
            Action: 's3:PutObject',
            Condition: { ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [Match.stringLikeRegexp('^MediaBucket'), 'Arn'] } }, StringEquals: { 'aws:SourceAccount': ACCOUNT } },
          }),
        ],
      },
    });
  });

  it('encrypts the media bucket with the stack key (SSE-KMS) and an S3 Bucket Key', () => {
    t.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: bucket('us-east-1'),
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MediaKey'), 'Arn'] } } },
        ],
      },
    });
  });

  it('gives the key rotation, a 30-day deletion window and the alias alias/gigascale/prod/media', () => {
    t.resourceCountIs('AWS::KMS::Key', 1);
    t.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true, PendingWindowInDays: 30 });
    t.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/gigascale/prod/media', TargetKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MediaKey'), 'Arn'] } });
    expect(mediaKeyAlias('prod')).toBe('alias/gigascale/prod/media');
  });

  it('keeps the key policy that lets IAM grant the key, which the other regions\' replication roles rely on', () => {
    t.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }] },
    });
  });

  it('encrypts the log bucket with SSE-S3, which server access logging requires', () => {
    t.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: logBucket('us-east-1'),
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
    });
  });

  it('versions both buckets and disables ACLs (bucket owner enforced)', () => {
    for (const name of [bucket('us-east-1'), logBucket('us-east-1')]) {
      t.hasResourceProperties('AWS::S3::Bucket', {
        BucketName: name,
        VersioningConfiguration: { Status: 'Enabled' },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      });
    }
  });

  it('moves media to Standard-IA after 30 days, expires old versions after 90 and aborts uploads after 7', () => {
    t.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: bucket('us-east-1'),
      LifecycleConfiguration: {
        Rules: [
          {
            Id: 'tier-and-expire-versions',
            Status: 'Enabled',
            Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 30 }],
            NoncurrentVersionExpiration: { NoncurrentDays: 90 },
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
          },
          { Id: 'remove-expired-delete-markers', Status: 'Enabled', ExpiredObjectDeleteMarker: true },
        ],
      },
    });
  });

  it('expires access logs after 365 days and their old versions after 90', () => {
    t.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: logBucket('us-east-1'),
      LifecycleConfiguration: {
        Rules: [
          {
            Id: 'expire-logs',
            Status: 'Enabled',
            ExpirationInDays: 365,
            NoncurrentVersionExpiration: { NoncurrentDays: 90 },
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
          },
          { Id: 'remove-expired-delete-markers', Status: 'Enabled', ExpiredObjectDeleteMarker: true },
        ],
      },
      ObjectLockEnabled: false,
    });
  });

  it('takes its lifecycle days from the plan', () => {
    const plan = planOf({ env: 'prod' });
    const environment = plan.environments[0];
    const custom = { ...environment, media: { ...environment.media, infrequentAccessAfterDays: 45, noncurrentVersionExpirationDays: 30, accessLogExpirationDays: 400 } };
    const s = new MediaStack(new Stage(newApp(), 'prod-us-east-1'), 'Media', { environment: custom, region: environment.regions[0] });
    const c = Template.fromStack(s);
    c.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: bucket('us-east-1'),
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 45 }], NoncurrentVersionExpiration: { NoncurrentDays: 30 } })]) },
    });
    c.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: logBucket('us-east-1'),
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 400, NoncurrentVersionExpiration: { NoncurrentDays: 30 } })]) },
    });
  });

  it('logs server access to the log bucket with date-partitioned keys', () => {
    t.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: bucket('us-east-1'),
      LoggingConfiguration: {
        DestinationBucketName: { Ref: Match.stringLikeRegexp('^AccessLogsBucket') },
        TargetObjectKeyFormat: { PartitionedPrefix: { PartitionDateSource: 'EventTime' } },
      },
    });
    t.hasResourceProperties('AWS::S3::Bucket', { BucketName: logBucket('us-east-1'), LoggingConfiguration: Match.absent() });
  });

  it('replicates every object to exactly the other three regions\' buckets, each replica under that region\'s media alias', () => {
    const buckets = t.findResources('AWS::S3::Bucket', { Properties: { BucketName: bucket('us-east-1') } });
    const config = (Object.values(buckets)[0] as { Properties: { ReplicationConfiguration: { Role: unknown; Rules: unknown[] } } }).Properties.ReplicationConfiguration;
    expect(config.Role).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^ReplicationRole/), 'Arn'] });
    expect(config.Rules).toEqual(
      OTHER_REGIONS.map((region, i) => ({
        Id: `to-${region}`,
        Priority: i + 2,
        Status: 'Enabled',
        Filter: { Prefix: '' },
        DeleteMarkerReplication: { Status: 'Enabled' },
        SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' }, ReplicaModifications: { Status: 'Disabled' } },
        // Replication metrics on, for the media stack's alarms; no event threshold without Replication Time Control.
        Destination: { Bucket: bucketArn(region), StorageClass: 'STANDARD', EncryptionConfiguration: { ReplicaKmsKeyID: aliasArn(region) }, Metrics: { Status: 'Enabled' } },
      })),
    );
  });

  it('replicates from every region to every other region', () => {
    const { stages } = stagesOf(planOf({ env: 'prod' }));
    for (const s of stages) {
      const rules = (Object.values(Template.fromStack(s.media).findResources('AWS::S3::Bucket', { Properties: { BucketName: bucket(s.region!) } }))[0] as {
        Properties: { ReplicationConfiguration: { Rules: { Destination: { Bucket: string } }[] } };
      }).Properties.ReplicationConfiguration.Rules;
      const others = ['us-east-1', ...OTHER_REGIONS].filter((r) => r !== s.region);
      expect(rules.map((r) => r.Destination.Bucket)).toEqual(others.map(bucketArn));
    }
  });

  it('gives the replication role, assumed by S3 only, one managed policy and no inline policy', () => {
    t.resourceCountIs('AWS::IAM::Role', 1);
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
      Policies: Match.absent(),
      ManagedPolicyArns: Match.absent(),
    });
    t.resourceCountIs('AWS::IAM::Policy', 0);
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', { Roles: [{ Ref: Match.stringLikeRegexp('^ReplicationRole') }] });
  });

  it('grants no wildcard action: no s3:* and no kms:*', () => {
    const actions = policyStatements(t).flatMap((s) => list(s.Action));
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
    for (const s of policyStatements(t)) expect(s.Effect).toBe('Allow');
  });

  it('reads for replication from this region\'s bucket and its objects only', () => {
    expect(statement(t, 'ReadReplicationConfiguration')).toMatchObject({ Action: ['s3:GetReplicationConfiguration', 's3:ListBucket'], Resource: bucketArn('us-east-1') });
    expect(statement(t, 'ReadSourceVersions')).toMatchObject({
      Action: ['s3:GetObjectVersionAcl', 's3:GetObjectVersionForReplication', 's3:GetObjectVersionTagging'],
      Resource: `${bucketArn('us-east-1')}/*`,
    });
  });

  it('writes replicas into exactly the objects of the other three regions\' buckets', () => {
    const write = statement(t, 'WriteReplicas');
    expect(write.Action).toEqual(['s3:ReplicateDelete', 's3:ReplicateObject', 's3:ReplicateTags']);
    expect([...list(write.Resource as string[])].sort()).toEqual(OTHER_REGIONS.map((r) => `${bucketArn(r)}/*`).sort());
    const replicate = policyStatements(t).filter((s) => list(s.Action).some((a) => a.startsWith('s3:Replicate')));
    expect(replicate).toHaveLength(1);
  });

  it('decrypts with the stack key only, only through S3 of us-east-1, only for this bucket', () => {
    expect(statement(t, 'DecryptSourceObjects')).toEqual({
      Sid: 'DecryptSourceObjects',
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^MediaKey/), 'Arn'] },
      Condition: {
        StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' },
        StringLike: { 'kms:EncryptionContext:aws:s3:arn': [bucketArn('us-east-1'), `${bucketArn('us-east-1')}/*`] },
      },
    });
  });

  it('encrypts replicas only with keys under the media alias, through S3 of the destination region, for its bucket', () => {
    const kmsStatements = policyStatements(t).filter((s) => list(s.Action).includes('kms:Encrypt'));
    expect(kmsStatements).toEqual(
      OTHER_REGIONS.map((region) => ({
        Sid: `EncryptReplicas${region.replace(/-/g, '')}`,
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:Encrypt'],
        Resource: `arn:aws:kms:${region}:${ACCOUNT}:key/*`,
        Condition: {
          'StringEquals': { 'kms:ViaService': `s3.${region}.amazonaws.com` },
          'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/gigascale/prod/media' },
          'StringLike': { 'kms:EncryptionContext:aws:s3:arn': [bucketArn(region), `${bucketArn(region)}/*`] },
        },
      })),
    );
  });

  it('publishes the bucket name and the key ARN as outputs with stable ids', () => {
    // No Export: other stacks read these with weak references (Fn::GetStackOutput), never Fn::ImportValue.
    expect(t.findOutputs('*')).toEqual({
      MediaBucketName: { Description: 'Media bucket of prod in us-east-1', Value: { Ref: expect.stringMatching(/^MediaBucket/) } },
      MediaKeyArn: { Description: 'KMS key of the media of prod in us-east-1', Value: { 'Fn::GetAtt': [expect.stringMatching(/^MediaKey/), 'Arn'] } },
    });
  });
});

describe('media without replication', () => {
  it.each([
    ['dev, which has one region', { env: 'dev' }, 'dev-us-east-1'],
    ['prod with -c replication=off', { env: 'prod', replication: 'off' }, 'prod-eu-west-1'],
  ])('creates no replication configuration and no role for %s', (_, context, name) => {
    const { stages } = stagesOf(planOf(context));
    const t = Template.fromStack(stage(stages, name).media);
    t.hasResourceProperties('AWS::S3::Bucket', { BucketName: Match.stringLikeRegexp('-media-\\d+-'), ReplicationConfiguration: Match.absent() });
    t.resourceCountIs('AWS::IAM::Role', 0);
    t.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
    t.resourceCountIs('AWS::IAM::Policy', 0);
    expect(stage(stages, name).media.replication).toBeUndefined();
  });

  it('still encrypts, versions and logs a bucket that does not replicate', () => {
    const { stages } = stagesOf(planOf({ env: 'dev' }));
    Template.fromStack(stage(stages, 'dev-us-east-1').media).hasResourceProperties('AWS::S3::Bucket', {
      BucketName: 'gigascale-dev-media-111111111111-us-east-1',
      BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ BucketKeyEnabled: true, ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) })] },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: Match.objectLike({ DestinationBucketName: Match.anyValue() }),
    });
  });
});

describe('media replication props', () => {
  function replicate(destinations: { region: string; bucketName: string; priority: number }[]): MediaReplication {
    const stack = new Stack(newApp(), 'Test', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const sourceKey = new kms.Key(stack, 'Key');
    return new MediaReplication(stack, 'Replication', { sourceBucketName: bucket('us-east-1'), sourceKey, keyAlias: 'alias/gigascale/prod/media', destinations });
  }

  function messageOf(f: () => unknown): string {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(GigascaleError);
      return (e as Error).message;
    }
    throw new Error('expected a GigascaleError');
  }

  it('refuses an empty destination list', () => {
    expect(messageOf(() => replicate([]))).toBe(
      'Invalid media replication (1 problem):\n  - Test/Replication: destinations must name at least one bucket in another region, got none',
    );
  });

  it('refuses its own region, a repeated region and a repeated priority, naming every one at once', () => {
    expect(
      messageOf(() =>
        replicate([
          { region: 'us-east-1', bucketName: bucket('us-east-1'), priority: 1 },
          { region: 'eu-west-1', bucketName: bucket('eu-west-1'), priority: 2 },
          { region: 'eu-west-1', bucketName: bucket('eu-west-1'), priority: 2 },
          { region: 'us-west-2', bucketName: bucket('us-west-2'), priority: 1.5 },
        ]),
      ),
    ).toBe(
      [
        'Invalid media replication (4 problems):',
        '  - Test/Replication: destinations[0].region must differ from the source region us-east-1, got us-east-1',
        '  - Test/Replication: destinations[2].region must be unique, got eu-west-1 again',
        '  - Test/Replication: destinations[2].priority must be unique, got 2 again',
        '  - Test/Replication: destinations[3].priority must be a non-negative integer, got 1.5',
      ].join('\n'),
    );
  });
});

describe('media compliance', () => {
  // The default config's stages went through the gate in the run's one `npx cdk synth` (test/support/default-synth.ts).
  it('passes the compliance gate in every prod region, acknowledging exactly the replication policy\'s wildcards', async () => {
    const acks = acknowledged((await defaultSynth()).outdir);
    const iam5 = [...acks.keys()].filter((k) => k.startsWith('AwsSolutions-IAM5') && k.includes(' prod-us-east-1/Media/'));
    const policy = 'prod-us-east-1/Media/Replication/Policy/Resource';
    expect(iam5.sort()).toEqual(
      [
        `AwsSolutions-IAM5[Resource::${bucketArn('us-east-1')}/*] ${policy}`,
        ...OTHER_REGIONS.flatMap((r) => [`AwsSolutions-IAM5[Resource::${bucketArn(r)}/*] ${policy}`, `AwsSolutions-IAM5[Resource::arn:aws:kms:${r}:${ACCOUNT}:key/*] ${policy}`]),
      ].sort(),
    );
    const reason = NAG_ACKNOWLEDGMENTS.find((a) => a.wildcardResources !== undefined && a.pathPattern.test(policy))!.reason;
    for (const k of iam5) expect(acks.get(k)).toBe(reason);
    // cdk-nag's, then the second scanner's (Control Tower's controls, stacks/compliance/acknowledgments/shared.ts).
    expect([...acks.keys()].filter((k) => k.includes('prod-us-east-1/Media/') && !k.startsWith('AwsSolutions-IAM5')).sort()).toEqual([
      'CT.KMS.PR.3 prod-us-east-1/Media/MediaKey/Resource',
      'CT.S3.PR.10 prod-us-east-1/Media/AccessLogs/Bucket/Resource',
      'CT.S3.PR.2 prod-us-east-1/Media/AccessLogs/Bucket/Resource',
      'CT.S3.PR.4 prod-us-east-1/Media/AccessLogs/Bucket/Resource',
      'CT.S3.PR.4 prod-us-east-1/Media/MediaBucket/Resource',
      'CT.S3.PR.9 prod-us-east-1/Media/AccessLogs/Bucket/Resource',
      'CT.S3.PR.9 prod-us-east-1/Media/MediaBucket/Resource',
      'NIST.800.53.R5-S3BucketReplicationEnabled prod-us-east-1/Media/AccessLogs/Bucket/Resource',
      'NIST.800.53.R5-S3DefaultEncryptionKMS prod-us-east-1/Media/AccessLogs/Bucket/Resource',
    ]);
  });

  it('passes the compliance gate with six regions, five destinations each', () => {
    const app = mediaOnlyApp(planOf({ env: 'prod', regions: 'us-east-1,us-west-2,eu-west-1,ap-southeast-1,eu-central-1,ap-northeast-1' }));
    expect(() => app.synth()).not.toThrow();
  });

  it.each([
    ['dev (one region), in the default synth', async () => (await defaultSynth()).outdir, 'dev-us-east-1'],
    ['prod with -c replication=off', () => Promise.resolve(synthesizedMediaOnly(planOf({ env: 'prod', replication: 'off' }))), 'prod-'],
  ])('passes the compliance gate for %s, acknowledging the missing replication of the media bucket', async (_, outdir, stages) => {
    // cdk-nag's findings; the second scanner's (CT.*) are the same in every stage and checked above.
    const media = [...acknowledged(await outdir()).keys()].filter((k) => k.includes(` ${stages}`) && k.includes('/Media/MediaBucket/') && !k.startsWith('CT.'));
    expect(media.length).toBeGreaterThan(0);
    for (const k of media) expect(k).toMatch(/^NIST\.800\.53\.R5-S3BucketReplicationEnabled \S+\/Media\/MediaBucket\/Resource$/);
  });
});
