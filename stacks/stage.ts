import { Stage, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { EnvironmentPlan, RegionPlan } from '../lib/config';
import { PROJECT, stageName, TAG_KEYS } from '../lib/naming';
import { applyComplianceGate } from './compliance';
import { shardGroups } from '../lib/data/shard-groups';
import { pascalCase, shardGroupConcern } from '../lib/naming';
import { DataStack } from './data/data-stack';
import { ShardGroupStack } from './data/shard-group-stack';
import { NetworkStack } from './network/network-stack';
import { CacheStack } from './cache/cache-stack';
import { MediaStack } from './media/media-stack';
import { BusStack } from './bus/bus-stack';

export interface RegionStageProps {
  /** The environment, from the resolved plan. */
  readonly environment: EnvironmentPlan;
  /** The region of that environment this stage deploys. */
  readonly region: RegionPlan;
}

/**
 * One environment in one region (`prod-eu-west-1`): every regional stack of it, tagged, behind the compliance
 * gate. The same class serves `bin/app.ts`, the tests and any pipeline, so what is tested is what deploys.
 */
export class RegionStage extends Stage {
  readonly network: NetworkStack;
  readonly data: DataStack;
  /** One stack per shard group, in group order. */
  readonly shardGroups: readonly ShardGroupStack[];
  readonly cache: CacheStack;
  readonly media: MediaStack;
  readonly bus: BusStack;

  constructor(scope: Construct, props: RegionStageProps) {
    const { environment, region } = props;
    super(scope, stageName(environment.name, region.name), {
      env: { account: environment.account, region: region.name },
    });

    const tags = Tags.of(this);
    tags.add(TAG_KEYS.project, PROJECT);
    tags.add(TAG_KEYS.env, environment.name);
    tags.add(TAG_KEYS.region, region.name);
    tags.add(TAG_KEYS.owner, environment.owner);
    tags.add(TAG_KEYS.costCentre, environment.costCentre);

    this.network = new NetworkStack(this, 'Network', { environment, region });
    this.data = new DataStack(this, 'Data', { environment, region, vpc: this.network.vpc });
    this.shardGroups = shardGroups(environment.shards).map(
      (group) => new ShardGroupStack(this, pascalCase(shardGroupConcern(group.group)), { environment, region, group, shared: this.data }),
    );
    this.cache = new CacheStack(this, 'Cache', { environment, region, vpc: this.network.vpc });
    this.media = new MediaStack(this, 'Media', { environment, region });
    this.bus = new BusStack(this, 'Bus', { environment, region, vpc: this.network.vpc });

    applyComplianceGate(this);
  }
}

