import type { NagAcknowledgment } from './acknowledgment';

/** The load balancer log bucket and its audit bucket (which receives the log bucket's server access logs). */
const LOG_BUCKETS = /^[a-z0-9-]+\/Ingress\/Logs\/(Audit\/)?Bucket\/Resource$/;
/** The edge origin token, held by the write region's ingress stack and replicated to the other regions. */
const EDGE_ORIGIN_TOKEN = /^[a-z0-9-]+\/Ingress\/EdgeOriginToken\/Resource$/;

/** The origin token's functions: its rotation and the edge sync (write region), the WAF sync (every region). */
const ORIGIN_TOKEN_FUNCTIONS = /^[a-z0-9-]+\/Ingress\/(OriginTokenRotation|OriginTokens\/Sync|EdgeTokenSync\/Sync)\/Function\/Resource$/;
/** The Cloudflare API credentials of the edge token sync (write region). */
const EDGE_API_CREDENTIALS = /^[a-z0-9-]+\/Ingress\/EdgeTokenSync\/Credentials\/Resource$/;

/**
 * Findings accepted on the ingress stack: the origin ALB, the TURN relay's NLB, their logs, the edge origin token and
 * its functions.
 */
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
  {
    rule: 'NIST.800.53.R5::NIST.800.53.R5-LambdaDLQ',
    reason:
      'The origin token\'s functions keep no work to redo. Secrets Manager invokes the rotation function once per ' +
      'rotation step and acts on its answer: a failed step leaves the pending version unpromoted and marks the rotation ' +
      'failed on the secret. The two syncs run every 5 minutes and each run does the whole, idempotent job again, so a ' +
      'failed run is repaired by the next; their errors alarm (lib/views/alarm-catalog.ts). A dead-letter queue only ' +
      'receives events of asynchronous invocations that failed every attempt (AWS Lambda Developer Guide, "Capturing ' +
      'records of Lambda asynchronous invocations"): here, schedule ticks already superseded.',
    resourceType: 'AWS::Lambda::Function',
    pathPattern: ORIGIN_TOKEN_FUNCTIONS,
  },
  ...(['NIST.800.53.R5::NIST.800.53.R5-LambdaInsideVPC', 'CfnGuard::CT.LAMBDA.PR.3'] as const).map((rule) => ({
    rule,
    reason:
      "The origin token's functions call regional AWS APIs (Secrets Manager; WAF for the sync of the web ACL) and, for " +
      "the edge sync, Cloudflare's public API; none reaches a resource inside the VPC. Placing them in the VPC would add " +
      'network interfaces, routes to those APIs and the AWS-managed VPC access policy for no isolation gain: each role ' +
      'may read the token (and the edge sync its Cloudflare credentials), write its one pattern set or rotate its one ' +
      'secret, and write to its own log group, nothing else.',
    resourceType: 'AWS::Lambda::Function',
    pathPattern: ORIGIN_TOKEN_FUNCTIONS,
  })),
  ...(['AwsSolutions::AwsSolutions-SMG4', 'NIST.800.53.R5::NIST.800.53.R5-SecretsManagerRotationEnabled'] as const).map((rule) => ({
    rule,
    reason:
      'The secret holds a Cloudflare API token (with its account and zone ids), which Cloudflare creates: a rotation ' +
      'function would need a Cloudflare credential able to mint tokens, stored beside it, which is a stronger secret ' +
      'than the one it rotates. The token is scoped to the zone\'s transform rules and the account\'s load-balancing ' +
      'monitors, and is rotated where it is made: a new token in Cloudflare, put into this secret, then the old one ' +
      'revoked (docs/edge.md).',
    resourceType: 'AWS::SecretsManager::Secret',
    pathPattern: EDGE_API_CREDENTIALS,
  })),
];
