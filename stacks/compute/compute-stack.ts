import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { KubectlV35Layer } from '@aws-cdk/lambda-layer-kubectl-v35';
import type * as cdk8s from 'cdk8s';
import type { Construct } from 'constructs';
import { clusterKeyAlias, clusterLogGroupName, clusterName, containerInsightsLogGroupName, turnRotationLogGroupName, turnSecretName } from '../../lib/facts/names/compute';
import { pascalCase } from '../../lib/util/strings';
import { customerKey } from '../customer-key';
import { allowLogsToUseKey, encryptedLogGroup } from '../logs-key-grant';
import { RegionalStack, type RegionalStackProps } from '../regional-stack';
import { ChartManifests } from './chart-manifests';
import { ClusterAddons } from './cluster-addons';
import { ImageRepositories } from './image-repositories';
import { DockerHubCache } from './docker-hub-cache';
import { SecretRotation } from '../secret-rotation';
import { WorkloadPodRoles } from './pod-roles';
import { ZonalNodeGroups } from './zonal-node-groups';
import { Karpenter } from './karpenter';
import { Keda } from './keda';
import { SYSTEM_NODES_PER_AZ } from '../../lib/facts/karpenter';
import { TURN_SECRET_ROTATION_DAYS } from '../../lib/facts/turn-secret';
import { TierAlarms } from '../observability/tier-alarms';
import { regionAlarmCatalog } from '../../lib/views/alarm-catalog';
import { ALB_CONTROLLER_HELM_VALUES, albControllerPolicy } from '../../lib/views/alb-controller-policy';

export interface ComputeStackProps extends Omit<RegionalStackProps, 'concern'> {
  /** The region's VPC (from the network stack); the cluster and its nodes use its private subnets. */
  readonly vpc: ec2.IVpc;
  /** cdk8s charts to apply, in order; the one with id `namespaces` goes first. */
  readonly charts: readonly cdk8s.Chart[];
}

/**
 * The newest AWS Load Balancer Controller aws-cdk-lib 2.276 ships an IAM policy for (aws-eks-v2 AlbControllerVersion).
 * It reconciles the charts' TargetGroupBindings (the gateway's and the TURN relay's pods in the ingress stack's target
 * groups), and nothing else: its policy is narrowed to that (lib/views/alb-controller-policy.ts).
 */
export const ALB_CONTROLLER_VERSION = eks.AlbControllerVersion.V3_2_2;

/** Every control-plane log type EKS can deliver. */
export const CONTROL_PLANE_LOG_TYPES = [
  eks.ClusterLoggingTypes.API,
  eks.ClusterLoggingTypes.AUDIT,
  eks.ClusterLoggingTypes.AUTHENTICATOR,
  eks.ClusterLoggingTypes.CONTROLLER_MANAGER,
  eks.ClusterLoggingTypes.SCHEDULER,
];

/**
 * `<env>-<region>-compute`: the region's EKS cluster and what runs on it. The control plane (Kubernetes secrets
 * envelope-encrypted and its logs encrypted with the cluster key, every log type on, access entries only, the
 * public endpoint off or limited to the operators' CIDRs), one managed node group per AZ for the system pods,
 * Karpenter for every other node, the EKS add-ons, the AWS Load Balancer Controller, a Pod Identity role per workload, ECR repositories for gigascale's images, the TURN
 * relay's static auth secret, and the lead's cdk8s charts as Kubernetes manifests.
 *
 * The pod roles attach the cache and bus stacks' managed policies by name: those stacks deploy first.
 */
export class ComputeStack extends RegionalStack {
  /** Customer-managed key: Kubernetes secrets, control-plane logs, the TURN secret, ECR images. */
  readonly key: kms.Key;
  /** `/aws/eks/<cluster>/cluster`, created before the cluster so it carries retention and the key. */
  readonly controlPlaneLogs: logs.LogGroup;
  /** `/aws/containerinsights/<cluster>/performance`, created before the agent writes to it, with retention and the key. */
  readonly containerInsightsLogs: logs.LogGroup;
  /** Failed nodes and running pods against the plan's floors (lib/views/alarm-catalog.ts), from Container Insights. */
  readonly alarms: TierAlarms;
  readonly cluster: eks.Cluster;
  readonly nodes: ZonalNodeGroups;
  readonly addons: ClusterAddons;
  readonly podRoles: WorkloadPodRoles;
  readonly imageRepositories: ImageRepositories;
  /** The ECR pull-through cache of Docker Hub the third-party images are pulled through. */
  readonly dockerHubCache: DockerHubCache;
  /** coturn's `static-auth-secret`: the relay and voice derive TURN credentials from it. */
  readonly turnSecret: secretsmanager.Secret;
  /** Rotates the TURN secret on a schedule. */
  readonly turnSecretRotation: SecretRotation;
  readonly manifests: ChartManifests;
  /** The node autoscaler: its roles, interruption queue and Helm release. */
  readonly karpenter: Karpenter;
  /** The event-driven autoscaler of the consumers: its Helm release and operator role. */
  readonly keda: Keda;

