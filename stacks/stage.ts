import { Fn, Stage, Tags } from 'aws-cdk-lib';
import { BUS_OUTPUTS } from '../lib/facts/names/bus';
import type { Construct } from 'constructs';
import type { EnvironmentPlan, RegionPlan } from '../lib/plan';
import { PROJECT, stageName, TAG_KEYS, migrationsConcern, shardAlarmsConcern, shardGroupConcern } from '../lib/facts/names/stage';
import { regionAlarmCatalog } from '../lib/views/alarm-catalog';
import { ShardAlarmsStack } from './data/shard-alarms-stack';
import { BackupStack } from './backup/backup-stack';
import { pascalCase } from '../lib/util/strings';
import { applyComplianceGate } from './compliance';
import { DataStack } from './data/data-stack';
import { ShardGroupStack } from './data/shard-group-stack';
import { NetworkStack } from './network/network-stack';
import { CacheStack } from './cache/cache-stack';
import { MediaStack } from './media/media-stack';
import { BusStack } from './bus/bus-stack';
import { App as K8sApp } from 'cdk8s';
import { addComputeCharts, addMigrationCharts, renderStageCharts } from '../k8s/compute-charts';
import { ComputeStack } from './compute/compute-stack';
import { MigrationsStack } from './compute/migrations-stack';
import { shardGroupOf } from '../lib/facts/shard-groups';
import { IngressStack } from './ingress/ingress-stack';
import { ObservabilityStack } from './observability/observability-stack';
import { ChaosStack } from './chaos/chaos-stack';

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
  /** The alarms of each shard group, one stack per group, in group order. */
  readonly shardAlarms: readonly ShardAlarmsStack[];
  readonly cache: CacheStack;
  readonly media: MediaStack;
  readonly bus: BusStack;
  readonly ingress: IngressStack;
  readonly compute: ComputeStack;
  /** The vault, plan and selections that back up the shards and the media bucket. */
  readonly backup: BackupStack;
  /** The probe's alarms, the origin canary and the latency dashboard. */
  readonly observability: ObservabilityStack;
  /** The region's failure experiments (AWS FIS) and their weekly schedules. */
  readonly chaos: ChaosStack;
  /** Write region only: one stack per migrations group (shard secrets and Jobs), in group order. */
  readonly migrations: readonly MigrationsStack[];
  /**
   * The region's Kubernetes charts as reviewers read them (`<chart id>.yaml` -> YAML), with the ingress stack's values
   * as named placeholders; bin/app.ts writes them to `<outdir>/k8s/<stage>/` after synth.
   */
  readonly renderedCharts: ReadonlyMap<string, string>;

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
    this.shardGroups = environment.database.shardGroups.map(
      (group) => new ShardGroupStack(this, pascalCase(shardGroupConcern(group.group)), { environment, region, group, shared: this.data }),
    );
    const { data: shardAlarmSets } = regionAlarmCatalog(environment, region);
    this.shardAlarms = environment.database.shardGroups.map((group, i) => {
      const stack = new ShardAlarmsStack(this, pascalCase(shardAlarmsConcern(group.group)), { environment, region, group: group.group, set: shardAlarmSets[i] });
      stack.addStackDependency(this.shardGroups[i], 'the alarms watch the group\'s clusters and proxies');
      return stack;
    });
    this.cache = new CacheStack(this, 'Cache', { environment, region, vpc: this.network.vpc });
    this.media = new MediaStack(this, 'Media', { environment, region });
    this.bus = new BusStack(this, 'Bus', { environment, region, vpc: this.network.vpc });
    this.ingress = new IngressStack(this, 'Ingress', {
      environment,
      region,
      vpc: this.network.vpc,
      natPrefixListId: this.network.natPrefixList.attrPrefixListId,
    });
    const { targetGroups } = this.ingress;
    const charts = addComputeCharts(new K8sApp(), {
      environment,
      region,
      ingress: {
        targetGroupArns: {
          gateway: targetGroups.gateway.targetGroupArn,
          chat: targetGroups.chat.targetGroupArn,
          turnUdp: targetGroups.turnUdp.targetGroupArn,
          turnTls: targetGroups.turnTls.targetGroupArn,
        },
        albSecurityGroupId: this.ingress.albSecurityGroup.securityGroupId,
        nlbSecurityGroupId: this.ingress.nlbSecurityGroup.securityGroupId,
      },
      // The bus stack's own output, by its name (the stage already orders bus before compute): no output of CDK's making.
      bus: { bootstrapBrokers: Fn.getStackOutput(this.bus.stackName, BUS_OUTPUTS.bootstrapBrokers, region.name) },
    });
    this.compute = new ComputeStack(this, 'Compute', { environment, region, vpc: this.network.vpc, charts });
    // Pod roles attach the cache and bus stacks' service policies by name: those stacks deploy first.
    this.compute.addStackDependency(this.cache, 'pod roles attach the cache service policies by name');
    this.compute.addStackDependency(this.bus, 'pod roles attach the bus service policies by name');
    this.migrations = addMigrationCharts(new K8sApp(), { environment, region }).map(({ group, shards, charts: groupCharts }) => {
      const stack = new MigrationsStack(this, pascalCase(migrationsConcern(group)), {
        environment,
        region,
        group,
        cluster: this.compute.cluster,
        charts: groupCharts,
        dependencies: [this.compute.addons.secretsStore],
      });
      stack.addStackDependency(this.compute, 'the charts are applied through the cluster');
      // The Jobs read the master secrets of their shards, which the shard-group stacks create.
      for (const g of new Set(shards.map(shardGroupOf))) {
        stack.addStackDependency(this.shardGroups[g], 'the Jobs read the shards\' master secrets');
      }
      return stack;
    });
    this.backup = new BackupStack(this, 'Backup', { environment, region });
    this.observability = new ObservabilityStack(this, 'Observability', { environment, region, vpc: this.network.vpc });
    // The canary calls the ALB through the NAT rule of its security group, and the probe alarms watch the CronJob:
    // both exist before the alarms do, which then leave ALARM (missing data breaches) minutes after creation.
    this.observability.addStackDependency(this.ingress, 'the origin canary calls the ALB the ingress stack admits it to');
    this.observability.addStackDependency(this.compute, 'the probe alarms watch the CronJob the compute stack deploys');
    // The region composite names every tier's composite: CloudWatch refuses a rule naming an alarm that does not exist.
    for (const tier of [...this.shardAlarms, this.cache, this.bus, this.media]) {
      this.observability.addStackDependency(tier, 'the region composite alarm watches the tier\'s composite alarm');
    }
    this.chaos = new ChaosStack(this, 'Chaos', { environment, region });
    // The experiments' stop conditions name the region's alarms: they exist before a schedule can start a run.
    this.chaos.addStackDependency(this.observability, 'the experiments stop on the region composite and the probe alarms');
    this.chaos.addStackDependency(this.compute, 'the pod experiment\'s access entry is on the cluster');
    this.renderedCharts = renderStageCharts(environment, region);

    applyComplianceGate(this);
  }
}

