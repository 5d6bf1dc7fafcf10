import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, type IDependable } from 'constructs';
import { EMF_AGENT_PORT } from '../../lib/views/probe-target';
import { podIdentityPrincipal } from './pod-role';

/**
 * vpc-cni settings (keys of the add-on's configuration schema): prefix delegation gives each ENI slot a /28, so
 * a node holds far more pods than its secondary IPs allow; the network policy agent enforces NetworkPolicies,
 * which are otherwise accepted and ignored.
 */
export const VPC_CNI_CONFIGURATION = {
  env: { ENABLE_PREFIX_DELEGATION: 'true' },
  enableNetworkPolicy: 'true',
} as const;

/**
 * Secrets Store CSI driver settings of the AWS provider add-on: the bundled driver syncs mounted secrets into
 * Kubernetes Secrets (`secretObjects` of a SecretProviderClass), which the migrations Jobs and coturn read.
 */
export const SECRETS_STORE_CONFIGURATION = {
  'secrets-store-csi-driver': { syncSecret: { enabled: true } },
} as const;

/**
 * amazon-cloudwatch-observability settings (the add-on's configuration values are its Helm chart's values,
 * aws-observability/helm-charts charts/amazon-cloudwatch-observability): the CloudWatch agent's whole configuration
 * is two collectors.
 * - The embedded-metric-format listener, on every node's TCP EMF_AGENT_PORT (the agent runs as a hostNetwork
 *   DaemonSet), where the probe CronJob sends its lines.
 * - Container Insights' Kubernetes metrics (nodes, namespaces, pods), for the compute tier's alarms, at the standard
 *   level: enhanced observability would add per-container metrics at a price per observation the alarms do not need.
 *   They go to `/aws/containerinsights/<cluster>/performance`, which the compute stack creates first.
 *
 * Fluent Bit is off: it would ship every container's output to log groups it creates on the fly, without the retention
 * and customer key every gigascale log group has, and it does not pass lines on as EMF anyway. Application Signals is
 * not asked for.
 */
export const CLOUDWATCH_OBSERVABILITY_CONFIGURATION = {
  agent: { config: { logs: { metrics_collected: { emf: { service_address: `tcp://:${EMF_AGENT_PORT}` }, kubernetes: { enhanced_container_insights: false } } } } },
  containerLogs: { enabled: false },
} as const;

/** The CloudWatch agent's service account, in the add-on's namespace (`amazon-cloudwatch`). */
export const CLOUDWATCH_AGENT_SERVICE_ACCOUNT = 'cloudwatch-agent';

export interface ClusterAddonsProps {
  /** The cluster to install the add-ons on. */
  readonly cluster: eks.Cluster;
}

/**
 * The EKS add-ons every cluster runs, as EKS-managed add-ons at EKS's default version for the cluster version
 * (pinning needs `aws eks describe-addon-versions`, an online call synth does not make):
 * eks-pod-identity-agent, vpc-cni (with its own Pod Identity role), kube-proxy, coredns, aws-ebs-csi-driver (Pod
 * Identity role for its controller), aws-secrets-store-csi-driver-provider (the AWS provider with the Secrets
 * Store CSI driver bundled) and amazon-cloudwatch-observability (the CloudWatch agent receiving the probe's metrics,
 * with its own Pod Identity role).
 *
 * Order: the agent, vpc-cni and kube-proxy are DaemonSets and come before the nodes (a node is Ready only once
 * the CNI runs on it); the others run Deployments and are created after the node groups, so EKS does not report
 * them degraded while no node exists.
 */
export class ClusterAddons extends Construct {
  readonly podIdentityAgent: eks.IAddon;
  readonly vpcCni: eks.CfnAddon;
  readonly kubeProxy: eks.CfnAddon;
  readonly coreDns: eks.CfnAddon;
  readonly ebsCsiDriver: eks.CfnAddon;
  readonly secretsStore: eks.CfnAddon;
  readonly cloudWatch: eks.CfnAddon;
  /** Holds AmazonEKS_CNI_Policy for the `kube-system/aws-node` service account, instead of the node role. */
  readonly vpcCniRole: iam.Role;
  /** Holds AmazonEBSCSIDriverPolicy for the `kube-system/ebs-csi-controller-sa` service account. */
  readonly ebsCsiRole: iam.Role;
  /** Holds CloudWatchAgentServerPolicy for the `amazon-cloudwatch/cloudwatch-agent` service account. */
  readonly cloudWatchAgentRole: iam.Role;
  /** The add-ons that must exist before nodes join: the node groups depend on these. */
  readonly beforeNodes: readonly IDependable[];
  /** The add-ons that run Deployments: they depend on the node groups (the stack wires it). */
  readonly afterNodes: readonly eks.CfnAddon[];
  private readonly clusterName: string;

