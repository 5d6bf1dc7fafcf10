import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';
import { RegionalStack, type RegionalStackProps } from '../regional-stack';

export interface CacheStackProps extends Omit<RegionalStackProps, 'concern'> {
  /** The region's VPC (from the network stack); the cache lives in its isolated subnets. */
  readonly vpc: ec2.IVpc;
}

export class CacheStack extends RegionalStack {
  constructor(scope: Construct, id: string, props: CacheStackProps) {
    super(scope, id, { ...props, concern: 'cache' });
  }
}
