import type { NagAcknowledgment } from './acknowledgment';

/** The two functions of the CDK's kubectl provider (aws-eks-v2): the handler and the provider framework's onEvent. */
const KUBECTL_FUNCTIONS = '(Handler|Provider/framework-onEvent)';
const KUBECTL_FUNCTION = new RegExp(`^[a-z0-9-]+/Compute/Cluster/KubectlProvider/${KUBECTL_FUNCTIONS}/Resource$`);
const KUBECTL_FUNCTION_ROLE = new RegExp(`^[a-z0-9-]+/Compute/Cluster/KubectlProvider/${KUBECTL_FUNCTIONS}/ServiceRole/Resource$`);
const KUBECTL_HANDLER_ROLE = /^[a-z0-9-]+\/Compute\/Cluster\/KubectlProvider\/Handler\/ServiceRole\/Resource$/;
/** The inline policy of the AWS Load Balancer Controller's IRSA role. */
const ALB_CONTROLLER_POLICY = /^[a-z0-9-]+\/Compute\/[A-Za-z0-9]+-AlbController\/alb-sa\/Role\/DefaultPolicy\/Resource$/;
/** The customer-managed policy of each service's Pod Identity role. */
const POD_ROLE_POLICY = /^[a-z0-9-]+\/Compute\/PodRoles\/[A-Za-z]+\/Policy\/Resource$/;
/** The ECR pull-through cache of Docker Hub: its credentials and the nodes' policy to pull through it. */
const DOCKER_HUB_CREDENTIALS = /^[a-z0-9-]+\/Compute\/DockerHubCache\/Credentials\/Resource$/;
const DOCKER_HUB_PULL_POLICY = /^[a-z0-9-]+\/Compute\/DockerHubCache\/Pull\/Resource$/;
/** The function that rotates the TURN relay's shared secret (stacks/secret-rotation.ts). */
const TURN_ROTATION_FUNCTION = /^[a-z0-9-]+\/Compute\/TurnSecretRotation\/Function\/Resource$/;
/** The role of the managed nodes, and of the nodes Karpenter launches: the same two AWS-managed policies. */
const NODE_ROLE = /^[a-z0-9-]+\/Compute\/(Nodes|Karpenter)\/NodeRole\/Resource$/;
/** The customer-managed policy of Karpenter's controller role. */
const KARPENTER_CONTROLLER_POLICY = /^[a-z0-9-]+\/Compute\/Karpenter\/Controller\/Policy\/Resource$/;

/**
 * The wildcard resources of the AWS Load Balancer Controller's IAM policy, as cdk-nag prints them: one finding per
 * resource, all with one reason.
 */

