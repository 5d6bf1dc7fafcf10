import type { NagAcknowledgment } from './acknowledgment';

/** The load balancer log bucket and its audit bucket (which receives the log bucket's server access logs). */
const LOG_BUCKETS = /^[a-z0-9-]+\/Ingress\/Logs\/(Audit\/)?Bucket\/Resource$/;
/** The edge origin token, held by the write region's ingress stack and replicated to the other regions. */
const EDGE_ORIGIN_TOKEN = /^[a-z0-9-]+\/Ingress\/EdgeOriginToken\/Resource$/;

/** Findings accepted on the ingress stack: the origin ALB, the TURN relay's NLB, their logs and the edge origin token. */
export const INGRESS_ACKNOWLEDGMENTS: readonly NagAcknowledgment[] = [
  {
    rule: 'NIST.800.53.R5::NIST.800.53.R5-S3BucketReplicationEnabled',
    reason:
      'The load balancer log bucket and its audit bucket (which receives the log bucket\'s S3 server access logs) hold ' +
      'records of requests to this region only. They are versioned, retained on stack deletion and expire their logs ' +
      'after sizes.network.flowLogRetentionDays; copying them to another region would need a replication role and ' +
      'destination buckets of their own for no recovery need: a lost log bucket loses no service state.',
    resourceType: 'AWS::S3::Bucket',
    pathPattern: LOG_BUCKETS,
  },
  {
    rule: 'NIST.800.53.R5::NIST.800.53.R5-S3DefaultEncryptionKMS',
    reason:
      'ALB access log delivery supports only SSE-S3 on the destination bucket (Elastic Load Balancing User Guide, ' +
      '"Access logs for your Application Load Balancer"), and S3 server access logging delivers only to SSE-S3 buckets ' +
      '(Amazon S3 User Guide, "Enabling Amazon S3 server access logging"). Both buckets are encrypted with SSE-S3 (AES-256), ' +
      'private, TLS-only and versioned.',
    resourceType: 'AWS::S3::Bucket',
    pathPattern: LOG_BUCKETS,
  },
  {
    rule: 'NIST.800.53.R5::NIST.800.53.R5-ELBDeletionProtectionEnabled',
    reason:
      'Deletion protection is on in every environment of phase 4 or later (IngressStack: environment.phase >= 4). A ' +
      'phase-3 environment is a one-region pilot that is torn down and rebuilt; there the ALB and NLB hold no state ' +
      '(targets are re-registered by the AWS Load Balancer Controller), the stack has termination protection, and a ' +
      'deleted load balancer is recreated by the next deploy.',
    resourceType: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
    pathPattern: /^[a-z0-9-]+\/Ingress\/(Alb|Turn)\/LoadBalancer\/Resource$/,
  },
  {
    rule: 'NIST.800.53.R5::NIST.800.53.R5-ELBv2ACMCertificateRequired',
    reason:
      'The ALB\'s port-80 listener only answers 301 to the same URL on HTTPS (no target, no content), for clients and ' +
      'edge settings that start on HTTP. Every request that reaches a target comes through the HTTPS listener with the ' +
      'region\'s ACM certificate.',
    resourceType: 'AWS::ElasticLoadBalancingV2::Listener',
    pathPattern: /^[a-z0-9-]+\/Ingress\/Alb\/LoadBalancer\/Http\/Resource$/,
  },
  {
    rule: 'NIST.800.53.R5::NIST.800.53.R5-ELBv2ACMCertificateRequired',
    reason:
      'TURN over UDP (RFC 8656, port 3478) carries WebRTC media that is already encrypted end to end with DTLS-SRTP, ' +
      'and a Network Load Balancer terminates TLS only on TLS listeners, which run over TCP; a UDP listener takes no ' +
      'certificate (Elastic Load Balancing User Guide, "Listeners for your Network Load Balancers"). TURN allocations ' +
      'are authenticated by the relay with short-lived credentials; clients that need TLS use the TLS listener on ' +
      '5349, which has the ACM certificate.',
    resourceType: 'AWS::ElasticLoadBalancingV2::Listener',
    pathPattern: /^[a-z0-9-]+\/Ingress\/Turn\/LoadBalancer\/Udp\/Resource$/,
  },
  {
    rule: 'AwsSolutions::AwsSolutions-EC23',
    reason:
      'The TURN relay\'s NLB serves WebRTC clients on the internet directly: Cloudflare\'s proxy carries no UDP, so ' +
      'there is no edge range to restrict to. It admits exactly UDP 3478 and TCP 5349 from 0.0.0.0/0 and sends only ' +
      '3478 into the VPC; the relay authenticates every allocation.',
    resourceType: 'AWS::EC2::SecurityGroup',
    pathPattern: /^[a-z0-9-]+\/Ingress\/Turn\/SecurityGroup\/Resource$/,
  },
  {
    rule: 'AwsSolutions::AwsSolutions-SMG4',
    reason:
      'The edge origin token is used where a rotation function cannot update it: the edge takes it from its Pulumi ' +
      'config, and each region\'s web ACL from a CloudFormation dynamic reference, which CloudFormation resolves only ' +
      'when a deploy updates the web ACL (AWS CloudFormation User Guide, "Get a secret or secret value from Secrets ' +
      'Manager": updating a secret does not update a resource that references it). A new value therefore takes a ' +
      'coordinated procedure (put the value, set it in the edge\'s Pulumi config, redeploy every region\'s ingress stack ' +
      'with a change to its web ACL), not a schedule; a scheduled rotation would only make Secrets Manager disagree ' +
      'with what the edge and the ALBs use.',
    resourceType: 'AWS::SecretsManager::Secret',
    pathPattern: EDGE_ORIGIN_TOKEN,
  },
  {
    rule: 'NIST.800.53.R5::NIST.800.53.R5-SecretsManagerRotationEnabled',
    reason:
      'Same secret as AwsSolutions-SMG4: the edge origin token, used by the edge (Pulumi config) and by every region\'s ' +
      'web ACL (a dynamic reference resolved only at deploy). Rotating it is a coordinated change of the edge config and ' +
      'a redeploy of the ingress stacks, which a rotation schedule cannot perform.',
    resourceType: 'AWS::SecretsManager::Secret',
    pathPattern: EDGE_ORIGIN_TOKEN,
  },
  {
    rule: 'NIST.800.53.R5::NIST.800.53.R5-SecretsManagerUsingKMSKey',
    reason:
      'The edge origin token is replicated from the write region to every other region of the environment, and a replica ' +
      'under a customer-managed key needs that key to exist in the replica region when the write region deploys (AWS ' +
      'Secrets Manager User Guide, "Replicate AWS Secrets Manager secrets across Regions"); the other regions\' keys ' +
      'are created later, by their own stacks. The secret is therefore encrypted with the AWS-managed ' +
      'aws/secretsmanager key, which exists in every region; reading it still takes secretsmanager:GetSecretValue on the secret.',
    resourceType: 'AWS::SecretsManager::Secret',
    pathPattern: EDGE_ORIGIN_TOKEN,
  },
  {
    rule: 'CfnGuard::CT.EC2.PR.3',
    reason:
      "The TURN relay serves WebRTC clients anywhere on the internet (RFC 8656): its security group admits TURN over UDP " +
      'on 3478 and over TLS on 5349 from any address, its only listeners. The rule allows only 80 and 443 from anywhere; ' +
      "the relay's ports are the protocol's, and the relayed ports themselves are reached only through the relay.",
    resourceType: 'AWS::EC2::SecurityGroup',
    pathPattern: /^[a-z0-9-]+\/Ingress\/Turn\/SecurityGroup\/Resource$/,
  },
  {
    rule: 'CfnGuard::CT.ELASTICLOADBALANCING.PR.5',
    reason:
      'Deletion protection of the load balancers follows the phase (lib/plan/resolve.ts): on from phase 4, which serves ' +
      'production traffic; below it an environment is torn down and rebuilt with cdk destroy, which deletion protection ' +
      'would block. The shipped prod config is phase 4 and passes.',
    resourceType: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
    pathPattern: /^[a-z0-9-]+\/Ingress\/(Alb|Turn)\/LoadBalancer\/Resource$/,
  },
];
