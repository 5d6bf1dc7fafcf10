import { beforeAll, describe, expect, it } from 'vitest';
import { Stage, type App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cdk8s from 'cdk8s';
import type { EnvironmentPlan, GigascaleConfig } from '../lib/plan';
import { configWith, env as envInput } from './support/config';
import { shardSecretName, shardSecretNamePrefix } from '../lib/facts/names/data';
import { turnSecretName } from '../lib/facts/names/compute';
import { secretRotationScript } from '../lib/views/secret-rotation-script';
import { applyComplianceGate } from '../stacks/compliance';
import { MAX_MANIFEST_BYTES, objectBytes, packObjects } from '../stacks/compute/chart-manifests';
import { ComputeStack } from '../stacks/compute/compute-stack';
import { NetworkStack } from '../stacks/network/network-stack';
import { newApp, planOf } from './support/synth';

type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: string[]; DeletionPolicy?: string };

/** `count` ConfigMaps of about `bytes` each, in chart `id`. */
function configMapChart(app: cdk8s.App, id: string, count: number, bytes: number): cdk8s.Chart {
  const chart = new cdk8s.Chart(app, id);
  for (let i = 0; i < count; i++) {
    new cdk8s.ApiObject(chart, `cm${i}`, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `${id}-${i}`, namespace: 'gigascale' },
      data: { blob: 'x'.repeat(bytes) },
    });
  }
  return chart;
}