/** Findings accepted on the compute stack: the EKS cluster, its nodes, add-ons, kubectl provider and pod roles. */
export const COMPUTE_ACKNOWLEDGMENTS: readonly NagAcknowledgment[] = [
  {
    rule: 'AwsSolutions::AwsSolutions-IAM5',
    wildcardResources:
      /^arn:aws[a-z-]*:(ec2:[a-z0-9-]+:(\d{12})?:(image|snapshot|security-group|subnet|fleet|instance|volume|network-interface|launch-template|spot-instances-request)\/\*|ssm:[a-z0-9-]+::parameter\/aws\/service\/\*)$/,
    reason:
      "Karpenter's controller launches and terminates instances it has not seen yet, so their ids cannot be named; " +
      'the policy is the one of Karpenter\'s reference template (getting-started cloudformation.yaml, v1) narrowed to ' +
      "this region and account: RunInstances and CreateFleet only with a launch template tagged for this cluster and a " +
      'node pool, every created instance, volume, interface, fleet and launch template required to carry those tags ' +
      '(aws:RequestTag), CreateTags only on creation or on its own instances with three keys, TerminateInstances and ' +
      'DeleteLaunchTemplate only on resources tagged for this cluster. AMIs, their snapshots and the public SSM ' +
      'parameters under /aws/service/ (where the AMI alias resolves) are Amazon\'s and read-only.',
    resourceType: 'AWS::IAM::ManagedPolicy',
    pathPattern: KARPENTER_CONTROLLER_POLICY,
  },
  {
    rule: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
    reason:
      'EC2 Describe* calls support no resource-level permissions (Service Authorization Reference, "Actions defined by ' +
      'Amazon EC2": no resource types for DescribeInstances, DescribeSubnets...), and pricing:GetProducts has none ' +
      'either. The Describe statement holds only when the request is for this region (aws:RequestedRegion); the ' +
      'price list is public data Karpenter reads to pick the cheapest type.',
    resourceType: 'AWS::IAM::ManagedPolicy',
    pathPattern: KARPENTER_CONTROLLER_POLICY,
  },
  {
    rule: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
    reason:
      'KEDA reads chat\'s open-sockets metric with cloudwatch:GetMetricData, which supports no resource-level ' +
      'permission and no condition key to narrow it (Service Authorization Reference, "Actions defined by Amazon ' +
      'CloudWatch"): the role may read metrics of this account, never write or change one.',
    resourceType: 'AWS::IAM::ManagedPolicy',
    pathPattern: /^[a-z0-9-]+\/Compute\/Keda\/Operator\/Policy\/Resource$/,
  },
  {
    rule: 'AwsSolutions::AwsSolutions-IAM5',
    wildcardResources: /^arn:aws[a-z-]*:rds-db:[a-z0-9-]+:\d{12}:dbuser:prx-\*\/gigascale_probe$/,
    reason:
      "The probe signs in to the shards' RDS proxies as its own database user. An rds-db:connect resource names a proxy " +
      'by its resource id (prx-...), which exists only once the proxy does, in the shard-group stacks; the statement ' +
      'therefore names every proxy of this region and account, and exactly one database user, gigascale_probe, whose ' +
      "only privilege is SELECT on the reserved probe users' rows (db/migrations/0004_probe_role.sql). No other user " +
      'can be signed in as, and no proxy outside this region and account.',
    resourceType: 'AWS::IAM::ManagedPolicy',
    pathPattern: /^[a-z0-9-]+\/Compute\/PodRoles\/Probe\/Policy\/Resource$/,
  },
  {
    rule: 'AwsSolutions::AwsSolutions-SQS3',
    reason:
      "Karpenter's interruption queue holds warnings that matter for two minutes (a spot reclaim) to a few hours (a " +
      'scheduled retirement); it keeps them five minutes. A message Karpenter fails to handle is not worth keeping for ' +
      'later: a dead-letter queue would hold stale warnings that no one acts on. Karpenter logs every message it ' +
      'cannot handle.',
    resourceType: 'AWS::SQS::Queue',
    pathPattern: /^[a-z0-9-]+\/Compute\/Karpenter\/InterruptionQueue\/Resource$/,
  },
  {
    rule: 'CloudFormation-Validate::W9009',
    reason:
      "aws-eks-v2 writes EncryptionConfig[].Resources: ['secrets'] for envelope encryption, which the CloudFormation " +
      "schema now marks deprecated ('secrets' is the only value EKS has ever accepted: AWS CloudFormation Template " +
      'Reference, "AWS::EKS::Cluster EncryptionConfig"). The encryption itself is what matters and is asserted in ' +
      'test/compute-stack.test.ts; removing the property with an override would make the template differ from what ' +
      'the construct library maintains.',
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
      'The node roles (of the managed node groups, and of the nodes Karpenter launches) need AmazonEKSWorkerNodePolicy (Amazon EKS User Guide, "Amazon EKS ' +
      'node IAM role"): the kubelet describes its instance and the cluster, and the Pod Identity agent exchanges tokens ' +
      '(eks-auth:AssumeRoleForPodIdentity). Pods cannot use the node\'s credentials: IMDSv2 with a hop limit of 1.',
    resourceType: 'AWS::IAM::Role',
    pathPattern: NODE_ROLE,
  },
  {
    rule: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly]',
    reason:
      'Nodes pull images (gigascale\'s from the region\'s ECR, the add-ons\' from the EKS registries) with the node ' +
      'role, which EKS requires to have ECR pull permissions (Amazon EKS User Guide, "Amazon EKS node IAM role"). ' +
      'AmazonEC2ContainerRegistryReadOnly grants those and read-only describe and list calls, no push.',
    resourceType: 'AWS::IAM::Role',
    pathPattern: NODE_ROLE,
  },
  {
    rule: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEKS_CNI_Policy]',
    reason:
      'The VPC CNI (aws-node) assigns ENIs, addresses and prefixes to nodes with AmazonEKS_CNI_Policy, the policy the ' +
      'add-on documents (Amazon EKS User Guide, "Configure Amazon VPC CNI plugin to use IRSA", which recommends a role ' +
      'of its own). It sits on the add-on\'s own Pod Identity role (kube-system/aws-node), not on the node role, ' +
      'so no other pod shares these permissions.',
    resourceType: 'AWS::IAM::Role',
    pathPattern: /^[a-z0-9-]+\/Compute\/Addons\/VpcCniRole\/Resource$/,
  },
  {
    rule: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy]',
    reason:
      'The EBS CSI controller (kube-system/ebs-csi-controller-sa, through Pod Identity) creates, attaches and deletes ' +
      'volumes with AmazonEBSCSIDriverPolicy, the policy the add-on requires (Amazon EKS User Guide, "Amazon EBS CSI ' +
      'driver"); its conditions already limit it to volumes and snapshots the driver tagged.',
    resourceType: 'AWS::IAM::Role',
    pathPattern: /^[a-z0-9-]+\/Compute\/Addons\/EbsCsiRole\/Resource$/,
  },
  {
    rule: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason:
      'Roles of the two functions of the CDK\'s kubectl provider (aws-eks-v2), which apply manifests and Helm charts ' +
      'during deployments only. The CDK attaches the basic execution policy so they can write their own logs.',
    resourceType: 'AWS::IAM::Role',
    pathPattern: KUBECTL_FUNCTION_ROLE,
  },
  {
    rule: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
    reason:
      'The kubectl provider\'s functions run in the private subnets to reach the cluster\'s private endpoint; the CDK ' +
      'attaches the VPC access policy Lambda requires to manage their network interfaces (AWS Managed Policy ' +
      'Reference, "AWSLambdaVPCAccessExecutionRole").',
    resourceType: 'AWS::IAM::Role',
    pathPattern: KUBECTL_FUNCTION_ROLE,
  },
  {
    rule: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly]',
    reason:
      'The kubectl provider\'s handler pulls OCI Helm charts from ECR (the AWS Load Balancer Controller\'s and any other ' +
      'chart hosted there); the CDK attaches the read-only registry policy, which cannot push.',
    resourceType: 'AWS::IAM::Role',
    pathPattern: KUBECTL_HANDLER_ROLE,
  },
  // cdk-nag names the next two findings with CloudFormation logical ids (the ECR Public condition, the handler
  // function) because the policy ARN and the resource are expressions: the id is part of the finding's name; the
  // scope is the path.
  {
    rule:
      'AwsSolutions::AwsSolutions-IAM4[Policy::{"Fn::If":["ClusterKubectlProviderHandlerHasEcrPublic69E09706",{"Fn::Join":["",["arn:",' +
      '{"Ref":"AWS::Partition"},":iam::aws:policy/AmazonElasticContainerRegistryPublicReadOnly"]]},{"Ref":"AWS::NoValue"}]}]',
    reason:
      'The kubectl provider\'s handler may pull Helm charts from ECR Public; the CDK attaches the read-only ECR Public ' +
      'policy in the aws partition only (the condition). It reads public artifacts and writes nothing.',
    resourceType: 'AWS::IAM::Role',
    pathPattern: KUBECTL_HANDLER_ROLE,
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
      '(describe this cluster, invoke the handler) and the AWS Load Balancer Controller\'s IRSA role (its narrowed ' +
      'policy, lib/views/alb-controller-policy.ts). gigascale\'s own roles use customer-managed policies.',
    resourceType: 'AWS::IAM::Policy',
    pathPattern:
      /^[a-z0-9-]+\/Compute\/(Cluster\/KubectlProvider\/(Handler|Provider\/framework-onEvent)\/ServiceRole|[A-Za-z0-9]+-AlbController\/alb-sa\/Role)\/DefaultPolicy\/Resource$/,
  },
  {
    rule: 'AwsSolutions::AwsSolutions-IAM5',
    wildcardResources: /^\*$/,
    reason:
      'The AWS Load Balancer Controller\'s read-only actions, verbatim from the policy its project publishes for the ' +
      'pinned version: EC2 and ELB Describe and Get actions, which have no resource-level permissions (Service ' +
      'Authorization Reference). Its writes are narrowed to tagged resources (lib/views/alb-controller-policy.ts); only ' +
      'its service account (kube-system/aws-load-balancer-controller) can assume the role.',
    resourceType: 'AWS::IAM::Policy',
    pathPattern: ALB_CONTROLLER_POLICY,
  },
  {
    rule: 'AwsSolutions::AwsSolutions-IAM5',
    wildcardResources: /^arn:<AWS::Partition>:(elasticloadbalancing:[a-z0-9-]+:\d{12}:targetgroup\/\*\/\*|ec2:[a-z0-9-]+:\d{12}:security-group\/\*)$/,
    reason:
      'The AWS Load Balancer Controller reconciles TargetGroupBindings: it registers pod IPs in the target groups the ' +
      'ingress stack creates (auto-named by CloudFormation) and opens the cluster security group to the load balancers\' ' +
      'security groups. The ARNs are this account and region; each statement is conditioned on tags: target groups ' +
      'tagged with this environment\'s project and env tags, the security group tagged aws:eks:cluster-name with this ' +
      'cluster\'s name (lib/views/alb-controller-policy.ts).',
    resourceType: 'AWS::IAM::Policy',
    pathPattern: ALB_CONTROLLER_POLICY,
  },
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
    pathPattern: KUBECTL_FUNCTION,
  },
  {
    rule: 'NIST.800.53.R5::NIST.800.53.R5-LambdaDLQ',
    reason:
      'CloudFormation invokes the kubectl provider synchronously and waits for the answer; a dead-letter queue only ' +
      'receives events of asynchronous invocations that failed every attempt (AWS Lambda Developer Guide, "Capturing ' +
      'records of Lambda asynchronous invocations"). A failure fails the stack operation, which rolls back, and both ' +
      'functions log to KMS-encrypted log groups with retention.',
    resourceType: 'AWS::Lambda::Function',
    pathPattern: KUBECTL_FUNCTION,
  },
  {
    rule: 'AwsSolutions::AwsSolutions-IAM5',
    wildcardResources: /^arn:[a-z-]+:secretsmanager:[a-z0-9-]+:\d{12}:secret:gigascale\/[a-z0-9]+\/shard-\*$/,
    reason:
      'Services that query the shards, and the migration Jobs, read every shard\'s credentials: a request may reach ' +
      'any shard, and the shard count grows without a redeploy of the roles. The prefix `gigascale/<env>/shard-` ' +
      '(shardSecretNamePrefix in lib/facts/names/data.ts) names only this environment\'s shard secrets in the write region.',
    resourceType: 'AWS::IAM::ManagedPolicy',
    pathPattern: POD_ROLE_POLICY,
  },
  {
    rule: 'AwsSolutions::AwsSolutions-IAM5',
    wildcardResources: /^arn:[a-z-]+:kms:[a-z0-9-]+:\d{12}:key\/\*$/,
    reason:
      'A key operation cannot name an alias as its Resource (AWS KMS Developer Guide, "Use aliases to control access ' +
      'to KMS keys"), and the data and media keys live in other stacks. Each statement admits only the key under the ' +
      'data or media alias (kms:ResourceAliases) and only when Secrets Manager or S3 of that key\'s region calls on ' +
      'the pod\'s behalf (kms:ViaService).',
    resourceType: 'AWS::IAM::ManagedPolicy',
    pathPattern: POD_ROLE_POLICY,
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
    rule: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/CloudWatchAgentServerPolicy]',
    reason:
      'The CloudWatch agent of the amazon-cloudwatch-observability add-on (amazon-cloudwatch/cloudwatch-agent, through Pod ' +
      'Identity) writes the probe\'s embedded-metric-format lines to CloudWatch Logs with CloudWatchAgentServerPolicy, the ' +
      'policy the add-on documents (Amazon CloudWatch User Guide, "Quick start with the Amazon CloudWatch Observability ' +
      'EKS add-on"). It sits on the add-on\'s own role, not on the node role, so no other pod shares it.',
    resourceType: 'AWS::IAM::Role',
    pathPattern: /^[a-z0-9-]+\/Compute\/Addons\/CloudWatchAgentRole\/Resource$/,
  },
  {
    rule: 'CfnGuard::CT.LAMBDA.PR.3',
    reason:
      'The kubectl provider\'s functions run in the cluster\'s private subnets, with the cluster security group: they reach ' +
      'the private EKS endpoint from there. Their subnets are cross-stack references to the network stack ' +
      '(Fn::GetStackOutput), which the rule does not accept as subnet ids and reports as outside a VPC.',
    resourceType: 'AWS::Lambda::Function',
    pathPattern: KUBECTL_FUNCTION,
  },
  {
    rule: 'CfnGuard::CT.LAMBDA.PR.3',
    reason:
      "aws-cdk-lib's CfnUtils provider evaluates CfnJson values at deploy time (it turns a JSON value holding deploy-time " +
      'references into a string, for the IRSA trust conditions keyed by the cluster\'s OIDC issuer): it calls no service ' +
      'and reaches no resource, so a VPC would add network interfaces and nothing to isolate.',
    resourceType: 'AWS::Lambda::Function',
    pathPattern: /^[a-z0-9-]+\/Compute\/AWSCDKCfnUtilsProviderCustomResourceProvider\/Handler$/,
  },
  {
    rule: 'CfnGuard::CT.EC2.PR.10',
    reason:
      'The launch template of the system node group leaves EC2 detailed monitoring off: the nodes are watched at one-minute ' +
      'resolution by Container Insights (the CloudWatch agent add-on at the standard level), which the compute alarms read. ' +
      'Detailed monitoring would add one-minute hypervisor metrics at about 2.10 USD per node and month that no alarm reads.',
    resourceType: 'AWS::EC2::LaunchTemplate',
    pathPattern: /^[a-z0-9-]+\/Compute\/Nodes\/LaunchTemplate\/Resource$/,
  },
  {
    rule: 'CfnGuard::CT.SQS.PR.1',
    reason:
      "Karpenter's interruption queue holds EC2 Spot interruption warnings, rebalance recommendations and instance state " +
      'changes, worth minutes: it keeps them 5 minutes, and a message Karpenter could not act on in time is stale. A ' +
      'dead-letter queue would collect only stale events with no consumer; Karpenter\'s own getting-started template ' +
      'defines this queue without one.',
    resourceType: 'AWS::SQS::Queue',
    pathPattern: /^[a-z0-9-]+\/Compute\/Karpenter\/InterruptionQueue\/Resource$/,
  },
  {
    rule: 'AwsSolutions::AwsSolutions-IAM5',
    wildcardResources: /^arn:<AWS::Partition>:ecr:<AWS::Region>:<AWS::AccountId>:repository\/docker-hub\/\*$/,
    reason:
      'The ECR pull-through cache creates a repository for each Docker Hub repository on its first pull, named after it ' +
      'under the docker-hub/ prefix (Amazon ECR User Guide, "IAM permissions required to sync an upstream registry"): the ' +
      'names are not known in advance. The nodes may import upstream images and create repositories under that prefix ' +
      'in their own account and region, nothing else; pushing and deleting stay denied.',
    resourceType: 'AWS::IAM::ManagedPolicy',
    pathPattern: DOCKER_HUB_PULL_POLICY,
  },
  ...(['AwsSolutions::AwsSolutions-SMG4', 'NIST.800.53.R5::NIST.800.53.R5-SecretsManagerRotationEnabled'] as const).map((rule) => ({
    rule,
    reason:
      'The secret holds a Docker Hub username and access token, which Docker Hub creates: a rotation function would need a ' +
      'Docker Hub credential able to mint tokens, stored beside it, and would protect nothing. The token only reads ' +
      'public repositories and is rotated where it is issued: a new token in Docker Hub, put into this secret, then the ' +
      'old one revoked (docs/deploy.md).',
    resourceType: 'AWS::SecretsManager::Secret',
    pathPattern: DOCKER_HUB_CREDENTIALS,
  })),
  {
    rule: 'NIST.800.53.R5::NIST.800.53.R5-SecretsManagerUsingKMSKey',
    reason:
      'ECR reads the Docker Hub credentials through its pull-through cache service-linked role, whose AWS-managed policy ' +
      '(AWSECRPullThroughCache_ServiceRolePolicy) allows secretsmanager:GetSecretValue on ecr-pullthroughcache/* and no ' +
      'kms:Decrypt, and a key policy cannot name that role before the first rule creates it: the secret uses Secrets ' +
      "Manager's AWS-managed key, which decrypts for any caller the secret's own permissions admit.",
    resourceType: 'AWS::SecretsManager::Secret',
    pathPattern: DOCKER_HUB_CREDENTIALS,
  },
  {
    rule: 'NIST.800.53.R5::NIST.800.53.R5-LambdaDLQ',
    reason:
      'Secrets Manager invokes the TURN secret\'s rotation function once per rotation step and acts on its answer: a ' +
      'failed step leaves the pending version unpromoted, marks the rotation failed on the secret, and is retried by ' +
      'the next attempt. A dead-letter queue only receives events of asynchronous invocations that failed every ' +
      'attempt (AWS Lambda Developer Guide, "Capturing records of Lambda asynchronous invocations"); the function ' +
      'logs every call to its own KMS-encrypted log group with retention.',
    resourceType: 'AWS::Lambda::Function',
    pathPattern: TURN_ROTATION_FUNCTION,
  },
  ...(['NIST.800.53.R5::NIST.800.53.R5-LambdaInsideVPC', 'CfnGuard::CT.LAMBDA.PR.3'] as const).map((rule) => ({
    rule,
    reason:
      'The TURN secret\'s rotation function calls one regional AWS API, Secrets Manager, on one secret, and reaches no ' +
      'resource inside the VPC (coturn and voice read the secret themselves). Placing it in the VPC would add network ' +
      'interfaces, a route to the Secrets Manager API and the AWS-managed VPC access policy for no isolation gain: its ' +
      'role may read, write and restage that one secret and write to its own log group, nothing else.',
    resourceType: 'AWS::Lambda::Function',
    pathPattern: TURN_ROTATION_FUNCTION,
  })),
];
