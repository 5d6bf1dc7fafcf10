import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as route53 from 'aws-cdk-lib/aws-route53';
import type { Construct } from 'constructs';
import { AURORA_POSTGRES_FAMILY, DATABASE_PORT, SLOW_STATEMENT_MS, WRITE_FORWARDING_CONNECTIONS_PERCENT } from '../../lib/facts/aurora';
import { dataKeyAlias, databaseZoneName, shardLogGroupPrefix } from '../../lib/facts/names/data';
import { allowLogsToUseKey } from '../logs-key-grant';
import { RegionalStack, type RegionalStackProps } from '../regional-stack';
import type { ShardSharedResources } from './shard';
import { customerKey } from '../customer-key';

export interface DataStackProps extends Omit<RegionalStackProps, 'concern'> {
  /** The region's VPC (from the network stack); databases live in its isolated subnets. */
  readonly vpc: ec2.IVpc;
}

/**
 * What every shard of a region shares: the region's data key, the security groups, the subnet group, the cluster
 * parameter group and the private DNS zone of the database endpoints. Shard-group stacks refer to these with weak
 * references (`Fn::GetStackOutput`, cdk.json), so a shard-group stack never blocks a change here with an export.
 */
export class DataStack extends RegionalStack implements ShardSharedResources {
  readonly vpc: ec2.IVpc;
  /** Customer-managed key of the region's data tier: cluster storage, secrets, Performance Insights, logs. */
  readonly key: kms.Key;
  /** Attached to every cluster: admits 5432 from the compute subnets and the proxies only. */
  readonly databaseSecurityGroup: ec2.SecurityGroup;
  /** Attached to every proxy: admits 5432 from the compute subnets. */
  readonly proxySecurityGroup: ec2.SecurityGroup;
  /** Attached to the secret rotation functions (write region): may reach the databases and the AWS endpoints. */
  readonly rotationSecurityGroup: ec2.SecurityGroup;
  readonly subnetGroup: rds.CfnDBSubnetGroup;
  readonly clusterParameterGroup: rds.CfnDBClusterParameterGroup;
  /** Role Aurora's enhanced monitoring publishes OS metrics with. */
  readonly monitoringRole: iam.Role;
  readonly zone: route53.PrivateHostedZone;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, { ...props, concern: 'data' });
    const { environment, region, vpc } = props;
    this.vpc = vpc;

    this.key = customerKey(this, 'DataKey', {
      description: `Data tier of ${environment.name} in ${region.name}: Aurora storage, secrets, Performance Insights, logs`,
      alias: dataKeyAlias(environment.name),
    });
    // CloudWatch Logs encrypts the shards' PostgreSQL log groups with this key, and no other group.
    allowLogsToUseKey(this.key, `${shardLogGroupPrefix(environment.name)}*`);

    this.databaseSecurityGroup = new ec2.SecurityGroup(this, 'DatabaseSecurityGroup', {
      vpc,
      description: 'Aurora shards: PostgreSQL from compute subnets, proxies and secret rotation',
      allowAllOutbound: false,
    });
    this.proxySecurityGroup = new ec2.SecurityGroup(this, 'ProxySecurityGroup', {
      vpc,
      description: 'RDS proxies of the shards: PostgreSQL from compute subnets',
      allowAllOutbound: false,
    });
    this.rotationSecurityGroup = new ec2.SecurityGroup(this, 'RotationSecurityGroup', {
      vpc,
      description: 'Secret rotation functions of the shards',
      allowAllOutbound: false,
    });
    const pg = ec2.Port.tcp(DATABASE_PORT);
    // Literal CIDRs from the plan, so the rule a reviewer reads is the rule that applies.
    for (const [i, cidr] of region.computeCidrs.entries()) {
      this.databaseSecurityGroup.addIngressRule(ec2.Peer.ipv4(cidr), pg, `PostgreSQL from compute subnet ${i + 1}`);
      this.proxySecurityGroup.addIngressRule(ec2.Peer.ipv4(cidr), pg, `PostgreSQL from compute subnet ${i + 1}`);
    }
    this.databaseSecurityGroup.connections.allowFrom(this.proxySecurityGroup, pg, 'PostgreSQL from the proxies');
    this.databaseSecurityGroup.connections.allowFrom(this.rotationSecurityGroup, pg, 'PostgreSQL from secret rotation');
    // Rotation talks to Secrets Manager through the VPC's interface endpoint.
    this.rotationSecurityGroup.addEgressRule(ec2.Peer.ipv4(region.cidr), ec2.Port.tcp(443), 'HTTPS to the VPC interface endpoints');

    this.subnetGroup = new rds.CfnDBSubnetGroup(this, 'SubnetGroup', {
      dbSubnetGroupDescription: `Isolated subnets of ${environment.name} in ${region.name}`,
      subnetIds: vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_ISOLATED }).subnetIds,
    });

    const db = environment.database;
    this.clusterParameterGroup = new rds.CfnDBClusterParameterGroup(this, 'ClusterParameters', {
      description: `Aurora PostgreSQL shards of ${environment.name}`,
      family: AURORA_POSTGRES_FAMILY,
      parameters: {
        'rds.force_ssl': '1',
        'max_connections': String(db.maxConnections),
        'log_min_duration_statement': String(SLOW_STATEMENT_MS),
        'log_connections': '1',
        'log_disconnections': '1',
        'log_lock_waits': '1',
        // Write forwarding takes its connections out of the writer's; the proxies leave them room (MaxConnectionsPercent).
        'aurora_fwd_writer_max_connections_pct': String(WRITE_FORWARDING_CONNECTIONS_PERCENT),
        'shared_preload_libraries': 'pg_stat_statements',
      },
    });

    this.monitoringRole = new iam.Role(this, 'MonitoringRole', {
      assumedBy: new iam.ServicePrincipal('monitoring.rds.amazonaws.com'),
      description: 'Aurora enhanced monitoring of the shards',
    });
    this.monitoringRole.addManagedPolicy(
      iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonRDSEnhancedMonitoringRole'),
    );

    this.zone = new route53.PrivateHostedZone(this, 'Zone', {
      zoneName: databaseZoneName(environment.name),
      vpc,
      comment: `Shard endpoints of ${environment.name} in ${region.name}`,
    });
  }
}