/** The charts every test stage applies: namespaces, a small config chart and, optionally, a bulky one. */
function charts(bulk: boolean): cdk8s.Chart[] {
  const app = new cdk8s.App();
  const namespaces = new cdk8s.Chart(app, 'namespaces');
  for (const name of ['gigascale', 'gigascale-turn']) {
    new cdk8s.ApiObject(namespaces, name, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  }
  const out = [namespaces, configMapChart(app, 'service-config', 1, 100)];
  // Six ConfigMaps of ~45 KB: 270 KB, more than one manifest holds.
  if (bulk) out.push(configMapChart(app, 'bulk', 6, 45_000));
  return out;
}

interface Built {
  readonly app: App;
  readonly environment: EnvironmentPlan;
  readonly compute: ComputeStack;
}

/** A stage with the network stack and the compute stack of the environment's first region. */
function build(env: string, chartList: readonly cdk8s.Chart[], config?: GigascaleConfig): Built {
  const app = newApp();
  const environment = (config ? planOf({ env }, config) : planOf({ env })).environments.find((e) => e.name === env)!;
  const region = environment.regions[0];
  const stage = new Stage(app, `${env}-${region.name}`, { env: { account: environment.account, region: region.name } });
  const network = new NetworkStack(stage, 'Network', { environment, region });
  const compute = new ComputeStack(stage, 'Compute', { environment, region, vpc: network.vpc, charts: chartList });
  applyComplianceGate(stage);
  return { app, environment, compute };
}

let dev: Built;
let prod: Built;
let template: Template;
let prodTemplate: Template;
const sizes: Record<string, { resources: number; bytes: number }> = {};
let synthMs = 0;

beforeAll(() => {
  const started = Date.now();
  dev = build('dev', charts(true));
  prod = build('prod', charts(false));
  // Synthesis runs cdk-nag and the limits guard: an unacknowledged finding throws here.
  for (const [name, built] of Object.entries({ dev, prod })) {
    const artifact = built.app.synth().getStackArtifact(built.compute.artifactId);
    sizes[name] = { resources: Object.keys(artifact.template.Resources).length, bytes: JSON.stringify(artifact.template).length };
    if (name === 'dev') template = Template.fromJSON(artifact.template);
    else prodTemplate = Template.fromJSON(artifact.template);
  }
  synthMs = Date.now() - started;
});

function resources(t: Template, type: string, props: Record<string, unknown> = {}): Record<string, Resource> {
  return t.findResources(type, { Properties: Match.objectLike(props) }) as Record<string, Resource>;
}

/** The logical id of the only resource of a type whose properties match. */
function logicalId(type: string, props: Record<string, unknown> = {}, t: Template = template): string {
  const ids = Object.keys(resources(t, type, props));
  expect(ids, `${type} ${JSON.stringify(props)}`).toHaveLength(1);
  return ids[0];
}

const keyArn = () => ({ 'Fn::GetAtt': [logicalId('AWS::KMS::Key'), 'Arn'] });

describe('compute stack', () => {
  it('is named <env>-<region>-compute and passes the compliance gate for dev and prod', () => {
    expect(dev.compute.stackName).toBe('dev-us-east-1-compute');
    expect(prod.compute.stackName).toBe('prod-us-east-1-compute');
    console.log(`compute stack sizes: ${JSON.stringify(sizes)}; synth of both stages ${synthMs} ms`);
  });

  it('stays well under the stack limits guard', () => {
    for (const s of Object.values(sizes)) {
      expect(s.resources).toBeLessThan(150);
      expect(s.bytes).toBeLessThan(800_000);
    }
  });
});

describe('cluster', () => {
  it('runs Kubernetes 1.35 under the planned name in the private subnets', () => {
    template.hasResourceProperties('AWS::EKS::Cluster', {
      Name: 'gigascale-dev-us-east-1',
      Version: '1.35',
      ResourcesVpcConfig: Match.objectLike({
        SubnetIds: Array(3).fill(
          Match.objectLike({ 'Fn::GetStackOutput': Match.objectLike({ OutputName: Match.stringLikeRegexp('PrivateSubnet\\d') }) }),
        ),
      }),
    });
  });

  it('is deletion-protected and retained in every environment, like the other stateful resources', () => {
    for (const t of [template, prodTemplate]) {
      const clusters = Object.values(resources(t, 'AWS::EKS::Cluster'));
      expect(clusters).toHaveLength(1);
      expect(clusters[0]).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain', Properties: { DeletionProtection: true } });
    }
  });

  it('keeps the dev endpoint private only', () => {
    template.hasResourceProperties('AWS::EKS::Cluster', {
      ResourcesVpcConfig: Match.objectLike({ EndpointPrivateAccess: true, EndpointPublicAccess: false, PublicAccessCidrs: Match.absent() }),
    });
  });

  it('keeps the prod endpoint private too: the shipped config states no public CIDR', () => {
    expect(prod.environment.compute.publicEndpointCidrs).toEqual([]);
    prodTemplate.hasResourceProperties('AWS::EKS::Cluster', {
      ResourcesVpcConfig: Match.objectLike({ EndpointPrivateAccess: true, EndpointPublicAccess: false, PublicAccessCidrs: Match.absent() }),
    });
  });

  it('opens the public endpoint to the CIDRs the config states, and to nothing else', () => {
    const opened = build('test', charts(false), configWith(envInput({ regions: ['us-east-1'], compute: { publicEndpointCidrs: ['198.51.100.0/24'] } })));
    Template.fromStack(opened.compute).hasResourceProperties('AWS::EKS::Cluster', {
      ResourcesVpcConfig: Match.objectLike({ EndpointPrivateAccess: true, EndpointPublicAccess: true, PublicAccessCidrs: ['198.51.100.0/24'] }),
    });
  });

  it('envelope-encrypts Kubernetes secrets with the cluster key', () => {
    template.hasResourceProperties('AWS::EKS::Cluster', { EncryptionConfig: [{ Provider: { KeyArn: keyArn() }, Resources: ['secrets'] }] });
    template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/gigascale/dev/eks' });
  });

  it('delivers all five control-plane log types', () => {
    template.hasResourceProperties('AWS::EKS::Cluster', {
      Logging: {
        ClusterLogging: {
          EnabledTypes: ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'].map((type) => ({ Type: type })),
        },
      },
    });
  });

  it('authenticates with access entries only and gives CloudFormation no admin entry', () => {
    template.hasResourceProperties('AWS::EKS::Cluster', {
      AccessConfig: { AuthenticationMode: 'API', BootstrapClusterCreatorAdminPermissions: false },
      BootstrapSelfManagedAddons: false,
      ComputeConfig: Match.objectLike({ Enabled: false }),
    });
    template.resourceCountIs('AWS::AutoScaling::AutoScalingGroup', 0);
  });

  it('gives cluster-admin access entries to the configured admin role and the kubectl provider only', () => {
    const entries = resources(prodTemplate, 'AWS::EKS::AccessEntry');
    const admins = Object.values(entries).filter((e) => JSON.stringify(e.Properties).includes('AmazonEKSClusterAdminPolicy'));
    expect(admins.map((e) => e.Properties.PrincipalArn)).toEqual([
      { 'Fn::GetAtt': ['ClusterKubectlProviderHandlerServiceRoleB460AA6D', 'Arn'] },
      'arn:aws:iam::222222222222:role/platform-admin',
    ]);
    expect(admins[1].Properties.AccessPolicies).toEqual([
      { AccessScope: { Type: 'cluster' }, PolicyArn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy']] } },
    ]);
  });

  it('creates the control-plane log group first, encrypted, kept as long as the other audit logs (the flow logs), retained', () => {
    const group = logicalId('AWS::Logs::LogGroup', { LogGroupName: '/aws/eks/gigascale-dev-us-east-1/cluster' });
    const [logGroup] = Object.values(resources(template, 'AWS::Logs::LogGroup', { LogGroupName: '/aws/eks/gigascale-dev-us-east-1/cluster' }));
    expect(logGroup.Properties).toMatchObject({ RetentionInDays: dev.environment.network.flowLogRetentionDays, KmsKeyId: keyArn() });
    expect(logGroup.DeletionPolicy).toBe('Retain');
    const [cluster] = Object.values(resources(template, 'AWS::EKS::Cluster'));
    expect(cluster.DependsOn).toContain(group);
  });

  it('lets CloudWatch Logs use the key for the control-plane log group', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'logs.us-east-1.amazonaws.com' },
            Condition: {
              ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': 'arn:aws:logs:us-east-1:111111111111:log-group:/aws/eks/gigascale-dev-us-east-1/cluster' },
            },
          }),
        ]),
      },
    });
  });

  it('installs the AWS Load Balancer Controller 3.2.2', () => {
    template.hasResourceProperties('Custom::AWSCDK-EKS-HelmChart', { Chart: 'aws-load-balancer-controller', Version: '3.2.2', Namespace: 'kube-system' });
  });
});

