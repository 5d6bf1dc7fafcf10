/**
 * Every cdk-nag finding gigascale accepts, with the reason, in one place. A reviewer who wants to know what the
 * compliance gate lets through reads this file and nothing else.
 *
 * An acknowledgment names the rule as cdk-nag reports it (`<pack>::<rule id>`), the reason, and which resources it
 * covers: a CloudFormation type plus a test on the construct path, never a whole stack. AwsSolutions-IAM5 reports one
 * finding per wildcard resource, with the ARN in the finding (`...IAM5[Resource::arn:aws:s3:::bucket/*]`); an entry
 * with `wildcardResources` acknowledges exactly the wildcard ARNs of the covered policy that match it, whatever
 * environment, account or region they name.
 */
import { CfnResource, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

export interface NagAcknowledgment {
  /** Rule as cdk-nag prints it after "Acknowledge with" (without the `[Resource::...]` part when `wildcardResources` is set). */
  readonly rule: string;
  /**
   * For a rule reported per wildcard resource: the wildcard ARNs (as literal strings in the policy) this entry accepts.
   * @default - the rule is acknowledged as written
   */
  readonly wildcardResources?: RegExp;
  /** Why the finding is acceptable, for the reviewer and the auditor. */
  readonly reason: string;
  /** CloudFormation type of the resources covered. */
  readonly resourceType: string;
  /** Covers only resources whose construct path matches. */
  readonly pathPattern: RegExp;
}

export const NAG_ACKNOWLEDGMENTS: readonly NagAcknowledgment[] = [
  {
    rule: 'NIST.800.53.R5::NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW',
    reason:
      'Public subnets exist to hold the internet-facing ALB and the NAT gateways; both need the 0.0.0.0/0 route to the ' +
      'internet gateway. Nothing else is placed in them (no public IPs are auto-assigned), and private and isolated ' +
      'subnets have no IGW route.',
    resourceType: 'AWS::EC2::Route',
    pathPattern: /\/Vpc\/PublicSubnet\d+\/DefaultRoute$/,
  },
  {
    rule: 'CloudFormation-Validate::W3010',
    reason:
      'Availability zones are pinned on purpose: synth runs offline with no AZ lookups (ARCHITECTURE.md principle 1), ' +
      'the names come from the region catalog or the config, and an account whose AZ names differ pins its own azs ' +
      'in regions.config.ts.',
    resourceType: 'AWS::EC2::Subnet',
    pathPattern: /\/Vpc\/(Public|Private|Isolated)Subnet\d+\/Subnet$/,
  },
  {
    rule: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]',
    reason:
      'The enhanced monitoring role carries the AWS-maintained service-role policy RDS documents for it. It only lets ' +
      'RDS write OS metrics to the RDSOSMetrics log group; a hand-written copy would add wildcards of its own and ' +
      'miss AWS updates.',
    resourceType: 'AWS::IAM::Role',
    pathPattern: /\/Data\/MonitoringRole\/Resource$/,
  },
  {
    rule: 'NIST.800.53.R5::NIST.800.53.R5-RDSInBackupPlan',
    reason:
      'Aurora backs up at the cluster, not the instance: every shard cluster has continuous backups with point-in-time ' +
      'restore kept 7..35 days (backupRetentionDays, validated >= 7), DeletionPolicy/UpdateReplacePolicy Snapshot, and ' +
      'a copy in every other region through its global database. An AWS Backup plan (cross-account vault copies) is ' +
      'not part of the data-tier issue and is noted in its closing note.',
    resourceType: 'AWS::RDS::DBInstance',
    pathPattern: /\/Shards\d+\/shard-\d{4}\/Instance\d+$/,
  },
  // -- Cache stack (issue 5) --
  {
    rule: 'AwsSolutions::AwsSolutions-AEC6',
    reason:
      'The rule asks for a Redis AUTH token: one password shared by every client. The cluster authenticates through its ' +
      'RBAC user group instead (UserGroupIds), which ElastiCache offers in place of an AUTH token: each service connects ' +
      'as its own user with a 15-minute IAM token (elasticache:Connect scoped to that user) and an ACL confined to its ' +
      'key prefix, and the group\'s default user is switched off. TLS is required, so no credential crosses the network in clear.',
    resourceType: 'AWS::ElastiCache::ReplicationGroup',
    pathPattern: /^[a-z0-9-]+\/Cache\/Valkey\/ReplicationGroup$/,
  },
  {
    rule: 'NIST.800.53.R5::NIST.800.53.R5-ElastiCacheRedisClusterAutomaticBackup',
    reason:
      'The rule wants 15 days of automatic snapshots. The cache is not a system of record: it holds copies of Aurora data ' +
      'and entries that live at most a day (lib/facts/cache-tiers: entities 5 min, presence 60 s, sessions 24 h sliding), so a ' +
      'snapshot older than that restores nothing still valid and a lost cache refills from reads. Snapshots are kept ' +
      'cache.snapshotRetentionDays (7 in phase 3, 14 in phase 4, 35 in phase 5; the config may raise it) for warm ' +
      'restarts, and the cluster takes a final snapshot on delete or replace (DeletionPolicy/UpdateReplacePolicy Snapshot).',
    resourceType: 'AWS::ElastiCache::ReplicationGroup',
    pathPattern: /^[a-z0-9-]+\/Cache\/Valkey\/ReplicationGroup$/,
  },
  {
    rule: 'AwsSolutions::AwsSolutions-SMG4',
    reason:
      'The secret holds the password of the cache user group\'s `default` user, which every group must contain and which a ' +
      'valkey group can hold only as a password or IAM user (IAM needs user id = user name, impossible for `default`). ' +
      'Its access string is `off resetkeys resetchannels -@all`: the engine refuses to authenticate a disabled user ' +
      'whatever the password, and no client is ever given it. Rotation would add a custom Lambda with a path to the cache ' +
      '(Secrets Manager has no hosted rotation for ElastiCache users) to protect a credential that grants nothing.',
    resourceType: 'AWS::SecretsManager::Secret',
    pathPattern: /^[a-z0-9-]+\/Cache\/Rbac\/DefaultUserPassword\/Resource$/,
  },
  {
    rule: 'NIST.800.53.R5::NIST.800.53.R5-SecretsManagerRotationEnabled',
    reason:
      'Same secret as AwsSolutions-SMG4: the password of the cache\'s switched-off `default` user (access string `off ' +
      'resetkeys resetchannels -@all`), required by ElastiCache RBAC and never given to a client. A disabled user cannot ' +
      'authenticate whatever its password, so rotating it (a custom Lambda reaching the cache) would add risk for no gain.',
    resourceType: 'AWS::SecretsManager::Secret',
    pathPattern: /^[a-z0-9-]+\/Cache\/Rbac\/DefaultUserPassword\/Resource$/,
  },
  // -- Media stack (issue 5) --
  {
    rule: 'AwsSolutions::AwsSolutions-IAM5',
    wildcardResources: /^arn:[a-z-]+:(s3:::gigascale-[a-z0-9]+-media-\d{12}-[a-z0-9-]+\/\*|kms:[a-z0-9-]+:\d{12}:key\/\*)$/,
    reason:
      'S3 replication permissions are object-level: the role reads versions of every object of this region\'s media ' +
      'bucket and writes replicas of every object into the other regions\' media buckets, each named exactly. The key ' +
      'ARNs end in key/* because an alias cannot be the Resource of a key operation; each statement admits only the key ' +
      'under the media alias (kms:ResourceAliases), used by S3 of the destination region (kms:ViaService) for the ' +
      'destination bucket (kms:EncryptionContext:aws:s3:arn).',
    resourceType: 'AWS::IAM::ManagedPolicy',
    pathPattern: /^[a-z0-9-]+\/Media\/Replication\/Policy\/Resource$/,
  },
  {
    rule: 'NIST.800.53.R5::NIST.800.53.R5-S3BucketReplicationEnabled',
    reason:
      'A media bucket replicates into every other region whenever its environment has another region and ' +
      'media.replication is all-regions. With one region there is no other region to copy to, and with ' +
      'replication none (the first deploy, -c replication=off) S3 would refuse rules to buckets not yet created; ' +
      'the bucket stays versioned and retained either way.',
    resourceType: 'AWS::S3::Bucket',
    pathPattern: /\/Media\/MediaBucket\/Resource$/,
  },
  {
    rule: 'NIST.800.53.R5::NIST.800.53.R5-S3BucketReplicationEnabled',
    reason:
      'The access log bucket holds the server access logs of its own region\'s media bucket and is not replicated: ' +
      'the logs describe requests to that region only, are versioned and retained, and copying them would need a ' +
      'replication role and destination log buckets of their own for no recovery need of the service.',
    resourceType: 'AWS::S3::Bucket',
    pathPattern: /\/Media\/AccessLogs\/Bucket\/Resource$/,
  },
  {
    rule: 'NIST.800.53.R5::NIST.800.53.R5-S3DefaultEncryptionKMS',
    reason:
      'S3 server access logging delivers only to buckets whose default encryption is SSE-S3; SSE-KMS is not ' +
      'supported for the destination (S3 User Guide, "Enabling Amazon S3 server access logging"). The log bucket is ' +
      'encrypted with SSE-S3 (AES-256), private, TLS-only and versioned.',
    resourceType: 'AWS::S3::Bucket',
    pathPattern: /\/Media\/AccessLogs\/Bucket\/Resource$/,
  },
  // -- Bus stack (issue 5) --
  {
    rule: 'NIST.800.53.R5::NIST.800.53.R5-LambdaConcurrency',
    reason:
      'The function is the AwsCustomResource handler that reads the bus cluster\'s bootstrap brokers (Kafka ' +
      'GetBootstrapBrokers) while CloudFormation deploys the bus stack: CloudFormation invokes it once per create or ' +
      'update of that one custom resource and nothing else can (no trigger, no URL). Reserved concurrency would only ' +
      'take capacity away from the account\'s pool.',
    resourceType: 'AWS::Lambda::Function',
    pathPattern: /^[a-z0-9-]+\/Bus\/AWS679f53fac002430cb0da5b7982bd2287\/Resource$/,
  },
  {
    rule: 'NIST.800.53.R5::NIST.800.53.R5-LambdaDLQ',
    reason:
      'CloudFormation invokes the bootstrap-brokers lookup of the bus stack synchronously and waits for its answer; a ' +
      'dead-letter queue only receives failed asynchronous invocations, so it would stay empty. A failed call fails the ' +
      'stack operation, which rolls back, and the function logs to its own KMS-encrypted log group with retention.',
    resourceType: 'AWS::Lambda::Function',
    pathPattern: /^[a-z0-9-]+\/Bus\/AWS679f53fac002430cb0da5b7982bd2287\/Resource$/,
  },
  {
    rule: 'NIST.800.53.R5::NIST.800.53.R5-LambdaInsideVPC',
    reason:
      'The bootstrap-brokers lookup of the bus stack calls one regional AWS control-plane API (Kafka GetBootstrapBrokers) ' +
      'and touches no resource inside the VPC. Placing it in the VPC would add network interfaces, a route to the Kafka ' +
      'API and the AWS-managed VPC access policy for no isolation gain: its role may make that one call on that one ' +
      'cluster and write to its own log group, nothing else.',
    resourceType: 'AWS::Lambda::Function',
    pathPattern: /^[a-z0-9-]+\/Bus\/AWS679f53fac002430cb0da5b7982bd2287\/Resource$/,
  },
  {
    rule: 'AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kafka:*:<AWS::AccountId>:topic/{"Fn::Select":[1,{"Fn::Split":["/",{"Fn::GetAtt":["ClusterEB0386A7","Arn"]}]}]}/*/*]',
    reason:
      'Service execution role of an MSK Replicator (stacks/bus/replicator.ts). Besides the replicated topics it keeps ' +
      'internal topics whose names MSK does not document, and the source cluster\'s UUID is only known in its region, so ' +
      'topic names, UUID and region stay wildcards. The cluster name is read from this region\'s cluster ARN and carries ' +
      'the environment: only topics of this environment\'s bus clusters in this account match. The actions are those of ' +
      'AWSMSKReplicatorExecutionRole, which grants them on topic/*/* in every account and region.',
    resourceType: 'AWS::IAM::ManagedPolicy',
    pathPattern: /^[a-z0-9-]+\/Bus\/ReplicatorFrom[A-Za-z0-9]+\/Policy\/Resource$/,
  },
  {
    rule: 'AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kafka:*:<AWS::AccountId>:group/{"Fn::Select":[1,{"Fn::Split":["/",{"Fn::GetAtt":["ClusterEB0386A7","Arn"]}]}]}/*/*]',
    reason:
      'Service execution role of an MSK Replicator (stacks/bus/replicator.ts). It describes and alters the consumer ' +
      'groups it reads the source with, under names MSK does not document; no application group is replicated ' +
      '(ConsumerGroupsToReplicate is empty). Group names, the clusters\' UUIDs and the region stay wildcards within the ' +
      'clusters named like this environment\'s bus cluster, in this account only (AWSMSKReplicatorExecutionRole grants ' +
      'group/*/* everywhere).',
    resourceType: 'AWS::IAM::ManagedPolicy',
    pathPattern: /^[a-z0-9-]+\/Bus\/ReplicatorFrom[A-Za-z0-9]+\/Policy\/Resource$/,
  },
  // ingress stack
  {
    rule: 'NIST.800.53.R5::NIST.800.53.R5-S3BucketReplicationEnabled',
    reason:
      'The load balancer log bucket and its audit bucket (which receives the log bucket\'s S3 server access logs) hold ' +
      'records of requests to this region only. They are versioned, retained on stack deletion and expire their logs ' +
      'after network.flowLogRetentionDays; copying them to another region would need a replication role and ' +
      'destination buckets of their own for no recovery need: a lost log bucket loses no service state.',
    resourceType: 'AWS::S3::Bucket',
    pathPattern: /^[a-z0-9-]+\/Ingress\/Logs\/(Audit\/)?Bucket\/Resource$/,
  },
  {
    rule: 'NIST.800.53.R5::NIST.800.53.R5-S3DefaultEncryptionKMS',
    reason:
      'ALB access log delivery supports only SSE-S3 on the destination bucket (Elastic Load Balancing User Guide, ' +
      '"Access logs for your Application Load Balancer"), and S3 server access logging delivers only to SSE-S3 buckets ' +
      '(S3 User Guide, "Enabling Amazon S3 server access logging"). Both buckets are encrypted with SSE-S3 (AES-256), ' +
      'private, TLS-only and versioned.',
    resourceType: 'AWS::S3::Bucket',
    pathPattern: /^[a-z0-9-]+\/Ingress\/Logs\/(Audit\/)?Bucket\/Resource$/,
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
      'and NLB cannot terminate TLS or DTLS on a UDP listener. TURN allocations are authenticated by the relay with ' +
      'short-lived credentials; clients that need TLS use the TLS listener on 5349, which has the ACM certificate.',
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
      'when a deploy updates the web ACL (an unchanged resource is not re-resolved). A new value therefore takes a ' +
      'coordinated procedure (put the value, set it in the edge\'s Pulumi config, redeploy every region\'s ingress stack ' +
      'with a change to its web ACL), not a schedule; a scheduled rotation would only make Secrets Manager disagree ' +
      'with what the edge and the ALBs use.',
    resourceType: 'AWS::SecretsManager::Secret',
    pathPattern: /^[a-z0-9-]+\/Ingress\/EdgeOriginToken\/Resource$/,
  },
  {
    rule: 'NIST.800.53.R5::NIST.800.53.R5-SecretsManagerRotationEnabled',
    reason:
      'Same secret as AwsSolutions-SMG4: the edge origin token, used by the edge (Pulumi config) and by every region\'s ' +
      'web ACL (a dynamic reference resolved only at deploy). Rotating it is a coordinated change of the edge config and ' +
      'a redeploy of the ingress stacks, which a rotation schedule cannot perform.',
    resourceType: 'AWS::SecretsManager::Secret',
    pathPattern: /^[a-z0-9-]+\/Ingress\/EdgeOriginToken\/Resource$/,
  },
  {
    rule: 'NIST.800.53.R5::NIST.800.53.R5-SecretsManagerUsingKMSKey',
    reason:
      'The edge origin token is replicated from the write region to every other region of the environment, and a replica ' +
      'under a customer-managed key needs that key to exist in the replica region when the write region deploys; the ' +
      'other regions\' keys are created later, by their own stacks. The secret is therefore encrypted with the ' +
      'AWS-managed aws/secretsmanager key, which exists in every region; reading it still takes ' +
      'secretsmanager:GetSecretValue on the secret.',
    resourceType: 'AWS::SecretsManager::Secret',
    pathPattern: /^[a-z0-9-]+\/Ingress\/EdgeOriginToken\/Resource$/,
  },
  // compute stack
  {
    rule: 'CloudFormation-Validate::W9009',
    reason:
      "aws-eks-v2 writes EncryptionConfig[].Resources: ['secrets'] for envelope encryption, which the CloudFormation " +
      "schema now marks deprecated ('secrets' is the only value EKS has ever accepted). The encryption itself is what " +
      'matters and is asserted in test/compute-stack.test.ts; removing the property with an override would make the ' +
      'template differ from what the construct library maintains.',
    resourceType: 'AWS::EKS::Cluster',
    pathPattern: /\/Compute\/Cluster\/Resource$/,
  },
  {
    rule: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEKSClusterPolicy]',
    reason:
      'The EKS cluster service role carries the AWS-maintained policy EKS documents for it (Amazon EKS User Guide, ' +
      '"Amazon EKS cluster IAM role"): EKS uses it to manage the control plane\'s network interfaces and load ' +
      'balancer integrations, and AWS updates it with the service. A hand-written copy would go stale.',
    resourceType: 'AWS::IAM::Role',
    pathPattern: /^[a-z0-9-]+\/Compute\/Cluster\/Role\/Resource$/,
  },
  {
    rule: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEKSWorkerNodePolicy]',
    reason:
      'The node role of the managed node groups needs AmazonEKSWorkerNodePolicy (EKS User Guide, "Amazon EKS node IAM ' +
      'role"): the kubelet describes its instance and the cluster, and the Pod Identity agent exchanges tokens ' +
      '(eks-auth:AssumeRoleForPodIdentity). Pods cannot use the node\'s credentials: IMDSv2 with a hop limit of 1.',
    resourceType: 'AWS::IAM::Role',
    pathPattern: /^[a-z0-9-]+\/Compute\/Nodes\/NodeRole\/Resource$/,
  },
  {
    rule: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly]',
    reason:
      'Nodes pull images (gigascale\'s from the region\'s ECR, the add-ons\' from the EKS registries) with the node ' +
      'role; AmazonEC2ContainerRegistryReadOnly is the policy EKS documents for it and grants reads only, no push.',
    resourceType: 'AWS::IAM::Role',
    pathPattern: /^[a-z0-9-]+\/Compute\/Nodes\/NodeRole\/Resource$/,
  },
  {
    rule: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEKS_CNI_Policy]',
    reason:
      'The VPC CNI (aws-node) assigns ENIs, addresses and prefixes to nodes with AmazonEKS_CNI_Policy, the policy the ' +
      'add-on documents. It sits on the add-on\'s own Pod Identity role (kube-system/aws-node), not on the node role, ' +
      'so no other pod shares these permissions.',
    resourceType: 'AWS::IAM::Role',
    pathPattern: /^[a-z0-9-]+\/Compute\/Addons\/VpcCniRole\/Resource$/,
  },
  {
    rule: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy]',
    reason:
      'The EBS CSI controller (kube-system/ebs-csi-controller-sa, through Pod Identity) creates, attaches and deletes ' +
      'volumes with AmazonEBSCSIDriverPolicy, the policy the add-on documents; its conditions already limit it to ' +
      'volumes and snapshots the driver tagged.',
    resourceType: 'AWS::IAM::Role',
    pathPattern: /^[a-z0-9-]+\/Compute\/Addons\/EbsCsiRole\/Resource$/,
  },
  {
    rule: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason:
      'Roles of the two functions of the CDK\'s kubectl provider (aws-eks-v2), which apply manifests and Helm charts ' +
      'during deployments only. The CDK attaches the basic execution policy so they can write their own logs.',
    resourceType: 'AWS::IAM::Role',
    pathPattern: /^[a-z0-9-]+\/Compute\/Cluster\/KubectlProvider\/(Handler|Provider\/framework-onEvent)\/ServiceRole\/Resource$/,
  },
  {
    rule: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
    reason:
      'The kubectl provider\'s functions run in the private subnets to reach the cluster\'s private endpoint; the CDK ' +
      'attaches the VPC access policy Lambda requires to manage their network interfaces.',
    resourceType: 'AWS::IAM::Role',
    pathPattern: /^[a-z0-9-]+\/Compute\/Cluster\/KubectlProvider\/(Handler|Provider\/framework-onEvent)\/ServiceRole\/Resource$/,
  },
  {
    rule: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly]',
    reason:
      'The kubectl provider\'s handler pulls OCI Helm charts from ECR (the AWS Load Balancer Controller\'s and any other ' +
      'chart hosted there); the CDK attaches the read-only registry policy, which cannot push.',
    resourceType: 'AWS::IAM::Role',
    pathPattern: /^[a-z0-9-]+\/Compute\/Cluster\/KubectlProvider\/Handler\/ServiceRole\/Resource$/,
  },
  {
    rule:
      'AwsSolutions::AwsSolutions-IAM4[Policy::{"Fn::If":["ClusterKubectlProviderHandlerHasEcrPublic69E09706",{"Fn::Join":["",["arn:",' +
      '{"Ref":"AWS::Partition"},":iam::aws:policy/AmazonElasticContainerRegistryPublicReadOnly"]]},{"Ref":"AWS::NoValue"}]}]',
    reason:
      'The kubectl provider\'s handler may pull Helm charts from ECR Public; the CDK attaches the read-only ECR Public ' +
      'policy in the aws partition only (the condition). It reads public artifacts and writes nothing.',
    resourceType: 'AWS::IAM::Role',
    pathPattern: /^[a-z0-9-]+\/Compute\/Cluster\/KubectlProvider\/Handler\/ServiceRole\/Resource$/,
  },
  {
    rule: 'AwsSolutions::AwsSolutions-IAM5[Resource::<ClusterKubectlProviderHandler2E05C68A.Arn>:*]',
    reason:
      'The provider framework function of the kubectl provider may invoke the handler function and its versions ' +
      '(`<arn>:*`), and no other function: the CDK\'s custom resource provider pattern.',
    resourceType: 'AWS::IAM::Policy',
    pathPattern: /^[a-z0-9-]+\/Compute\/Cluster\/KubectlProvider\/Provider\/framework-onEvent\/ServiceRole\/DefaultPolicy\/Resource$/,
  },
  {
    rule: 'NIST.800.53.R5::NIST.800.53.R5-IAMNoInlinePolicy',
    reason:
      'Policies the CDK generates as inline policies for its own constructs: the kubectl provider\'s two functions ' +
      '(describe this cluster, invoke the handler) and the AWS Load Balancer Controller\'s IRSA role (the controller\'s ' +
      'published policy for the pinned version). gigascale\'s own roles use customer-managed policies.',
    resourceType: 'AWS::IAM::Policy',
    pathPattern:
      /^[a-z0-9-]+\/Compute\/(Cluster\/KubectlProvider\/(Handler|Provider\/framework-onEvent)\/ServiceRole|[A-Za-z0-9]+-AlbController\/alb-sa\/Role)\/DefaultPolicy\/Resource$/,
  },
  ...[
    '*',
    'arn:<AWS::Partition>:ec2:*:*:security-group/*',
    'arn:<AWS::Partition>:elasticloadbalancing:*:*:targetgroup/*/*',
    'arn:<AWS::Partition>:elasticloadbalancing:*:*:loadbalancer/app/*/*',
    'arn:<AWS::Partition>:elasticloadbalancing:*:*:loadbalancer/net/*/*',
    'arn:<AWS::Partition>:elasticloadbalancing:*:*:listener/app/*/*/*',
    'arn:<AWS::Partition>:elasticloadbalancing:*:*:listener/net/*/*/*',
    'arn:<AWS::Partition>:elasticloadbalancing:*:*:listener-rule/app/*/*/*',
    'arn:<AWS::Partition>:elasticloadbalancing:*:*:listener-rule/net/*/*/*',
  ].map(
    (resource): NagAcknowledgment => ({
      rule: `AwsSolutions::AwsSolutions-IAM5[Resource::${resource}]`,
      reason:
        'The AWS Load Balancer Controller\'s IAM policy as its project publishes it for the pinned version (aws-eks-v2 ' +
        'ships it): the controller creates load balancers, target groups, listeners and security groups whose names ' +
        'and ids it cannot know in advance. Writes are conditioned on the elbv2.k8s.aws/cluster tag it puts on what it ' +
        'creates; only its service account (kube-system/aws-load-balancer-controller) can assume the role.',
      resourceType: 'AWS::IAM::Policy',
      pathPattern: /^[a-z0-9-]+\/Compute\/[A-Za-z0-9]+-AlbController\/alb-sa\/Role\/DefaultPolicy\/Resource$/,
    }),
  ),
  {
    rule: 'AwsSolutions::AwsSolutions-L1',
    reason:
      'The kubectl provider\'s handler runs the Python runtime aws-eks-v2 selects for its bundled handler and kubectl ' +
      'layers; another runtime is untested with them. It runs only during deployments and has no trigger.',
    resourceType: 'AWS::Lambda::Function',
    pathPattern: /^[a-z0-9-]+\/Compute\/Cluster\/KubectlProvider\/Handler\/Resource$/,
  },
  {
    rule: 'NIST.800.53.R5::NIST.800.53.R5-LambdaConcurrency',
    reason:
      'The kubectl provider\'s functions run only when CloudFormation creates, updates or deletes one of this stack\'s ' +
      'Kubernetes resources, one invocation per resource, and nothing else can invoke them. Reserved concurrency would ' +
      'only take capacity from the account\'s pool.',
    resourceType: 'AWS::Lambda::Function',
    pathPattern: /^[a-z0-9-]+\/Compute\/Cluster\/KubectlProvider\/(Handler|Provider\/framework-onEvent)\/Resource$/,
  },
  {
    rule: 'NIST.800.53.R5::NIST.800.53.R5-LambdaDLQ',
    reason:
      'CloudFormation invokes the kubectl provider synchronously and waits for the answer; a dead-letter queue only ' +
      'receives failed asynchronous invocations. A failure fails the stack operation, which rolls back, and both ' +
      'functions log to KMS-encrypted log groups with retention.',
    resourceType: 'AWS::Lambda::Function',
    pathPattern: /^[a-z0-9-]+\/Compute\/Cluster\/KubectlProvider\/(Handler|Provider\/framework-onEvent)\/Resource$/,
  },
  {
    rule: 'AwsSolutions::AwsSolutions-IAM5',
    wildcardResources: /^arn:[a-z-]+:secretsmanager:[a-z0-9-]+:\d{12}:secret:gigascale\/[a-z0-9]+\/shard-\*$/,
    reason:
      'Services that query the shards, and the migration Jobs, read every shard\'s credentials: a request may reach ' +
      'any shard, and the shard count grows without a redeploy of the roles. The prefix `gigascale/<env>/shard-` ' +
      '(lib/facts/naming shardSecretNamePrefix) names only this environment\'s shard secrets in the write region.',
    resourceType: 'AWS::IAM::ManagedPolicy',
    pathPattern: /^[a-z0-9-]+\/Compute\/PodRoles\/[A-Za-z]+\/Policy\/Resource$/,
  },
  {
    rule: 'AwsSolutions::AwsSolutions-IAM5',
    wildcardResources: /^arn:[a-z-]+:kms:[a-z0-9-]+:\d{12}:key\/\*$/,
    reason:
      'A key operation cannot name an alias as its Resource, and the data and media keys live in other stacks. Each ' +
      'statement admits only the key under the data or media alias (kms:ResourceAliases) and only when Secrets ' +
      'Manager or S3 of that key\'s region calls on the pod\'s behalf (kms:ViaService).',
    resourceType: 'AWS::IAM::ManagedPolicy',
    pathPattern: /^[a-z0-9-]+\/Compute\/PodRoles\/[A-Za-z]+\/Policy\/Resource$/,
  },
  {
    rule: 'AwsSolutions::AwsSolutions-IAM5',
    wildcardResources: /^arn:[a-z-]+:s3:::gigascale-[a-z0-9]+-media-\d{12}-[a-z0-9-]+\/\*$/,
    reason:
      'The entity service stores and serves user media under keys it generates: get, put and delete on the objects ' +
      'of its region\'s media bucket (named exactly), no bucket-level action and no other bucket.',
    resourceType: 'AWS::IAM::ManagedPolicy',
    pathPattern: /^[a-z0-9-]+\/Compute\/PodRoles\/Entity\/Policy\/Resource$/,
  },
  {
    rule: 'AwsSolutions::AwsSolutions-SMG4',
    reason:
      'coturn reads its static-auth-secret once at start and has no way to accept a second value, so a rotated ' +
      'secret takes a restart of the relay and of voice (which signs TURN credentials with it) anyway; rotation is ' +
      'that restart after a new value is put, not a schedule. TURN credentials derived from it expire within hours.',
    resourceType: 'AWS::SecretsManager::Secret',
    pathPattern: /^[a-z0-9-]+\/Compute\/TurnStaticAuthSecret\/Resource$/,
  },
  {
    rule: 'NIST.800.53.R5::NIST.800.53.R5-SecretsManagerRotationEnabled',
    reason:
      'Same secret as AwsSolutions-SMG4: coturn\'s static-auth-secret, read only when the relay starts; rotating it is ' +
      'putting a new value and restarting the relay and voice, which a rotation schedule cannot do.',
    resourceType: 'AWS::SecretsManager::Secret',
    pathPattern: /^[a-z0-9-]+\/Compute\/TurnStaticAuthSecret\/Resource$/,
  },
  {
    rule: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/CloudWatchAgentServerPolicy]',
    reason:
      'The CloudWatch agent of the amazon-cloudwatch-observability add-on (amazon-cloudwatch/cloudwatch-agent, through Pod ' +
      'Identity) writes the probe\'s embedded-metric-format lines to CloudWatch Logs with CloudWatchAgentServerPolicy, the ' +
      'policy the add-on documents. It sits on the add-on\'s own role, not on the node role, so no other pod shares it.',
    resourceType: 'AWS::IAM::Role',
    pathPattern: /^[a-z0-9-]+\/Compute\/Addons\/CloudWatchAgentRole\/Resource$/,
  },
  // observability stack (issue 7)
  {
    rule: 'AwsSolutions::AwsSolutions-IAM5',
    wildcardResources: /^\*$/,
    reason:
      'The origin canary\'s role, as a Synthetics canary in a VPC requires (AWS::Synthetics::Canary ExecutionRoleArn): ' +
      's3:ListAllMyBuckets and the network-interface actions Lambda uses to attach the function to the private subnets ' +
      'have no resource-level permissions, and cloudwatch:PutMetricData has none either; it is limited by its condition ' +
      'to the CloudWatchSynthetics namespace.',
    resourceType: 'AWS::IAM::ManagedPolicy',
    pathPattern: /^[a-z0-9-]+\/Observability\/Canary\/Policy\/Resource$/,
  },
  {
    rule: 'AwsSolutions::AwsSolutions-IAM5',
    wildcardResources: /^arn:[a-z-]+:s3:::gigascale-[a-z0-9]+-canary-\d{12}-[a-z0-9-]+\/\*$/,
    reason:
      'The origin canary writes each run\'s artifacts (log, report, HAR file) under keys Synthetics generates per run, ' +
      'so it may put objects anywhere in its own artifacts bucket, named exactly; no read, delete or other bucket.',
    resourceType: 'AWS::IAM::ManagedPolicy',
    pathPattern: /^[a-z0-9-]+\/Observability\/Canary\/Policy\/Resource$/,
  },
  {
    rule: 'AwsSolutions::AwsSolutions-IAM5',
    wildcardResources: /^arn:[a-z-]+:logs:[a-z0-9-]+:\d{12}:log-group:\/aws\/lambda\/cwsyn-[a-z0-9_-]+-\*$/,
    reason:
      'Synthetics names the canary\'s function, and so its log group, `cwsyn-<canary name>-<id>` with an id it picks at ' +
      'creation; the role may write only to log groups of this canary\'s name.',
    resourceType: 'AWS::IAM::ManagedPolicy',
    pathPattern: /^[a-z0-9-]+\/Observability\/Canary\/Policy\/Resource$/,
  },
  {
    rule: 'NIST.800.53.R5::NIST.800.53.R5-S3BucketReplicationEnabled',
    reason:
      'The origin canary\'s artifacts bucket and the bucket of its access logs hold records of synthetic runs against this ' +
      'region only, expire them after 31 days (the artifacts) or network.flowLogRetentionDays (the access logs), and are ' +
      'versioned and retained; a copy in another region would restore nothing the service needs.',
    resourceType: 'AWS::S3::Bucket',
    pathPattern: /^[a-z0-9-]+\/Observability\/Canary\/(Artifacts|ArtifactsLogs\/Bucket)\/Resource$/,
  },
  {
    rule: 'NIST.800.53.R5::NIST.800.53.R5-S3DefaultEncryptionKMS',
    reason:
      'S3 server access logging delivers only to buckets whose default encryption is SSE-S3 (S3 User Guide, "Enabling ' +
      'Amazon S3 server access logging"). The access log bucket of the canary\'s artifacts bucket is encrypted with SSE-S3 ' +
      '(AES-256), private, TLS-only and versioned; the artifacts themselves are under the observability key.',
    resourceType: 'AWS::S3::Bucket',
    pathPattern: /^[a-z0-9-]+\/Observability\/Canary\/ArtifactsLogs\/Bucket\/Resource$/,
  },
];

/** The acknowledgments that cover one construct: none unless it is a CloudFormation resource they match. */
export function acknowledgedRules(node: IConstruct): NagAcknowledgment[] {
  if (!CfnResource.isCfnResource(node)) return [];
  return NAG_ACKNOWLEDGMENTS.filter((a) => node.cfnResourceType === a.resourceType && a.pathPattern.test(node.node.path));
}

/**
 * The finding ids an acknowledgment accepts on one resource: its rule, or with `wildcardResources` one id per
 * matching wildcard ARN in the resource's policy document (`<rule>[Resource::<arn>]`, as cdk-nag prints it).
 */
export function acknowledgedFindings(node: CfnResource, a: NagAcknowledgment): string[] {
  if (a.wildcardResources === undefined) return [a.rule];
  const document = Stack.of(node).resolve((node as unknown as { policyDocument?: unknown }).policyDocument) as
    | { Statement?: { Resource?: unknown }[] }
    | undefined;
  const resources = (document?.Statement ?? []).flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]));
  const wildcards = resources.filter((r): r is string => typeof r === 'string' && r.includes('*') && a.wildcardResources!.test(r));
  return [...new Set(wildcards)].map((arn) => `${a.rule}[Resource::${arn}]`);
}
