import type { Construct } from 'constructs';
import { RegionalStack, type RegionalStackProps } from '../regional-stack';

export type MediaStackProps = Omit<RegionalStackProps, 'concern'>;

export class MediaStack extends RegionalStack {
  constructor(scope: Construct, id: string, props: MediaStackProps) {
    super(scope, id, { ...props, concern: 'media' });
  }
}