describe('node groups', () => {
  const azs = ['us-east-1a', 'us-east-1b', 'us-east-1c'];

  it.each(azs)('runs a fixed Graviton AL2023 on-demand system group of one node in %s, in that AZ\'s private subnet, without autoscaler tags', (az) => {
    const lt = logicalId('AWS::EC2::LaunchTemplate');
    template.hasResourceProperties('AWS::EKS::Nodegroup', {
      NodegroupName: `nodes-${az}`,
      Subnets: [Match.objectLike({ 'Fn::GetStackOutput': Match.objectLike({ OutputName: Match.stringLikeRegexp(`PrivateSubnet${azs.indexOf(az) + 1}Subnet`) }) })],
      InstanceTypes: ['m7g.xlarge'],
      AmiType: 'AL2023_ARM_64_STANDARD',
      CapacityType: 'ON_DEMAND',
      ScalingConfig: { MinSize: 1, DesiredSize: 1, MaxSize: 1 },
      LaunchTemplate: { Id: { Ref: lt }, Version: { 'Fn::GetAtt': [lt, 'LatestVersionNumber'] } },
      Labels: { 'gigascale.io/nodegroup': `nodes-${az}` },
    });
    // Karpenter scales the cluster; no Cluster Autoscaler reads these groups.
    for (const group of Object.values(resources(template, 'AWS::EKS::Nodegroup'))) {
      expect(Object.keys((group.Properties.Tags ?? {}) as object).filter((k) => k.startsWith('k8s.io/cluster-autoscaler'))).toEqual([]);
    }
  });

  it('has one group per AZ', () => {
    template.resourceCountIs('AWS::EKS::Nodegroup', 3);
  });

  it('boots nodes with IMDSv2 only, hop limit 1, and an encrypted gp3 root volume', () => {
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        MetadataOptions: Match.objectLike({ HttpEndpoint: 'enabled', HttpTokens: 'required', HttpPutResponseHopLimit: 1 }),
        BlockDeviceMappings: [
          { DeviceName: '/dev/xvda', Ebs: Match.objectLike({ VolumeSize: dev.environment.compute.nodeDiskGiB, VolumeType: 'gp3', Encrypted: true }) },
        ],
      }),
    });
  });

  it('gives the node role only the worker node and registry read policies, not the CNI policy', () => {
    const [group] = Object.values(resources(template, 'AWS::EKS::Nodegroup'));
    const roleId = (group.Properties.NodeRole as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
    const role = template.toJSON().Resources[roleId] as Resource;
    const arns = JSON.stringify(role.Properties.ManagedPolicyArns);
    expect(arns).toContain('AmazonEKSWorkerNodePolicy');
    expect(arns).toContain('AmazonEC2ContainerRegistryReadOnly');
    expect(arns).not.toContain('AmazonEKS_CNI_Policy');
    expect(role.Properties.ManagedPolicyArns).toHaveLength(2);
  });
});

describe('Docker Hub cache', () => {
  it('pulls Docker Hub through ECR under docker-hub/, signed in with a secret under ecr-pullthroughcache/', () => {
    const secret = logicalId('AWS::SecretsManager::Secret', { Name: 'ecr-pullthroughcache/gigascale-dev-docker-hub' });
    template.hasResourceProperties('AWS::ECR::PullThroughCacheRule', {
      EcrRepositoryPrefix: 'docker-hub',
      UpstreamRegistry: 'docker-hub',
      UpstreamRegistryUrl: 'registry-1.docker.io',
      CredentialArn: { Ref: secret },
    });
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'ecr-pullthroughcache/gigascale-dev-docker-hub',
      GenerateSecretString: Match.objectLike({ SecretStringTemplate: '{"username":"set-me"}', GenerateStringKey: 'accessToken' }),
    });
  });

  it('lets both node roles import into the cache\'s repositories, and nothing else', () => {
    const [group] = Object.values(resources(template, 'AWS::EKS::Nodegroup'));
    const roles = [(group.Properties.NodeRole as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0], logicalId('AWS::IAM::Role', { RoleName: 'gigascale-dev-us-east-1-karpenter-node' })];
    const [policy] = Object.values(resources(template, 'AWS::IAM::ManagedPolicy', { Description: Match.stringLikeRegexp('pull-through cache') }));
    expect(policy.Properties.Roles).toEqual(roles.map((r) => ({ Ref: r })));
    expect((policy.Properties.PolicyDocument as { Statement: unknown[] }).Statement).toEqual([
      {
        Sid: 'PullThroughTheDockerHubCache',
        Effect: 'Allow',
        Action: ['ecr:BatchImportUpstreamImage', 'ecr:CreateRepository'],
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecr:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':repository/docker-hub/*']] },
      },
    ]);
  });
});

