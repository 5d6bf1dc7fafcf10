import { ArnFormat } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { APP_DB_USER, PROBE_DB_USER } from '../../lib/facts/aurora';
import type { ShardGroup } from '../../lib/facts/shard-groups';
import { shardGroupConcern } from '../../lib/facts/names/stage';
import { shardName } from '../../lib/facts/names/data';
import { RegionalStack, type RegionalStackProps } from '../regional-stack';
import { Shard, type ShardSharedResources } from './shard';

export interface ShardGroupStackProps extends Omit<RegionalStackProps, 'concern'> {
  /** The group: its number (part of the stack name) and its shards. */
  readonly group: ShardGroup;
  /** The region's shared data resources (its data stack). */
  readonly shared: ShardSharedResources;
}

/**
 * `<env>-<region>-shards-<k>`: the shards of one group in one region. The group of a shard never changes
 * (lib/facts/shard-groups), so adding shards touches only the last group's template. Construct ids are the shard
 * names: they are part of every logical id and must never change.
 */
export class ShardGroupStack extends RegionalStack {
  readonly shards: readonly Shard[];

  constructor(scope: Construct, id: string, props: ShardGroupStackProps) {
    super(scope, id, { ...props, concern: shardGroupConcern(props.group.group) });
    const { environment, region, group, shared } = props;
    const db = environment.database;

    const proxyRole = db.proxy
      ? new iam.Role(this, 'ProxyRole', {
          assumedBy: new iam.ServicePrincipal('rds.amazonaws.com'),
          description: `RDS proxies of shard group ${group.group}: IAM connections to their clusters as ${APP_DB_USER}`,
        })
      : undefined;

    this.shards = group.shards.map(
      (shard) =>
        new Shard(this, shardName(shard), {
          environment: environment.name,
          shard,
          role: region.isWriteRegion ? 'primary' : 'secondary',
          database: db,
          shared,
          azs: region.azs,
          proxyRole,
        }),
    );

    if (proxyRole) {
      // One customer-managed policy naming the database users the proxies sign in as, end to end for their clients:
      // the services' and the probe's, on each cluster.
      proxyRole.addManagedPolicy(
        new iam.ManagedPolicy(this, 'ProxyConnectPolicy', {
          description: `Connect as ${APP_DB_USER} to the clusters of shard group ${group.group}`,
          statements: [
            new iam.PolicyStatement({
              actions: ['rds-db:connect'],
              resources: [APP_DB_USER, PROBE_DB_USER].flatMap((user) =>
                this.shards.map((s) =>
                  this.formatArn({ service: 'rds-db', resource: 'dbuser', resourceName: `${s.cluster.attrDbClusterResourceId}/${user}`, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
                ),
              ),
            }),
          ],
        }),
      );
    }
  }
}
