import type { Construct } from 'constructs';
import { shardAlarmsConcern } from '../../lib/facts/names/stage';
import type { AlarmSet } from '../../lib/views/alarm-catalog';
import { RegionalStack, type RegionalStackProps } from '../regional-stack';
import { TierAlarms } from '../observability/tier-alarms';

export interface ShardAlarmsStackProps extends Omit<RegionalStackProps, 'concern'> {
  /** The shard group whose clusters and proxies the alarms watch. */
  readonly group: number;
  /** The group's alarms (lib/views/alarm-catalog.ts regionAlarmCatalog `data[group]`). */
  readonly set: AlarmSet;
}

/**
 * `<env>-<region>-shard-alarms-<k>`: the alarms of shard group k's clusters and proxies, beside the group's stack
 * rather than in it. A group stack holds 16 shards of up to 22 resources (lib/facts/shard-groups.ts); seven or eight
 * alarms a shard would take it past the 400-resource guard, and a shard can never move to another stack. Alarms can:
 * they name what they watch, so they live in a stack of their own, one per group, as the shards do.
 */
export class ShardAlarmsStack extends RegionalStack {
  readonly alarms: TierAlarms;

  constructor(scope: Construct, id: string, props: ShardAlarmsStackProps) {
    super(scope, id, { ...props, concern: shardAlarmsConcern(props.group) });
    this.alarms = new TierAlarms(this, 'Alarms', { set: props.set, environment: props.environment.name });
  }
}