describe('add-ons', () => {
  it('installs the seven EKS add-ons at EKS\'s default versions', () => {
    const names = Object.values(resources(template, 'AWS::EKS::Addon')).map((r) => r.Properties.AddonName);
    expect(names.sort()).toEqual(
      [
        'amazon-cloudwatch-observability',
        'aws-ebs-csi-driver',
        'aws-secrets-store-csi-driver-provider',
        'coredns',
        'eks-pod-identity-agent',
        'kube-proxy',
        'vpc-cni',
      ].sort(),
    );
    for (const r of Object.values(resources(template, 'AWS::EKS::Addon'))) expect(r.Properties.AddonVersion).toBeUndefined();
  });

  it('turns on prefix delegation and NetworkPolicy enforcement in vpc-cni', () => {
    const [cni] = Object.values(resources(template, 'AWS::EKS::Addon', { AddonName: 'vpc-cni' }));
    expect(JSON.parse(cni.Properties.ConfigurationValues as string)).toEqual({
      env: { ENABLE_PREFIX_DELEGATION: 'true' },
      enableNetworkPolicy: 'true',
    });
  });

  it('gives vpc-cni, the EBS CSI controller and the CloudWatch agent their own Pod Identity roles', () => {
    for (const [addon, serviceAccount, policy] of [
      ['vpc-cni', 'aws-node', 'AmazonEKS_CNI_Policy'],
      ['aws-ebs-csi-driver', 'ebs-csi-controller-sa', 'service-role/AmazonEBSCSIDriverPolicy'],
      ['amazon-cloudwatch-observability', 'cloudwatch-agent', 'CloudWatchAgentServerPolicy'],
    ]) {
      const [r] = Object.values(resources(template, 'AWS::EKS::Addon', { AddonName: addon }));
      const associations = r.Properties.PodIdentityAssociations as { ServiceAccount: string; RoleArn: { 'Fn::GetAtt': string[] } }[];
      expect(associations).toHaveLength(1);
      expect(associations[0].ServiceAccount).toBe(serviceAccount);
      const role = template.toJSON().Resources[associations[0].RoleArn['Fn::GetAtt'][0]] as Resource;
      expect(JSON.stringify(role.Properties.ManagedPolicyArns)).toContain(`:iam::aws:policy/${policy}"`);
      expect(JSON.stringify(role.Properties.AssumeRolePolicyDocument)).toContain('pods.eks.amazonaws.com');
    }
  });

  it('syncs secrets into Kubernetes Secrets with the Secrets Store CSI driver add-on', () => {
    const [r] = Object.values(resources(template, 'AWS::EKS::Addon', { AddonName: 'aws-secrets-store-csi-driver-provider' }));
    expect(JSON.parse(r.Properties.ConfigurationValues as string)).toEqual({ 'secrets-store-csi-driver': { syncSecret: { enabled: true } } });
  });

  it('runs the CloudWatch agent as the probe\'s EMF listener on TCP 25888 and Container Insights\' standard metrics, without Fluent Bit', () => {
    const [r] = Object.values(resources(template, 'AWS::EKS::Addon', { AddonName: 'amazon-cloudwatch-observability' }));
    expect(JSON.parse(r.Properties.ConfigurationValues as string)).toEqual({
      agent: { config: { logs: { metrics_collected: { emf: { service_address: 'tcp://:25888' }, kubernetes: { enhanced_container_insights: false } } } } },
      containerLogs: { enabled: false },
    });
    // The agent writes Container Insights' events to a group the stack made first, encrypted and expiring.
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/aws/containerinsights/gigascale-dev-us-east-1/performance',
      KmsKeyId: keyArn(),
      RetentionInDays: dev.environment.compute.logRetentionDays,
    });
  });

  it('brings the CNI up before the nodes and the Deployment add-ons after them', () => {
    const id = (name: string) => logicalId('AWS::EKS::Addon', { AddonName: name });
    const groups = Object.keys(resources(template, 'AWS::EKS::Nodegroup'));
    for (const group of Object.values(resources(template, 'AWS::EKS::Nodegroup'))) {
      expect(group.DependsOn).toEqual(expect.arrayContaining([id('vpc-cni'), id('kube-proxy'), id('eks-pod-identity-agent')]));
    }
    for (const name of ['coredns', 'aws-ebs-csi-driver', 'aws-secrets-store-csi-driver-provider', 'amazon-cloudwatch-observability']) {
      const [addon] = Object.values(resources(template, 'AWS::EKS::Addon', { AddonName: name }));
      expect(addon.DependsOn).toEqual(expect.arrayContaining(groups));
    }
  });
});

