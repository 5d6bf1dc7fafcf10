import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { nodegroupName } from '../../lib/facts/names/compute';
import { pascalCase } from '../../lib/util/strings';

export interface ZonalNodeGroupsProps {
  /** The cluster the nodes join. */
  readonly cluster: eks.Cluster;
  /** The cluster's name as a literal (lib/facts/names/compute.ts clusterName): tag keys cannot hold tokens. */
  readonly clusterName: string;
  /** Availability zones, one node group each, in plan order. */
  readonly azs: readonly string[];
  /** Private subnets the nodes launch in; each AZ must have one. */
  readonly vpc: ec2.IVpc;
  /** Graviton instance type of every node (`m7g.xlarge`). */
  readonly instanceType: string;
  /** Nodes of each AZ's group (fixed: Karpenter, not these groups, follows the load). */
  readonly nodesPerAz: number;
  /** Root volume of each node, GiB. */
  readonly diskGiB: number;
}

/** Root device of the EKS-optimized Amazon Linux 2023 AMIs. */
const AL2023_ROOT_DEVICE = '/dev/xvda';

/**
 * The cluster's system nodes: one managed node group per AZ of a fixed size, where Karpenter's controller runs (it
 * must not run on nodes it manages) with the add-ons; the workloads take what room is left, and Karpenter
 * (stacks/compute/karpenter.ts) launches every other node. AL2023 on Graviton, on-demand. Every node boots from one launch
 * template: IMDSv2 only, with a hop limit of 1 so containers (one hop away from the host) cannot reach the
 * instance metadata service and the node role's credentials, and an encrypted gp3 root volume.
 *
 * The node role holds only what the kubelet and image pulls need; the VPC CNI gets its ENI permissions from its
 * own Pod Identity role (ClusterAddons), not from the node.
 */
export class ZonalNodeGroups extends Construct {
  readonly role: iam.Role;
  readonly launchTemplate: ec2.LaunchTemplate;
  /** One per AZ, in `azs` order. */
  readonly nodegroups: readonly eks.Nodegroup[];

  constructor(scope: Construct, id: string, props: ZonalNodeGroupsProps) {
    super(scope, id);
    const { cluster } = props;

    this.role = new iam.Role(this, 'NodeRole', {
      description: `Nodes of ${props.clusterName}: join the cluster, pull images`,
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonEKSWorkerNodePolicy'),
        iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonEC2ContainerRegistryReadOnly'),
      ],
    });

    this.launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      httpEndpoint: true,
      httpTokens: ec2.LaunchTemplateHttpTokens.REQUIRED,
      httpPutResponseHopLimit: 1,
      instanceMetadataTags: false,
      blockDevices: [
        {
          deviceName: AL2023_ROOT_DEVICE,
          volume: ec2.BlockDeviceVolume.ebs(props.diskGiB, {
            volumeType: ec2.EbsDeviceVolumeType.GP3,
            encrypted: true,
            deleteOnTermination: true,
          }),
        },
      ],
    });

    this.nodegroups = props.azs.map((az) => {
      const subnets = props.vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, availabilityZones: [az] });
      return new eks.Nodegroup(this, pascalCase(az), {
        cluster,
        nodegroupName: nodegroupName(az),
        subnets: { subnets: subnets.subnets },
        amiType: eks.NodegroupAmiType.AL2023_ARM_64_STANDARD,
        instanceTypes: [new ec2.InstanceType(props.instanceType)],
        capacityType: eks.CapacityType.ON_DEMAND,
        minSize: props.nodesPerAz,
        desiredSize: props.nodesPerAz,
        maxSize: props.nodesPerAz,
        nodeRole: this.role,
        launchTemplateSpec: { id: this.launchTemplate.launchTemplateId!, version: this.launchTemplate.latestVersionNumber },
        labels: { 'gigascale.io/nodegroup': nodegroupName(az) },
      });
    });
  }
}
