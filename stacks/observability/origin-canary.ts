import { Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { SecureBucket } from '../secure-bucket';
import { secretArnByName } from '../secret-arn';
import * as synthetics from 'aws-cdk-lib/aws-synthetics';
import { Construct } from 'constructs';
import { GigascaleError } from '../../lib/util/errors';
import { originCanaryScript } from '../../lib/views/origin-canary-script';
import { AccessLogBucket, logLifecycleRules } from '../media/access-log-bucket';

/**
 * The Synthetics runtime: the newest Node.js one aws-cdk-lib 2.276 knows (Node.js 22, Puppeteer 24.25), which runs
 * API canaries (executeHttpStep) and inline code.
 */
export const CANARY_RUNTIME = synthetics.Runtime.SYNTHETICS_NODEJS_PUPPETEER_13_0;
/** How often the canary runs. */
export const CANARY_INTERVAL = Duration.minutes(5);
/** Longest one run may take: one request, a secret read, and the runtime's start. */
export const CANARY_TIMEOUT = Duration.minutes(1);
/** Days Synthetics keeps run records, and S3 the artifacts of a run (Synthetics' default). */
export const CANARY_RETENTION_DAYS = 31;
/** Days a replaced or deleted artifact version stays before S3 removes it. */
export const CANARY_NONCURRENT_DAYS = 7;
/** Synthetics' maximum canary name length (`[0-9a-z_-]{1,21}`). */
const CANARY_NAME = /^[0-9a-z_-]{1,21}$/;

export interface OriginCanaryProps {
  /** Canary name (lib/facts/names/observability.ts canaryName), at most 21 characters. */
  readonly canaryName: string;
  /** `https://origin-<region>.<domain>/gateway/health` (lib/facts/names/ingress.ts originHostname, GATEWAY_HEALTH_PATH). */
  readonly url: string;
  /** What the health path answers (lib/facts/workloads GATEWAY_HEALTH_BODY). */
  readonly expectedBody: string;
  /** Header the ALB's web ACL requires the edge's origin token in (lib/facts/origin-protection ORIGIN_TOKEN_HEADER). */
  readonly tokenHeader: string;
  /** Secrets Manager name of the origin token (lib/facts/names/edge.ts edgeOriginTokenSecretName), present in every region. */
  readonly tokenSecretName: string;
  /**
   * The region's VPC: the canary runs in its private subnets, so its requests leave through the NAT gateways, whose
   * addresses the ALB's security group admits on 443 (the ALB admits no other non-edge source).
   */
  readonly vpc: ec2.IVpc;
  /** Customer-managed key of the artifacts bucket's default encryption. */
  readonly key: kms.IKey;
  /** Name of the artifacts bucket (lib/facts/names/observability.ts canaryArtifactsBucketName). */
  readonly artifactsBucketName: string;
  /** Name of the bucket receiving the artifacts bucket's S3 server access logs (lib/facts/names/observability.ts canaryArtifactsLogBucketName). */
  readonly artifactsLogBucketName: string;
  /** Days the access logs of the artifacts bucket are kept. */
  readonly accessLogExpirationDays: number;
}

/**
 * A region's origin canary: every 5 minutes, from the region's private subnets, an HTTPS GET of the gateway's health
 * path at `origin-<region>.<domain>` with the edge's origin token (read from Secrets Manager at run time), so it passes
 * the ALB's security group (NAT gateway addresses on 443), its web ACL (the token) and its listener the way the edge
 * does. A success says the region's public entry (DNS, certificate, ALB, WAF, gateway) answers; the edge itself is not
 * on the path.
 *
 * Its role holds exactly what a Synthetics canary in a VPC needs (AWS::Synthetics::Canary ExecutionRoleArn: the
 * artifacts bucket, CloudWatchSynthetics metrics, its own log groups, network interfaces) plus reading the token, as a
 * customer-managed policy. Artifacts go to a private, TLS-only, versioned bucket encrypted with the observability key,
 * expiring after CANARY_RETENTION_DAYS, whose own access logs go to a second bucket.
 */
export class OriginCanary extends Construct {
  readonly canary: synthetics.Canary;
  readonly role: iam.Role;
  readonly policy: iam.ManagedPolicy;
  /** Egress 443 only: the ALB's public addresses, Secrets Manager's and S3's endpoints, CloudWatch through the NAT. */
  readonly securityGroup: ec2.SecurityGroup;
  readonly artifactsBucket: s3.Bucket;
  readonly artifactsLogBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: OriginCanaryProps) {
    super(scope, id);
    if (!CANARY_NAME.test(props.canaryName)) {
      throw new GigascaleError('Invalid OriginCanary props', [
        { at: `${this.node.path} canaryName`, message: `must be 1..21 of [0-9a-z_-] (Synthetics), got ${JSON.stringify(props.canaryName)}` },
      ]);
    }
    const stack = Stack.of(this);
    // Literal ARNs (the names are the plan's), so the policy a reviewer reads is the policy that applies.
    const arn = (service: string, resource: string) => `arn:${stack.partition}:${service}:${stack.region}:${stack.account}:${resource}`;
    const bucketArn = `arn:${stack.partition}:s3:::${props.artifactsBucketName}`;

    this.artifactsLogBucket = new AccessLogBucket(this, 'ArtifactsLogs', {
      bucketName: props.artifactsLogBucketName,
      logExpirationDays: props.accessLogExpirationDays,
      noncurrentVersionExpirationDays: CANARY_NONCURRENT_DAYS,
    }).bucket;
    this.artifactsBucket = new SecureBucket(this, 'Artifacts', {
      bucketName: props.artifactsBucketName,
      encryptionKey: props.key,
      serverAccessLogsBucket: this.artifactsLogBucket,
      lifecycleRules: logLifecycleRules(CANARY_RETENTION_DAYS, CANARY_NONCURRENT_DAYS),
    });

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Origin canary: HTTPS out only (the origin ALB, Secrets Manager, S3, CloudWatch); nothing in',
      allowAllOutbound: false,
      allowAllIpv6Outbound: false,
    });
    this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS: the origin ALB (public), AWS APIs');

    this.role = new iam.Role(this, 'Role', {
      description: `Origin canary ${props.canaryName}: write its artifacts, metrics and logs, read the edge origin token`,
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    // A customer-managed policy, not an inline one (NIST 800-53 AC-6), and not the L2's generated role.
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      description: `Origin canary ${props.canaryName}`,
      roles: [this.role],
      statements: [
        new iam.PolicyStatement({ sid: 'ListBuckets', actions: ['s3:ListAllMyBuckets'], resources: ['*'] }),
        new iam.PolicyStatement({ sid: 'ArtifactsBucket', actions: ['s3:GetBucketLocation'], resources: [bucketArn] }),
        new iam.PolicyStatement({ sid: 'Artifacts', actions: ['s3:PutObject'], resources: [`${bucketArn}/*`] }),
        new iam.PolicyStatement({
          sid: 'ArtifactsKey',
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: [props.key.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` } },
        }),
        new iam.PolicyStatement({
          sid: 'Metrics',
          actions: ['cloudwatch:PutMetricData'],
          resources: ['*'],
          conditions: { StringEquals: { 'cloudwatch:namespace': 'CloudWatchSynthetics' } },
        }),
        new iam.PolicyStatement({
          sid: 'Logs',
          actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [arn('logs', `log-group:/aws/lambda/cwsyn-${props.canaryName}-*`)],
        }),
        new iam.PolicyStatement({
          sid: 'NetworkInterfaces',
          actions: ['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
          resources: ['*'],
        }),
        // The token's secret is encrypted with the AWS-managed aws/secretsmanager key (replicas need a key in every
        // region: stacks/ingress), whose key policy lets Secrets Manager decrypt for whoever may read the secret.
        new iam.PolicyStatement({
          sid: 'OriginToken',
          actions: ['secretsmanager:GetSecretValue'],
          resources: [secretArnByName(this, props.tokenSecretName)],
        }),
      ],
    });

    this.canary = new synthetics.Canary(this, 'Canary', {
      canaryName: props.canaryName,
      runtime: CANARY_RUNTIME,
      test: synthetics.Test.custom({
        code: synthetics.Code.fromInline(
          originCanaryScript({ url: props.url, tokenHeader: props.tokenHeader, tokenSecretName: props.tokenSecretName, expectedBody: props.expectedBody }),
        ),
        handler: 'index.handler',
      }),
      schedule: synthetics.Schedule.rate(CANARY_INTERVAL),
      timeout: CANARY_TIMEOUT,
      startAfterCreation: true,
      maxRetries: 0,
      activeTracing: false,
      successRetentionPeriod: Duration.days(CANARY_RETENTION_DAYS),
      failureRetentionPeriod: Duration.days(CANARY_RETENTION_DAYS),
      artifactsBucketLocation: { bucket: this.artifactsBucket },
      role: this.role,
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [this.securityGroup],
      // Its function and layers go with it when the canary is deleted.
      provisionedResourceCleanup: true,
    });
    // The canary's first run must find its permissions.
    this.canary.node.addDependency(this.policy);
  }
}