describe('pod roles', () => {
  /** The statements of the customer-managed policy attached to a pod role, and the role's managed policy ARNs. */
  function podRole(workload: string): { statements: Record<string, unknown>[]; managed: string; trust: unknown } {
    const roleId = logicalId('AWS::IAM::Role', { RoleName: `gigascale-dev-us-east-1-pod-${workload}` });
    const role = template.toJSON().Resources[roleId] as Resource;
    const policies = Object.values(resources(template, 'AWS::IAM::ManagedPolicy', { Roles: [{ Ref: roleId }] }));
    const statements = policies.flatMap((p) => (p.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement);
    return { statements, managed: JSON.stringify(role.Properties.ManagedPolicyArns ?? []), trust: role.Properties.AssumeRolePolicyDocument };
  }
  const shardStatements = [
    {
      Sid: 'ShardSecrets',
      Effect: 'Allow',
      Action: 'secretsmanager:GetSecretValue',
      Resource: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:gigascale/dev/shard-*',
    },
    {
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: 'arn:aws:kms:us-east-1:111111111111:key/*',
      Condition: {
        'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/gigascale/dev/data' },
        StringEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' },
      },
    },
  ];

  it('derives the shard secret prefix from the shard secret name', () => {
    expect(shardSecretNamePrefix('dev')).toBe('gigascale/dev/shard-');
    expect(shardSecretName('dev', 7).startsWith(shardSecretNamePrefix('dev'))).toBe(true);
  });

  it.each(['auth', 'entity', 'chat', 'voice', 'memory', 'migrations', 'turn', 'probe'])('trusts only EKS Pod Identity for %s', (workload) => {
    expect(podRole(workload).trust).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'] }],
    });
  });

  it('gives the gateway no role', () => {
    expect(Object.keys(resources(template, 'AWS::IAM::Role', { RoleName: 'gigascale-dev-us-east-1-pod-gateway' }))).toHaveLength(0);
    expect(JSON.stringify(template.toJSON())).not.toContain('pod-gateway');
  });

  it.each(['auth', 'chat', 'memory', 'migrations'])('lets %s read the shard secrets and decrypt them through Secrets Manager only', (workload) => {
    expect(podRole(workload).statements).toEqual(shardStatements);
  });

  it('lets entity read the shards and use its region\'s media objects and key through S3', () => {
    expect(podRole('entity').statements).toEqual([
      ...shardStatements,
      {
        Sid: 'MediaObjects',
        Effect: 'Allow',
        Action: ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'],
        Resource: 'arn:aws:s3:::gigascale-dev-media-111111111111-us-east-1/*',
      },
      {
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: 'arn:aws:kms:us-east-1:111111111111:key/*',
        Condition: {
          'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/gigascale/dev/media' },
          StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' },
        },
      },
    ]);
  });

  it('lets voice read its OpenAI key and the TURN secret, and nothing of the shards', () => {
    const secret = logicalId('AWS::SecretsManager::Secret', { Name: turnSecretName('dev') });
    expect(podRole('voice').statements).toEqual([
      {
        Sid: 'OwnSecrets',
        Effect: 'Allow',
        Action: 'secretsmanager:GetSecretValue',
        Resource: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:gigascale/dev/voice/openai-api-key-??????',
      },
      { Sid: 'TurnSecret', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: { Ref: secret } },
      {
        Sid: 'TurnSecretKey',
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: keyArn(),
        Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' } },
      },
    ]);
  });

  it('does not let memory read the OpenAI key', () => {
    expect(JSON.stringify(podRole('memory').statements)).not.toContain('openai-api-key');
  });

  it('lets turn read its static auth secret only', () => {
    const statements = podRole('turn').statements;
    expect(statements.map((s) => s.Sid)).toEqual(['TurnSecret', 'TurnSecretKey']);
    expect(podRole('turn').managed).toBe('[]');
  });

  it.each(['auth', 'entity', 'chat', 'voice', 'memory'])('attaches the cache and bus policies of %s by name', (service) => {
    const { managed } = podRole(service);
    expect(managed).toContain(`:policy/gigascale-dev-us-east-1-cache-${service}"`);
    const usesBus = dev.environment.bus.topics.some((t) => t.producers.includes(service as never) || t.consumers.includes(service as never));
    expect(managed.includes(`:policy/gigascale-dev-us-east-1-bus-${service}"`)).toBe(usesBus);
  });

  it("lets the probe sign in to the region's shard proxies as its own database user and to the cache as its own cache user, and nothing else", () => {
    expect(podRole('probe').statements).toEqual([
      { Sid: 'ProbeDatabaseUser', Effect: 'Allow', Action: 'rds-db:connect', Resource: 'arn:aws:rds-db:us-east-1:111111111111:dbuser:prx-*/gigascale_probe' },
    ]);
    // The cache stack's probe policy (test/cache-stack.test.ts), by name.
    expect(podRole('probe').managed).toBe('["arn:aws:iam::111111111111:policy/gigascale-dev-us-east-1-cache-probe"]');
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { Namespace: 'gigascale', ServiceAccount: 'gigascale-probe' });
  });

  it('attaches no cache or bus policy to the migrations', () => {
    expect(podRole('migrations').managed).toBe('[]');
  });

  it.each([
    ['auth', 'gigascale', 'gigascale-auth'],
    ['voice', 'gigascale', 'gigascale-voice'],
    ['migrations', 'gigascale', 'gigascale-migrations'],
    ['turn', 'gigascale-turn', 'gigascale-turn'],
    ['karpenter', 'kube-system', 'karpenter'],
    ['memory-consumer', 'gigascale', 'gigascale-memory-consumer'],
    ['keda', 'keda', 'keda-operator'],
  ])('associates the %s role with %s/%s', (workload, namespace, serviceAccount) => {
    const roleId = logicalId('AWS::IAM::Role', { RoleName: `gigascale-dev-us-east-1-pod-${workload}` });
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', {
      ClusterName: { Ref: logicalId('AWS::EKS::Cluster') },
      Namespace: namespace,
      ServiceAccount: serviceAccount,
      RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] },
    });
  });

  it('has one association per workload with a role', () => {
    // The workloads' eleven (auth, entity, chat, voice, memory, migrations, turn, the three consumers, the probe),
    // Karpenter's controller and KEDA's operator; the add-ons' are part of their add-on resources.
    template.resourceCountIs('AWS::EKS::PodIdentityAssociation', 13);
  });
});

