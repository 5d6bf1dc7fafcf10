import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { CACHE_PORT, MAX_CACHE_NODES } from '../../lib/facts/valkey';
import type { CachePlan } from '../../lib/plan';
import { GigascaleError, type Issue } from '../../lib/util/errors';

/** Daily automatic snapshot window (UTC); it never meets MAINTENANCE_WINDOW, so a snapshot never waits for patching. */
export const SNAPSHOT_WINDOW = '03:00-04:00';
/** Weekly maintenance window (UTC): after Sunday's snapshot has finished. */
export const MAINTENANCE_WINDOW = 'sun:05:00-sun:06:00';

export interface ValkeyClusterProps {
  /** Replication group id (lib/facts/names/cache.ts `cacheReplicationGroupId`): 1..40 letters, digits, hyphens. */
  readonly replicationGroupId: string;
  /** Description of the replication group, for the console and the auditor. */
  readonly description: string;
  /** Engine, version, parameter group family, node type, shards, replicas, snapshot and log retention (the plan). */
  readonly cache: CachePlan;
  /** The VPC; the nodes are placed in its isolated subnets. */
  readonly vpc: ec2.IVpc;
  /** Security group of every node. */
  readonly securityGroup: ec2.ISecurityGroup;
  /** Customer-managed key encrypting node storage, snapshots and the two log groups. */
  readonly key: kms.IKey;
  /** The RBAC user group every connection authenticates against. */
  readonly userGroup: elasticache.CfnUserGroup;
  /** CloudWatch Logs group the engine log is delivered to (created here, encrypted, with retention). */
  readonly engineLogGroupName: string;
  /** CloudWatch Logs group the slow log is delivered to (created here, encrypted, with retention). */
  readonly slowLogGroupName: string;
  /** TLS port of the nodes and the configuration endpoint. @default CACHE_PORT (6379) */
  readonly port?: number;
}

/**
 * A Valkey replication group in cluster mode with everything it owns: parameter group, subnet group and log groups.
 * L1 resources: aws-cdk-lib has no ElastiCache L2. Every security setting is written out, also where it equals the
 * default, so a reviewer sees it and an upstream default cannot flip it.
 */
export class ValkeyCluster extends Construct {
  readonly replicationGroup: elasticache.CfnReplicationGroup;
  readonly parameterGroup: elasticache.CfnParameterGroup;
  readonly subnetGroup: elasticache.CfnSubnetGroup;
  readonly engineLogGroup: logs.LogGroup;
  readonly slowLogGroup: logs.LogGroup;
  /** The TLS port of the nodes. */
  readonly port: number;

