import { CfnDeletionPolicy, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { DatabasePlan } from '../../lib/plan';
import {
  DATABASE_NAME,
  DATABASE_PORT,
  MASTER_ROTATION_DAYS,
  MASTER_USERNAME,
  PROXY_MAX_CONNECTIONS_PERCENT,
} from '../../lib/facts/aurora';
import { pascalCase } from '../../lib/util/strings';
import {
  shardClusterIdentifier,
  shardEndpointName,
  shardLogGroupName,
  shardSecretName,
  type ShardEndpointRole,
} from '../../lib/facts/names/data';

/** What every shard of a region shares (the region's data stack). */
export interface ShardSharedResources {
  readonly vpc: ec2.IVpc;
  readonly key: kms.IKey;
  readonly databaseSecurityGroup: ec2.ISecurityGroup;
  readonly proxySecurityGroup: ec2.ISecurityGroup;
  readonly rotationSecurityGroup: ec2.ISecurityGroup;
  readonly subnetGroup: rds.CfnDBSubnetGroup;
  readonly clusterParameterGroup: rds.CfnDBClusterParameterGroup;
  readonly monitoringRole: iam.IRole;
  readonly zone: route53.IPrivateHostedZone;
}

export interface ShardProps {
  /** Environment name; part of every identifier. */
  readonly environment: string;
  /** Shard number, 0..4095. */
  readonly shard: number;
  /**
   * `primary`: the global cluster, the writer and its readers, the master secret (write region).
   * `secondary`: a read-only member of the global cluster with readers, forwarding writes to the primary.
   */
  readonly role: 'primary' | 'secondary';
  /** Sizes and settings of the data tier, from the plan. */
  readonly database: DatabasePlan;
  /** The region's shared data resources. */
  readonly shared: ShardSharedResources;
  /** The region's availability zones (the plan's), which the DB subnet group spans; instances are placed over them. */
  readonly azs: readonly string[];
  /** Role the shard's proxy connects to the database with. @default - no proxy */
  readonly proxyRole?: iam.IRole;
}

const ENGINE = 'aurora-postgresql';

/**
 * The AZ of a shard's `index`-th instance: consecutive instances in consecutive AZs, so a cluster of two or more
 * instances spans two or more AZs (without a zone, RDS picks one at random and may stack them: RDS API
 * CreateDBInstance, AvailabilityZone), starting at a zone that turns with the shard number, so the region's writers
 * are spread over its AZs and one AZ's loss fails over a third of them, not all.
 */
export function shardInstanceAz(azs: readonly string[], shard: number, index: number): string {
  return azs[(shard + index) % azs.length];
}

/**
 * One shard of one region: a member cluster of the shard's Aurora global database with its instances, log group, proxy
 * and DNS names. Everything is named from the shard number (lib/facts/names/data.ts), so other regions, services and
 * the probe find it without lookups. L1 resources: aws-cdk-lib has no L2 for global clusters or secondary members.
 */
export class Shard extends Construct {
  readonly cluster: rds.CfnDBCluster;
  readonly instances: readonly rds.CfnDBInstance[];
  /** The master secret (primary only). */
  readonly secret?: secretsmanager.ISecret;
  readonly proxy?: rds.CfnDBProxy;

  constructor(scope: Construct, id: string, props: ShardProps) {
    super(scope, id);
    const { environment, shard, role, database: db, shared } = props;
    const identifier = shardClusterIdentifier(environment, shard);
    const isolated = shared.vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_ISOLATED }).subnetIds;

    // Aurora exports the PostgreSQL log to this group; created here first, so it is encrypted and expires.
    const logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName: shardLogGroupName(environment, shard),
      encryptionKey: shared.key,
      retention: db.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    let globalCluster: rds.CfnGlobalCluster | undefined;
    let masterSecret: secretsmanager.Secret | undefined;
    if (role === 'primary') {
      globalCluster = new rds.CfnGlobalCluster(this, 'GlobalCluster', {
        globalClusterIdentifier: identifier,
        engine: ENGINE,
        engineVersion: db.engineVersion,
        storageEncrypted: true,
        deletionProtection: true,
      });
      globalCluster.applyRemovalPolicy(RemovalPolicy.RETAIN);

      // Managed master passwords are not supported on global database members, so the secret is ours, rotated.
      masterSecret = new secretsmanager.Secret(this, 'MasterSecret', {
        secretName: shardSecretName(environment, shard),
        description: `Master user of ${identifier}`,
        encryptionKey: shared.key,
        generateSecretString: {
          secretStringTemplate: JSON.stringify({ username: MASTER_USERNAME }),
          generateStringKey: 'password',
          passwordLength: 40,
          excludePunctuation: true,
        },
        removalPolicy: RemovalPolicy.RETAIN,
      });
    }

    this.cluster = new rds.CfnDBCluster(this, 'Cluster', {
      dbClusterIdentifier: identifier,
      engine: ENGINE,
      engineVersion: db.engineVersion,
      globalClusterIdentifier: globalCluster ? globalCluster.ref : identifier,
      ...(masterSecret
        ? {
            databaseName: DATABASE_NAME,
            masterUsername: MASTER_USERNAME,
            masterUserPassword: masterSecret.secretValueFromJson('password').unsafeUnwrap(),
          }
        : { enableGlobalWriteForwarding: true }),
      port: DATABASE_PORT,
      dbSubnetGroupName: shared.subnetGroup.ref,
      vpcSecurityGroupIds: [shared.databaseSecurityGroup.securityGroupId],
      dbClusterParameterGroupName: shared.clusterParameterGroup.ref,
      storageEncrypted: true,
      kmsKeyId: shared.key.keyArn,
      enableIamDatabaseAuthentication: true,
      deletionProtection: true,
      backupRetentionPeriod: db.backupRetentionDays,
      copyTagsToSnapshot: true,
      enableCloudwatchLogsExports: ['postgresql'],
    });
    this.cluster.cfnOptions.deletionPolicy = CfnDeletionPolicy.SNAPSHOT;
    this.cluster.cfnOptions.updateReplacePolicy = CfnDeletionPolicy.SNAPSHOT;
    this.cluster.node.addDependency(logGroup);

    const count = role === 'primary' ? 1 + db.writeRegionReaders : db.readersPerRegion;
    this.instances = Array.from({ length: count }, (_, i) => {
      const instance = new rds.CfnDBInstance(this, `Instance${i}`, {
        dbInstanceIdentifier: `${identifier}-${i}`,
        dbClusterIdentifier: this.cluster.ref,
        engine: ENGINE,
        dbInstanceClass: db.instanceClass,
        availabilityZone: shardInstanceAz(props.azs, shard, i),
        publiclyAccessible: false,
        // A global database member's engine version is managed for the whole global cluster.
        autoMinorVersionUpgrade: false,
        enablePerformanceInsights: true,
        performanceInsightsKmsKeyId: shared.key.keyArn,
        performanceInsightsRetentionPeriod: 7,
        monitoringInterval: 60,
        monitoringRoleArn: shared.monitoringRole.roleArn,
        promotionTier: i === 0 ? 0 : 1,
      });
      // A cluster snapshot holds the data; an Aurora instance has none of its own to snapshot.
      instance.applyRemovalPolicy(RemovalPolicy.DESTROY);
      return instance;
    });

    if (masterSecret) {
      const attached = masterSecret.attach({
        asSecretAttachmentTarget: () => ({
          targetId: this.cluster.ref,
          targetType: secretsmanager.AttachmentTargetType.RDS_DB_CLUSTER,
        }),
      });
      attached.addRotationSchedule('Rotation', {
        automaticallyAfter: Duration.days(MASTER_ROTATION_DAYS),
        hostedRotation: secretsmanager.HostedRotation.postgreSqlSingleUser({
          vpc: shared.vpc,
          vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
          securityGroups: [shared.rotationSecurityGroup],
        }),
      });
      this.secret = attached;
    }

    const records: Partial<Record<ShardEndpointRole, string>> = {
      // In other regions the member cluster's endpoint forwards writes to the primary (global write forwarding).
      writer: this.cluster.attrEndpointAddress,
      reader: this.cluster.attrReadEndpointAddress,
    };

    if (props.proxyRole) {
      this.proxy = new rds.CfnDBProxy(this, 'Proxy', {
        dbProxyName: identifier,
        engineFamily: 'POSTGRESQL',
        roleArn: props.proxyRole.roleArn,
        vpcSubnetIds: isolated,
        vpcSecurityGroupIds: [shared.proxySecurityGroup.securityGroupId],
        requireTls: true,
        // IAM from the service to the proxy and from the proxy to the database: no password in any service.
        defaultAuthScheme: 'IAM_AUTH',
        idleClientTimeout: 1800,
      });
      const targets = new rds.CfnDBProxyTargetGroup(this, 'ProxyTargets', {
        dbProxyName: this.proxy.ref,
        targetGroupName: 'default',
        dbClusterIdentifiers: [this.cluster.ref],
        connectionPoolConfigurationInfo: { maxConnectionsPercent: PROXY_MAX_CONNECTIONS_PERCENT, maxIdleConnectionsPercent: 50 },
      });
      for (const instance of this.instances) targets.node.addDependency(instance);
      if (role === 'primary') {
        records.proxy = this.proxy.attrEndpoint;
      } else {
        // A secondary cluster has no writer: the proxy's default (read/write) endpoint would refuse every request.
        const readOnly = new rds.CfnDBProxyEndpoint(this, 'ProxyReadOnlyEndpoint', {
          dbProxyEndpointName: `${identifier}-ro`,
          dbProxyName: this.proxy.ref,
          targetRole: 'READ_ONLY',
          vpcSubnetIds: isolated,
          vpcSecurityGroupIds: [shared.proxySecurityGroup.securityGroupId],
        });
        readOnly.node.addDependency(targets);
        records.proxy = readOnly.attrEndpoint;
      }
    }

    for (const [endpoint, target] of Object.entries(records) as [ShardEndpointRole, string][]) {
      new route53.CnameRecord(this, `${pascalCase(endpoint)}Record`, {
        zone: shared.zone,
        recordName: shardEndpointName(environment, shard, endpoint),
        domainName: target,
        ttl: Duration.seconds(30),
      });
    }
  }
}