describe('TURN secret', () => {
  it('is generated, encrypted with the cluster key and retained', () => {
    const [secret] = Object.values(resources(template, 'AWS::SecretsManager::Secret', { Name: 'gigascale/dev/turn/static-auth-secret' }));
    expect(secret.Properties).toMatchObject({
      Name: 'gigascale/dev/turn/static-auth-secret',
      KmsKeyId: keyArn(),
      GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true },
    });
    expect(secret.DeletionPolicy).toBe('Retain');
  });

  it('is rotated every 31 days by a function that may touch this secret only, invoked by Secrets Manager for this account only', () => {
    const secret = logicalId('AWS::SecretsManager::Secret', { Name: 'gigascale/dev/turn/static-auth-secret' });
    const fn = logicalId('AWS::Lambda::Function', { Description: Match.stringLikeRegexp('TURN') });
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      SecretId: { Ref: secret },
      RotationLambdaARN: { 'Fn::GetAtt': [fn, 'Arn'] },
      RotationRules: { ScheduleExpression: 'rate(31 days)' },
    });
    const [func] = Object.values(resources(template, 'AWS::Lambda::Function', { Description: Match.stringLikeRegexp('TURN') }));
    expect(func.Properties).toMatchObject({ Runtime: 'nodejs24.x', Handler: 'index.handler', ReservedConcurrentExecutions: 1, Architectures: ['arm64'] });
    expect((func.Properties.Code as { ZipFile: string }).ZipFile).toBe(secretRotationScript());
    template.hasResourceProperties('AWS::Lambda::Permission', {
      FunctionName: { 'Fn::GetAtt': [fn, 'Arn'] },
      Principal: 'secretsmanager.amazonaws.com',
      SourceAccount: '111111111111',
    });
    const [policy] = Object.values(resources(template, 'AWS::IAM::ManagedPolicy', { Description: Match.stringLikeRegexp('Rotates the TURN') }));
    const role = (func.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
    expect(policy.Properties.Roles).toEqual([{ Ref: role }]);
    expect((policy.Properties.PolicyDocument as { Statement: { Sid: string; Action: unknown; Resource: unknown }[] }).Statement.map((st) => [st.Sid, st.Action, st.Resource])).toEqual([
      ['RotateTheSecret', ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'], { Ref: secret }],
      ['UseItsKeyThroughSecretsManager', ['kms:Decrypt', 'kms:GenerateDataKey'], keyArn()],
      ['WriteOwnLogs', ['logs:CreateLogStream', 'logs:PutLogEvents'], { 'Fn::GetAtt': [logicalId('AWS::Logs::LogGroup', { LogGroupName: '/gigascale/dev/us-east-1/compute/turn-secret-rotation' }), 'Arn'] }],
    ]);
    // The role has the policy above and nothing else.
    expect(Object.values(resources(template, 'AWS::IAM::Policy')).filter((p) => JSON.stringify(p.Properties.Roles).includes(role))).toEqual([]);
    expect((template.toJSON().Resources[role] as Resource).Properties.ManagedPolicyArns).toBeUndefined();
  });
});

describe('image repositories', () => {
  const names = ['auth', 'entity', 'chat', 'voice', 'memory', 'db-migrate', 'probe', 'memory-consumer', 'analytics-consumer', 'push-consumer'].map((n) => `gigascale/${n}`);

  it('holds one repository per gigascale image', () => {
    const repos = Object.values(resources(template, 'AWS::ECR::Repository')).map((r) => r.Properties.RepositoryName);
    expect(repos).toEqual(names);
  });

  it.each(names)('makes %s immutable, scanned on push, KMS-encrypted, expiring old images and retained', (name) => {
    const [repo] = Object.values(resources(template, 'AWS::ECR::Repository', { RepositoryName: name }));
    expect(repo.Properties).toMatchObject({
      ImageTagMutability: 'IMMUTABLE',
      ImageScanningConfiguration: { ScanOnPush: true },
      EncryptionConfiguration: { EncryptionType: 'KMS', KmsKey: keyArn() },
    });
    const policy = JSON.parse((repo.Properties.LifecyclePolicy as { LifecyclePolicyText: string }).LifecyclePolicyText);
    expect(policy.rules[0]).toMatchObject({ selection: { countType: 'imageCountMoreThan', countNumber: 50 }, action: { type: 'expire' } });
    expect(repo.DeletionPolicy).toBe('Retain');
  });
});

