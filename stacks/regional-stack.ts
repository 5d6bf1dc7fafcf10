import { Stack, Tags, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { EnvironmentPlan, RegionPlan } from '../lib/plan';
import { stackName, TAG_KEYS, type Concern } from '../lib/facts/names/stage';

export interface RegionalStackProps extends StackProps {
  /** The environment the stack belongs to. */
  readonly environment: EnvironmentPlan;
  /** The region the stack deploys to. */
  readonly region: RegionPlan;
  /** What the stack holds; part of its name and its `concern` tag. */
  readonly concern: Concern;
}

/**
 * Base of every regional stack: named `<env>-<region>-<concern>`, deployed to the environment's account and the
 * region, tagged with its concern, and answering `availabilityZones` from the plan, so no construct ever asks
 * AWS (a context lookup needs credentials and makes synth depend on the account).
 */
export class RegionalStack extends Stack {
  private readonly planAzs: readonly string[];

  constructor(scope: Construct, id: string, props: RegionalStackProps) {
    super(scope, id, {
      ...props,
      stackName: stackName(props.environment.name, props.region.name, props.concern),
      env: { account: props.environment.account, region: props.region.name },
      terminationProtection: props.terminationProtection ?? true,
    });
    this.planAzs = props.region.azs;
    Tags.of(this).add(TAG_KEYS.concern, props.concern);
  }

  override get availabilityZones(): string[] {
    return [...this.planAzs];
  }
}