  constructor(scope: Construct, id: string, props: ComputeStackProps) {
    super(scope, id, { ...props, concern: 'compute' });
    const { environment, region, vpc } = props;
    const env = environment.name;
    const { compute } = environment;
    const name = clusterName(env, region.name);
    const logGroupName = clusterLogGroupName(env, region.name);

    this.key = customerKey(this, 'ClusterKey', {
      description: `EKS cluster ${name}: Kubernetes secrets, control-plane logs, the TURN secret, ECR images`,
      alias: clusterKeyAlias(env),
    });
    // EKS writes to this fixed name and would create it without retention or key; created first, it is ours. It holds
    // the API server's audit and authenticator logs, so it is kept as long as the other logs an audit reads (the VPC
    // flow logs', a year from phase 4), not as long as the operational logs.
    this.controlPlaneLogs = encryptedLogGroup(this, 'ControlPlaneLogs', {
      logGroupName,
      key: this.key,
      retentionDays: environment.network.flowLogRetentionDays,
    });
    // The same for the CloudWatch agent's Container Insights performance events, which the metrics are extracted from.
    this.containerInsightsLogs = encryptedLogGroup(this, 'ContainerInsightsLogs', {
      logGroupName: containerInsightsLogGroupName(env, region.name),
      key: this.key,
      retentionDays: compute.logRetentionDays,
    });

    this.cluster = new eks.Cluster(this, 'Cluster', {
      clusterName: name,
      version: eks.KubernetesVersion.of(compute.kubernetesVersion),
      vpc,
      vpcSubnets: [{ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }],
      endpointAccess:
        compute.publicEndpointCidrs.length > 0
          ? eks.EndpointAccess.PUBLIC_AND_PRIVATE.onlyFrom(...compute.publicEndpointCidrs)
          : eks.EndpointAccess.PRIVATE,
      secretsEncryptionKey: this.key,
      clusterLogging: CONTROL_PLANE_LOG_TYPES,
      // Managed node groups below, no Auto Mode and no default capacity.
      defaultCapacityType: eks.DefaultCapacityType.NODEGROUP,
      defaultCapacity: 0,
      // Access entries only (aws-eks-v2 sets authenticationMode API). CloudFormation's role gets no admin entry;
      // the kubectl provider's role gets one (the CDK adds it), operators get theirs explicitly.
      bootstrapClusterCreatorAdminPermissions: false,
      // vpc-cni, kube-proxy and coredns come as EKS add-ons (ClusterAddons), not as unmanaged bootstrap copies.
      bootstrapSelfManagedAddons: false,
      kubectlProviderOptions: { kubectlLayer: new KubectlV35Layer(this, 'KubectlLayer') },
      // Narrowed to the TargetGroupBindings gigascale uses, with the features it leaves out turned off
      // (lib/views/alb-controller-policy.ts).
      albController: {
        version: ALB_CONTROLLER_VERSION,
        policy: albControllerPolicy({ env, account: environment.account, region: region.name, clusterName: name }),
        additionalHelmChartValues: { ...ALB_CONTROLLER_HELM_VALUES },
      },
      prune: true,
    });
    const controlPlane = this.cluster.node.defaultChild as eks.CfnCluster;
    controlPlane.node.addDependency(this.controlPlaneLogs);
    // The cluster is stateful like the databases: its etcd holds every Kubernetes object, and its OIDC issuer, access
    // entries and Pod Identity associations are what the workloads' AWS access hangs on. Deletion protection makes
    // EKS refuse DeleteCluster (EKS User Guide, "Protect EKS clusters from accidental deletion"), and Retain keeps
    // the cluster when CloudFormation stops managing it. Only the cluster: the construct's removalPolicy prop
    // would also retain its roles, security groups and node groups.
    controlPlane.deletionProtection = true;
    controlPlane.applyRemovalPolicy(RemovalPolicy.RETAIN);
    // Operators: one access entry per configured role, named after the role (ids are API).
    for (const arn of compute.adminRoleArns) this.cluster.grantClusterAdmin(`Admin${pascalCase(arn.split('/').pop()!.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, ''))}`, arn);
    this.encryptKubectlProviderLogs();

    this.addons = new ClusterAddons(this, 'Addons', { cluster: this.cluster });
    this.nodes = new ZonalNodeGroups(this, 'Nodes', {
      cluster: this.cluster,
      clusterName: name,
      azs: region.azs,
      vpc,
      instanceType: compute.nodeInstanceType,
      // The system floor: Karpenter's controller and the add-ons' Deployments; Karpenter adds the rest.
      nodesPerAz: SYSTEM_NODES_PER_AZ,
      diskGiB: compute.nodeDiskGiB,
    });
    for (const nodegroup of this.nodes.nodegroups) {
      nodegroup.node.addDependency(...this.addons.beforeNodes);
      for (const addon of this.addons.afterNodes) addon.node.addDependency(nodegroup);
    }

    // Created as one plain value, which the rotation turns into the three slots coturn and voice read
    // (lib/facts/turn-secret.ts) as soon as its schedule exists, and moves on every TURN_SECRET_ROTATION_DAYS.
    this.turnSecret = new secretsmanager.Secret(this, 'TurnStaticAuthSecret', {
      secretName: turnSecretName(env),
      description: `coturn static-auth-secret of ${name}: TURN REST credentials are HMACs under its current value`,
      encryptionKey: this.key,
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.turnSecretRotation = new SecretRotation(this, 'TurnSecretRotation', {
      secret: this.turnSecret,
      key: this.key,
      rotationDays: TURN_SECRET_ROTATION_DAYS,
      subject: 'the TURN shared secret',
      logGroup: encryptedLogGroup(this, 'TurnSecretRotationLogs', {
        logGroupName: turnRotationLogGroupName(env, region.name),
        key: this.key,
        retentionDays: compute.logRetentionDays,
      }),
    });

    this.podRoles = new WorkloadPodRoles(this, 'PodRoles', {
      environment,
      region: region.name,
      clusterName: this.cluster.clusterName,
      turnSecret: this.turnSecret,
      turnSecretKey: this.key,
    });
    // An association names the cluster; the agent that serves it must be installed.
    for (const podRole of this.podRoles.roles.values()) podRole.association.node.addDependency(this.addons.podIdentityAgent);

    this.imageRepositories = new ImageRepositories(this, 'Images', { key: this.key });

    this.karpenter = new Karpenter(this, 'Karpenter', { cluster: this.cluster, clusterName: name, environment: env, region: region.name, key: this.key });
    this.dockerHubCache = new DockerHubCache(this, 'DockerHubCache', { environment: env, nodeRoles: [this.nodes.role, this.karpenter.nodeRole] });
    this.keda = new Keda(this, 'Keda', { cluster: this.cluster, clusterName: name, environment: env, region: region.name });
    // The autoscalers' controllers run on the managed nodes, with credentials the agent serves.
    for (const { role, chart } of [
      { role: this.karpenter.controller, chart: this.karpenter.chart },
      { role: this.keda.operator, chart: this.keda.chart },
    ]) {
      role.association.node.addDependency(this.addons.podIdentityAgent);
      for (const nodegroup of this.nodes.nodegroups) chart.node.addDependency(nodegroup);
    }

    // The NodePools need Karpenter's CRDs, the ScaledObjects KEDA's, and the workloads need Karpenter to launch their
    // nodes.
    this.manifests = new ChartManifests(this, 'Manifests', {
      cluster: this.cluster,
      charts: props.charts,
      dependencies: [this.cluster.albController!, this.addons.secretsStore, this.karpenter.chart, this.keda.chart],
    });

    this.alarms = new TierAlarms(this, 'Alarms', { set: regionAlarmCatalog(environment, region).compute, environment: env });
  }

  /**
   * The kubectl provider's two functions log to groups aws-eks-v2 creates without a key (NIST 800-53 SC-28):
   * encrypt them with the cluster key. CloudFormation names the functions `<stack name>-<logical id>-<suffix>`,
   * so CloudWatch Logs may use the key for this stack's Lambda log groups only.
   */
  private encryptKubectlProviderLogs(): void {
    const provider = this.cluster.node.findChild('KubectlProvider');
    for (const child of provider.node.findAll()) {
      if (child instanceof logs.CfnLogGroup) child.kmsKeyId = this.key.keyArn;
    }
    allowLogsToUseKey(this.key, `/aws/lambda/${this.stackName}-*`);
  }
}