describe('Karpenter', () => {
  const helm = () => resources(template, 'Custom::AWSCDK-EKS-HelmChart', { Chart: 'karpenter' });
  const policy = () => {
    const role = logicalId('AWS::IAM::Role', { RoleName: 'gigascale-dev-us-east-1-pod-karpenter' });
    const [p] = Object.values(resources(template, 'AWS::IAM::ManagedPolicy')).filter((r) => JSON.stringify(r.Properties.Roles) === JSON.stringify([{ Ref: role }]));
    return (p.Properties.PolicyDocument as { Statement: { Sid: string; Action: string | string[]; Resource: unknown; Condition?: Record<string, Record<string, unknown>> }[] }).Statement;
  };

  it('installs the pinned chart from public ECR in kube-system, told its cluster, queue and region', () => {
    const [id, chart] = Object.entries(helm())[0];
    expect(chart.Properties).toMatchObject({ Chart: 'karpenter', Repository: 'oci://public.ecr.aws/karpenter/karpenter', Version: '1.11.1', Namespace: 'kube-system', Release: 'karpenter', Wait: true });
    expect(JSON.parse(chart.Properties.Values as string)).toEqual({
      settings: { clusterName: 'gigascale-dev-us-east-1', interruptionQueue: 'gigascale-dev-us-east-1' },
      serviceAccount: { create: true, name: 'karpenter' },
      controller: { env: [{ name: 'AWS_REGION', value: 'us-east-1' }], resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } } },
      replicas: 2,
    });
    // After the system nodes it runs on and the Pod Identity association its credentials come through.
    const dependsOn = (template.toJSON().Resources[id] as { DependsOn: string[] }).DependsOn;
    expect(dependsOn).toEqual(expect.arrayContaining([...Object.keys(resources(template, 'AWS::EKS::Nodegroup')), logicalId('AWS::EKS::PodIdentityAssociation', { ServiceAccount: 'karpenter' })]));
  });

  it('keeps interruption warnings five minutes in a KMS-encrypted queue reached over TLS only, fed by four EventBridge rules', () => {
    template.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'gigascale-dev-us-east-1', MessageRetentionPeriod: 300, KmsMasterKeyId: keyArn() });
    const queue = logicalId('AWS::SQS::Queue', { QueueName: 'gigascale-dev-us-east-1' });
    const rules = Object.values(resources(template, 'AWS::Events::Rule')).filter((r) => JSON.stringify(r.Properties.Targets).includes(queue));
    expect(rules.map((r) => r.Properties.EventPattern).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual([
      { source: ['aws.ec2'], 'detail-type': ['EC2 Instance Rebalance Recommendation'] },
      { source: ['aws.ec2'], 'detail-type': ['EC2 Instance State-change Notification'] },
      { source: ['aws.ec2'], 'detail-type': ['EC2 Spot Instance Interruption Warning'] },
      { source: ['aws.health'], 'detail-type': ['AWS Health Event'] },
    ]);
    const queuePolicy = JSON.stringify(Object.values(resources(template, 'AWS::SQS::QueuePolicy')).find((p) => JSON.stringify(p.Properties.Queues).includes(queue))!.Properties.PolicyDocument);
    expect(queuePolicy).toContain('"aws:SecureTransport":"false"');
    expect(queuePolicy).toContain('"Service":"events.amazonaws.com"');
  });

  it('gives its nodes a role of their own with an instance profile of the same name and an EC2_LINUX access entry', () => {
    const role = logicalId('AWS::IAM::Role', { RoleName: 'gigascale-dev-us-east-1-karpenter-node' });
    template.hasResourceProperties('AWS::IAM::InstanceProfile', { InstanceProfileName: 'gigascale-dev-us-east-1-karpenter-node', Roles: [{ Ref: role }] });
    template.hasResourceProperties('AWS::EKS::AccessEntry', { PrincipalArn: { 'Fn::GetAtt': [role, 'Arn'] }, Type: 'EC2_LINUX' });
  });

  it('lets the controller write only to EC2 resources tagged for this cluster, in its own region and account', () => {
    const statements = policy();
    const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
    // Every resource is of this region (or global IAM/pricing) and this account, or Amazon's (images, snapshots, SSM).
    const arns = statements.flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource])).filter((r): r is string => typeof r === 'string');
    for (const arn of arns.filter((a) => a.startsWith('arn:'))) expect(arn, arn).toMatch(/^arn:aws:(ec2|ssm):us-east-1:(111111111111)?:/);
    // Writes other than launching from images, subnets and security groups need the cluster's tags.
    const writes = statements.filter((s) => [s.Action].flat().some((a) => /^ec2:(RunInstances|CreateFleet|CreateLaunchTemplate|CreateTags|TerminateInstances|DeleteLaunchTemplate)$/.test(a)));
    for (const s of writes.filter((w) => w.Sid !== 'LaunchFromImagesSubnetsAndSecurityGroups')) {
      expect(JSON.stringify(s.Condition), s.Sid).toMatch(/kubernetes\.io\/cluster\/gigascale-dev-us-east-1":"owned"/);
    }
    expect(bySid.LaunchFromImagesSubnetsAndSecurityGroups.Action).toEqual(['ec2:CreateFleet', 'ec2:RunInstances']);
    expect(bySid.DescribeInThisRegion).toMatchObject({ Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } } });
    expect(bySid.PassNodeRoleToEc2).toMatchObject({ Action: 'iam:PassRole', Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } } });
    // No IAM writes: the instance profile is the stack's.
    expect(statements.flatMap((s) => [s.Action].flat()).filter((a) => a.startsWith('iam:'))).toEqual(['iam:PassRole', 'iam:GetInstanceProfile']);
    expect(statements.filter((s) => s.Resource === '*').map((s) => s.Sid)).toEqual(['DescribeInThisRegion', 'ReadPrices']);
  });
});

