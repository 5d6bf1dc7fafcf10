import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';
import { RegionalStack, type RegionalStackProps } from '../regional-stack';

export interface BusStackProps extends Omit<RegionalStackProps, 'concern'> {
  /** The region's VPC (from the network stack); brokers live in its isolated subnets. */
  readonly vpc: ec2.IVpc;
}

export class BusStack extends RegionalStack {
  constructor(scope: Construct, id: string, props: BusStackProps) {
    super(scope, id, { ...props, concern: 'bus' });
  }
}