  constructor(scope: Construct, id: string, props: ClusterAddonsProps) {
    super(scope, id);
    const { cluster } = props;
    this.clusterName = cluster.clusterName;

    // The cluster's own accessor: constructs that need the agent (Pod Identity service accounts) find the same one.
    this.podIdentityAgent = cluster.eksPodIdentityAgent!;

    this.vpcCniRole = this.addonRole('VpcCniRole', 'vpc-cni (aws-node): assign VPC addresses and prefixes to nodes', 'AmazonEKS_CNI_Policy');
    this.ebsCsiRole = this.addonRole('EbsCsiRole', 'aws-ebs-csi-driver controller: create, attach and delete EBS volumes', 'service-role/AmazonEBSCSIDriverPolicy');
    this.cloudWatchAgentRole = this.addonRole('CloudWatchAgentRole', 'CloudWatch agent: put the probe metrics (EMF) into CloudWatch Logs', 'CloudWatchAgentServerPolicy');

    this.vpcCni = this.addon('VpcCni', 'vpc-cni', {
      configurationValues: JSON.stringify(VPC_CNI_CONFIGURATION),
      podIdentityAssociations: [{ serviceAccount: 'aws-node', roleArn: this.vpcCniRole.roleArn }],
    });
    // aws-node gets its credentials from the agent, which must run first.
    this.vpcCni.node.addDependency(this.podIdentityAgent);
    this.kubeProxy = this.addon('KubeProxy', 'kube-proxy', {});
    this.beforeNodes = [this.podIdentityAgent, this.vpcCni, this.kubeProxy];

    this.coreDns = this.addon('CoreDns', 'coredns', {});
    this.ebsCsiDriver = this.addon('EbsCsiDriver', 'aws-ebs-csi-driver', {
      podIdentityAssociations: [{ serviceAccount: 'ebs-csi-controller-sa', roleArn: this.ebsCsiRole.roleArn }],
    });
    this.secretsStore = this.addon('SecretsStore', 'aws-secrets-store-csi-driver-provider', {
      configurationValues: JSON.stringify(SECRETS_STORE_CONFIGURATION),
    });
    // Pod Identity for this add-on from its version 3.1.0 (CloudWatch User Guide, "Quick start with the Amazon
    // CloudWatch Observability EKS add-on"); EKS's default version for the cluster's Kubernetes is far newer.
    this.cloudWatch = this.addon('CloudWatch', 'amazon-cloudwatch-observability', {
      configurationValues: JSON.stringify(CLOUDWATCH_OBSERVABILITY_CONFIGURATION),
      podIdentityAssociations: [{ serviceAccount: CLOUDWATCH_AGENT_SERVICE_ACCOUNT, roleArn: this.cloudWatchAgentRole.roleArn }],
    });
    this.afterNodes = [this.coreDns, this.ebsCsiDriver, this.secretsStore, this.cloudWatch];
    for (const addon of this.afterNodes) addon.node.addDependency(this.vpcCni, this.kubeProxy);
  }

  private addon(id: string, addonName: string, props: Pick<eks.CfnAddonProps, 'configurationValues' | 'podIdentityAssociations'>): eks.CfnAddon {
    return new eks.CfnAddon(this, id, {
      addonName,
      clusterName: this.clusterName,
      // Nothing else manages these (the cluster skips EKS's self-managed bootstrap add-ons): EKS's settings win.
      resolveConflicts: 'OVERWRITE',
      preserveOnDelete: false,
      ...props,
    });
  }

  private addonRole(id: string, description: string, managedPolicy: string): iam.Role {
    return new iam.Role(this, id, {
      description,
      assumedBy: podIdentityPrincipal(),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName(managedPolicy)],
    });
  }
}