describe('KEDA', () => {
  it('installs the pinned chart in its own namespace, after the system nodes and its operator\'s Pod Identity association', () => {
    const [id, chart] = Object.entries(resources(template, 'Custom::AWSCDK-EKS-HelmChart', { Chart: 'keda' }))[0];
    expect(chart.Properties).toMatchObject({ Chart: 'keda', Repository: 'https://kedacore.github.io/charts', Version: '2.21.1', Namespace: 'keda', CreateNamespace: true, Wait: true });
    expect(JSON.parse(chart.Properties.Values as string)).toEqual({
      serviceAccount: { operator: { create: true, name: 'keda-operator' } },
      env: [{ name: 'AWS_REGION', value: 'us-east-1' }],
    });
    const dependsOn = (template.toJSON().Resources[id] as { DependsOn: string[] }).DependsOn;
    expect(dependsOn).toEqual(expect.arrayContaining([...Object.keys(resources(template, 'AWS::EKS::Nodegroup')), logicalId('AWS::EKS::PodIdentityAssociation', { ServiceAccount: 'keda-operator' })]));
  });

  it("gives the operator the bus stack's lag-reader policy by name and CloudWatch metric reads, nothing else", () => {
    const role = Object.values(resources(template, 'AWS::IAM::Role', { RoleName: 'gigascale-dev-us-east-1-pod-keda' }))[0];
    expect(JSON.stringify(role.Properties.ManagedPolicyArns)).toContain(':policy/gigascale-dev-us-east-1-bus-keda"');
    const roleId = logicalId('AWS::IAM::Role', { RoleName: 'gigascale-dev-us-east-1-pod-keda' });
    const [policy] = Object.values(resources(template, 'AWS::IAM::ManagedPolicy')).filter((r) => JSON.stringify(r.Properties.Roles) === JSON.stringify([{ Ref: roleId }]));
    expect((policy.Properties.PolicyDocument as { Statement: unknown[] }).Statement).toEqual([
      { Sid: 'ReadMetrics', Effect: 'Allow', Action: 'cloudwatch:GetMetricData', Resource: '*' },
    ]);
  });
});

describe('manifests', () => {
  const manifests = () => resources(template, 'Custom::AWSCDK-EKS-KubernetesResource');
  const manifestId = (prefix: string) => Object.keys(manifests()).filter((id) => id.startsWith(`Manifests${prefix}`));

  it('packs whole objects into parts, in order, and splits only an oversized chart', () => {
    const objects = Array.from({ length: 5 }, (_, i) => ({ kind: 'ConfigMap', metadata: { name: `c${i}` }, data: { x: 'y'.repeat(300) } }));
    const limit = 2 + 2 * (objectBytes(objects[0]) + 1);
    expect(packObjects(objects, limit).map((p) => p.map((o) => (o.metadata as { name: string }).name))).toEqual([['c0', 'c1'], ['c2', 'c3'], ['c4']]);
    expect(packObjects(objects, MAX_MANIFEST_BYTES)).toEqual([objects]);
  });

  it('applies a chart over the limit as several parts, each under it', () => {
    const parts = manifestId('BulkPart');
    expect(parts.length).toBeGreaterThanOrEqual(2);
    const names: string[] = [];
    for (const id of parts.sort()) {
      const manifest = manifests()[id].Properties.Manifest as string;
      expect(typeof manifest).toBe('string');
      expect(Buffer.byteLength(manifest)).toBeLessThan(MAX_MANIFEST_BYTES);
      names.push(...(JSON.parse(manifest) as { metadata: { name: string } }[]).map((o) => o.metadata.name));
    }
    expect(names).toEqual(Array.from({ length: 6 }, (_, i) => `bulk-${i}`));
    expect(manifestId('Bulk').filter((id) => !id.startsWith('ManifestsBulkPart'))).toEqual([]);
  });

  it('applies a small chart as one manifest with pruning', () => {
    const [id] = manifestId('ServiceConfig');
    expect(manifests()[id].Properties.PruneLabel).toMatch(/^aws\.cdk\.eks\/prune-/);
  });

  it('applies the namespaces first, and every manifest after the ALB controller and the CSI driver', () => {
    const [namespaces] = manifestId('Namespaces');
    const alb = logicalId('Custom::AWSCDK-EKS-HelmChart', { Chart: 'aws-load-balancer-controller' });
    const csi = logicalId('AWS::EKS::Addon', { AddonName: 'aws-secrets-store-csi-driver-provider' });
    const karpenter = logicalId('Custom::AWSCDK-EKS-HelmChart', { Chart: 'karpenter' });
    const keda = logicalId('Custom::AWSCDK-EKS-HelmChart', { Chart: 'keda' });
    const ours = manifestId('');
    expect(ours).toHaveLength(1 + 1 + manifestId('BulkPart').length);
    for (const id of ours) expect(manifests()[id].DependsOn, id).toEqual(expect.arrayContaining([alb, csi, karpenter, keda]));
    for (const id of ours.filter((x) => x !== namespaces)) expect(manifests()[id].DependsOn, id).toContain(namespaces);
    expect(manifests()[namespaces].DependsOn).not.toContain(manifestId('ServiceConfig')[0]);
  });

  it('refuses an object larger than one manifest and names the chart, the object and its size', () => {
    const app = new cdk8s.App();
    const big = configMapChart(app, 'huge', 1, 250_000);
    const bytes = objectBytes(big.toJson()[0]) + 2;
    let message = '';
    try {
      build('dev', [big]);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe(
      [
        'Invalid chart manifests (1 problem):',
        `  - dev-us-east-1/Compute/Manifests: chart huge: ConfigMap gigascale/huge-0 serializes to ${bytes} bytes, over the ` +
          '200000-byte limit of one manifest (aws-cdk#17362: the kubectl provider receives the manifest in its event); split the object',
      ].join('\n'),
    );
  });
});