  constructor(scope: Construct, id: string, props: ValkeyClusterProps) {
    super(scope, id);
    const { cache, vpc, key } = props;
    this.port = props.port ?? CACHE_PORT;
    const isolated = vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_ISOLATED });
    validate(this, cache);

    this.parameterGroup = new elasticache.CfnParameterGroup(this, 'Parameters', {
      cacheParameterGroupFamily: cache.parameterGroupFamily,
      description: `${props.replicationGroupId}: cluster mode, no keyspace notifications`,
      properties: {
        'cluster-enabled': 'yes',
        // The engine default, stated: no key names are published on __keyspace@/__keyevent@ channels to whoever
        // may subscribe (chat holds +@pubsub); nothing of gigascale consumes keyspace events.
        'notify-keyspace-events': '',
      },
    });

    this.subnetGroup = new elasticache.CfnSubnetGroup(this, 'SubnetGroup', {
      description: `Isolated subnets of ${props.replicationGroupId}`,
      subnetIds: isolated.subnetIds,
    });

    // ElastiCache delivers the logs to these groups; created here first, so they are encrypted and expire.
    const logGroup = (logId: string, logGroupName: string): logs.LogGroup =>
      new logs.LogGroup(this, logId, {
        logGroupName,
        encryptionKey: key,
        retention: cache.logRetentionDays as logs.RetentionDays,
        removalPolicy: RemovalPolicy.RETAIN,
      });
    this.engineLogGroup = logGroup('EngineLog', props.engineLogGroupName);
    this.slowLogGroup = logGroup('SlowLog', props.slowLogGroupName);
    const delivery = (logType: 'engine-log' | 'slow-log', group: logs.LogGroup): elasticache.CfnReplicationGroup.LogDeliveryConfigurationRequestProperty => ({
      logType,
      logFormat: 'json',
      destinationType: 'cloudwatch-logs',
      destinationDetails: { cloudWatchLogsDetails: { logGroup: group.logGroupName } },
    });

    this.replicationGroup = new elasticache.CfnReplicationGroup(this, 'ReplicationGroup', {
      replicationGroupId: props.replicationGroupId,
      replicationGroupDescription: props.description,
      engine: cache.engine,
      engineVersion: cache.engineVersion,
      cacheParameterGroupName: this.parameterGroup.ref,
      cacheNodeType: cache.nodeType,
      clusterMode: 'enabled',
      numNodeGroups: cache.shards,
      replicasPerNodeGroup: cache.replicasPerShard,
      // No NodeGroupConfiguration (per-shard primary and replica AZs from region.azs): with Multi-AZ, ElastiCache
      // already puts each shard's replicas in other AZs than its primary, and pinned AZs make the template fragile.
      // A failover moves a primary to another AZ, so the template's PrimaryAvailabilityZone goes stale; online
      // resharding then requires every node group's id and AZs in the template to match the live cluster
      // (CloudFormation UpdatePolicy docs, UseOnlineResharding), and an AZ change outside it replaces the cluster.
      multiAzEnabled: true,
      automaticFailoverEnabled: true,
      cacheSubnetGroupName: this.subnetGroup.ref,
      securityGroupIds: [props.securityGroup.securityGroupId],
      port: this.port,
      transitEncryptionEnabled: true,
      transitEncryptionMode: 'required',
      atRestEncryptionEnabled: true,
      kmsKeyId: key.keyArn,
      userGroupIds: [props.userGroup.userGroupId],
      snapshotRetentionLimit: cache.snapshotRetentionDays,
      snapshotWindow: SNAPSHOT_WINDOW,
      preferredMaintenanceWindow: MAINTENANCE_WINDOW,
      autoMinorVersionUpgrade: true,
      logDeliveryConfigurations: [delivery('slow-log', this.slowLogGroup), delivery('engine-log', this.engineLogGroup)],
    });
    // ARCHITECTURE principle 3: a final snapshot when the cluster is deleted or replaced.
    this.replicationGroup.applyRemovalPolicy(RemovalPolicy.SNAPSHOT);
    // Changing shards adds or removes node groups in place instead of replacing the cluster.
    this.replicationGroup.cfnOptions.updatePolicy = { useOnlineResharding: true };
    // The group id is literal (names are API), so the order is stated here; the log groups are referenced by Ref.
    this.replicationGroup.addResourceDependency(props.userGroup);
  }
}

/**
 * Throws one GigascaleError naming every problem of the plan's cache slice that ElastiCache would refuse at deploy
 * time or that would defeat Multi-AZ. The config schema bounds shards and replicas one by one, not their product.
 */
function validate(scope: Construct, cache: CachePlan): void {
  const issues: Issue[] = [];
  const at = scope.node.path;
  const nodes = cache.shards * (1 + cache.replicasPerShard);
  if (nodes > MAX_CACHE_NODES) {
    issues.push({
      at,
      message:
        `cache.shards x (1 + cache.replicasPerShard) must be at most ${MAX_CACHE_NODES} nodes (ElastiCache limit per ` +
        `replication group), got ${cache.shards} x (1 + ${cache.replicasPerShard}) = ${nodes}`,
    });
  }
  if (cache.replicasPerShard < 1) {
    issues.push({ at, message: `cache.replicasPerShard must be at least 1 (Multi-AZ and automatic failover need a replica), got ${cache.replicasPerShard}` });
  }
  if (issues.length > 0) throw new GigascaleError('Invalid cache cluster', issues);
}
