import type { NagAcknowledgment } from './acknowledgment';

/** Findings accepted on the network stack: the VPC's subnets and routes. */
export const NETWORK_ACKNOWLEDGMENTS: readonly NagAcknowledgment[] = [
  {
    rule: 'NIST.800.53.R5::NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW',
    reason:
      'Public subnets exist to hold the internet-facing load balancers (the origin ALB and the TURN relay\'s NLB) and ' +
      'the NAT gateways; all of them need the 0.0.0.0/0 route to the internet gateway (Amazon VPC User Guide, "NAT ' +
      'gateways": a public NAT gateway sits in a public subnet). Nothing else is placed in them (no public IPs are ' +
      'auto-assigned), and private and isolated subnets have no route to the internet gateway.',
    resourceType: 'AWS::EC2::Route',
    pathPattern: /\/Vpc\/PublicSubnet\d+\/DefaultRoute$/,
  },
  {
    rule: 'CfnGuard::CT.LAMBDA.PR.3',
    reason:
      "aws-cdk-lib's handler that removes every rule of the VPC's default security group (the feature flag " +
      '@aws-cdk/aws-ec2:restrictDefaultSecurityGroup) runs while CloudFormation deploys the network stack and calls only ' +
      'the EC2 API (RevokeSecurityGroupIngress and Egress on that one group): it reaches no resource inside the VPC.',
    resourceType: 'AWS::Lambda::Function',
    pathPattern: /^[a-z0-9-]+\/Network\/Custom::VpcRestrictDefaultSGCustomResourceProvider\/Handler$/,
  },
];
