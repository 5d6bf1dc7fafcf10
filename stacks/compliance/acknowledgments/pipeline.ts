import type { NagAcknowledgment } from './acknowledgment';

/**
 * The policies CDK Pipelines (aws-cdk-lib/pipelines) writes for the roles of the pipeline, its CodeBuild projects
 * (synth, self-mutation, assets, the review and probe gates) and its source action, in the tooling stage.
 */
const PIPELINE_POLICIES = /^pipeline\/Pipeline\/Pipeline\/.+\/DefaultPolicy\/Resource$/;
/** The pipeline's artifact bucket, and the replication bucket of each region it deploys to (its support stacks). */
const ARTIFACT_BUCKETS = /^pipeline\/(Pipeline\/Pipeline\/Pipeline\/ArtifactsBucket|cross-region-stack-\d{12}:[a-z0-9-]+\/Default\/CrossRegionCodePipelineReplicationBucket)\/Resource$/;
const ARTIFACT_KEYS = /^pipeline\/(Pipeline\/Pipeline\/Pipeline\/ArtifactsBucketEncryptionKey|cross-region-stack-\d{12}:[a-z0-9-]+\/Default\/CrossRegionCodePipelineReplicationBucketEncryptionKey)\/Resource$/;
const BUCKET = 'AWS::S3::Bucket';
const ARTIFACTS_REASON =
  'CDK Pipelines creates and manages the artifact bucket and the replication bucket in each region the pipeline ' +
  'deploys to: they hold the transient inputs and outputs of the pipeline\'s actions (the source, the cloud assembly, ' +
  'the assets), each encrypted with the pipeline\'s KMS key (crossAccountKeys), with public access blocked. Every ' +
  'object is rewritten by the next run from the repository, which is the record; the build logs (encrypted, kept a ' +
  'year) record what each run did.';

/** Findings accepted on the deploy pipeline (stacks/pipeline), all on what CDK Pipelines generates. */
export const PIPELINE_ACKNOWLEDGMENTS: readonly NagAcknowledgment[] = [
  {
    rule: 'AwsSolutions::AwsSolutions-IAM5',
    wildcardResources: /^(<PipelineArtifactsBucket[0-9A-F]{8}\.Arn>\/\*|arn:aws:s3:::gigascale-pipeline-suppo[a-z0-9]+\/\*|arn:aws:codebuild:[a-z0-9-]+:\d{12}:report-group\/.+|arn:aws:logs:[a-z0-9-]+:\d{12}:log-group:\/aws\/codebuild\/.+|arn:\*:iam::\d{12}:role\/\*|\*)$/,
    wildcardActions: /^(kms:(GenerateDataKey|ReEncrypt)\*|s3:(Abort|DeleteObject|GetBucket|GetObject|List)\*)$/,
    reason:
      'The grants CDK Pipelines writes for its own roles: read and write of the objects of its artifact and ' +
      'replication buckets (keys per execution) and use of their KMS keys; CodeBuild report groups and default log ' +
      'groups named after each project; the asset publishing and self-mutation roles assuming the CDK bootstrap roles ' +
      'of the target accounts (arn:*:iam::<account>:role/*, conditioned on the aws-cdk:bootstrap-role tag) and ' +
      'describing what they publish. gigascale\'s own steps add only sts:AssumeRole on named bootstrap roles.',
    resourceType: 'AWS::IAM::Policy',
    pathPattern: PIPELINE_POLICIES,
  },
  {
    rule: 'NIST.800.53.R5::NIST.800.53.R5-IAMNoInlinePolicy',
    reason:
      'CDK Pipelines attaches its grants to the roles it creates as their inline default policies; each policy belongs ' +
      'to one role of one pipeline action and is replaced with it when the pipeline updates itself.',
    resourceType: 'AWS::IAM::Policy',
    pathPattern: PIPELINE_POLICIES,
  },
  ...['AwsSolutions::AwsSolutions-S1', 'NIST.800.53.R5::NIST.800.53.R5-S3BucketLoggingEnabled', 'NIST.800.53.R5::NIST.800.53.R5-S3BucketReplicationEnabled', 'NIST.800.53.R5::NIST.800.53.R5-S3BucketVersioningEnabled'].map(
    (rule): NagAcknowledgment => ({ rule, reason: ARTIFACTS_REASON, resourceType: BUCKET, pathPattern: ARTIFACT_BUCKETS }),
  ),
  ...['CfnGuard::CT.S3.PR.2', 'CfnGuard::CT.S3.PR.4', 'CfnGuard::CT.S3.PR.6', 'CfnGuard::CT.S3.PR.9', 'CfnGuard::CT.S3.PR.11'].map(
    (rule): NagAcknowledgment => ({ rule, reason: ARTIFACTS_REASON, resourceType: BUCKET, pathPattern: ARTIFACT_BUCKETS }),
  ),
  {
    rule: 'CfnGuard::CT.KMS.PR.3',
    reason:
      'The keys of the pipeline\'s artifact buckets, created by CDK Pipelines: their policies grant the target ' +
      'accounts\' CDK bootstrap roles use of the key to read artifacts (cross-account deploys), and no principal ' +
      'kms:CreateGrant beyond the account\'s IAM (the default statement), as the region stages\' keys.',
    resourceType: 'AWS::KMS::Key',
    pathPattern: ARTIFACT_KEYS,
  },
];
