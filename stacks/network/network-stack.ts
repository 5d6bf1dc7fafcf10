import { Fn, Tags } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';
import { flowLogGroupName, natPrefixListName } from '../../lib/facts/names/network';
import { clusterName } from '../../lib/facts/names/compute';
import { SUBNET_DISCOVERY_TAG } from '../../lib/facts/karpenter';
import { RegionalStack, type RegionalStackProps } from '../regional-stack';
import { EncryptedFlowLog } from './flow-log';

export type NetworkStackProps = Omit<RegionalStackProps, 'concern'>;

/**
 * Interface endpoints that EKS nodes and pods need to run without touching the internet: image pulls (ECR api and
 * dkr; the layers come through the S3 gateway endpoint), IRSA/Pod Identity token exchange (STS), secrets,
 * container logs, and SSM for node access without SSH.
 */
export const INTERFACE_ENDPOINTS: Readonly<Record<string, ec2.InterfaceVpcEndpointAwsService>> = {
  EcrApi: ec2.InterfaceVpcEndpointAwsService.ECR,
  EcrDocker: ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER,
  Sts: ec2.InterfaceVpcEndpointAwsService.STS,
  SecretsManager: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
  Logs: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
  Ssm: ec2.InterfaceVpcEndpointAwsService.SSM,
};

/**
 * A region's network: a VPC over the region's AZs with three subnet tiers (public for load balancers and NAT,
 * private with NAT egress for EKS, isolated for data stores), flow logs, and the endpoints that keep AWS API
 * traffic inside the VPC.
 */
export class NetworkStack extends RegionalStack {
  readonly vpc: ec2.Vpc;
  /**
   * Public addresses of the NAT gateways (one per AZ or one for the region, network.natGateways), in subnet order:
   * the source address of everything the private subnets send to the internet, the origin canary included.
   */
  readonly natPublicIps: readonly string[];
  /**
   * Managed prefix list of the NAT gateways' addresses (/32 each), for security groups that admit the region's own
   * outbound traffic (the origin ALB admits the origin canary by it): one reference that follows the NAT gateways.
   */
  readonly natPrefixList: ec2.CfnPrefixList;

  constructor(scope: Construct, id: string, props: NetworkStackProps) {
    super(scope, id, { ...props, concern: 'network' });
    const { environment, region } = props;

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(region.cidr),
      availabilityZones: [...region.azs],
      natGateways: environment.network.natGateways === 'per-az' ? region.azs.length : 1,
      // Order matters: CDK allocates subnet CIDRs in this order, and lib/plan/subnets sized them to stay aligned.
      subnetConfiguration: [
        { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: region.subnets.privatePrefix },
        { name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: region.subnets.isolatedPrefix },
        // Nothing launched here needs a public IP of its own: ALBs and NAT gateways bring theirs.
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: region.subnets.publicPrefix, mapPublicIpOnLaunch: false },
      ],
      enableDnsHostnames: true,
      enableDnsSupport: true,
      restrictDefaultSecurityGroup: true,
    });

    // Karpenter launches nodes into the subnets carrying this tag (k8s/node-pools-chart.ts): the private ones only,
    // where the managed nodes run and which the data tiers admit.
    for (const subnet of this.vpc.privateSubnets) Tags.of(subnet).add(SUBNET_DISCOVERY_TAG, clusterName(environment.name, region.name));

    // The Vpc construct allocates each NAT gateway's Elastic IP as `EIP` in its public subnet and exposes no accessor;
    // `Ref` of an AWS::EC2::EIP is its address.
    const nats = this.vpc.publicSubnets.flatMap((subnet) => {
      const eip = subnet.node.tryFindChild('EIP');
      return eip instanceof ec2.CfnEIP ? [{ ip: eip.ref, az: subnet.availabilityZone }] : [];
    });
    this.natPublicIps = nats.map((n) => n.ip);
    // L1: the L2 PrefixList validates entries as literal CIDRs, and these are the EIPs' addresses, known at deploy.
    this.natPrefixList = new ec2.CfnPrefixList(this, 'NatAddresses', {
      prefixListName: natPrefixListName(environment.name, region.name),
      addressFamily: 'IPv4',
      maxEntries: Math.max(1, nats.length),
      entries: nats.map((n) => ({ cidr: Fn.join('', [n.ip, '/32']), description: `NAT gateway in ${n.az}` })),
    });

    new EncryptedFlowLog(this, 'FlowLogs', {
      vpc: this.vpc,
      logGroupName: flowLogGroupName(environment.name, region.name),
      retentionDays: environment.network.flowLogRetentionDays,
    });

    this.vpc.addGatewayEndpoint('S3', {
      service: ec2.GatewayVpcEndpointAwsService.S3,
      subnets: [{ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }, { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
    });

    // One security group for all interface endpoints: HTTPS from inside the VPC only. The CIDR is the plan's
    // literal (not the VPC's token) so reviewers and cdk-nag see exactly what is admitted.
    const endpointSg = new ec2.SecurityGroup(this, 'EndpointsSecurityGroup', {
      vpc: this.vpc,
      description: 'HTTPS from inside the VPC to interface endpoints',
      allowAllOutbound: false,
    });
    endpointSg.addIngressRule(ec2.Peer.ipv4(region.cidr), ec2.Port.tcp(443), 'HTTPS from the VPC');

    for (const [name, service] of Object.entries(INTERFACE_ENDPOINTS)) {
      this.vpc.addInterfaceEndpoint(name, {
        service,
        subnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        privateDnsEnabled: true,
        securityGroups: [endpointSg],
        open: false,
      });
    }
  }
}
