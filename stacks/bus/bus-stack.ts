import { CfnOutput, Fn } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import type { TopicName } from '../../lib/facts/topics';
import { BUS_OUTPUTS, busClusterName, busKeyAlias, busLogGroupName, busLookupLogGroupName, replicatorName } from '../../lib/facts/names/bus';
import { pascalCase } from '../../lib/util/strings';
import { serviceParameterName } from '../../lib/facts/names/services';
import { stackName } from '../../lib/facts/names/stage';
import type { ServiceName } from '../../lib/facts/services';
import { encryptedLogGroup } from '../logs-key-grant';
import { RegionalStack, type RegionalStackProps } from '../regional-stack';
import { BootstrapBrokers } from './bootstrap-brokers';
import { MskCluster, SASL_IAM_PORT } from './msk-cluster';
import { BusReplicator } from './replicator';
import { BusServicePolicies } from './service-policies';
import { BusTopic } from './topic';
import { customerKey } from '../customer-key';
import { TierAlarms } from '../observability/tier-alarms';
import { regionAlarmCatalog } from '../../lib/views/alarm-catalog';

export interface BusStackProps extends Omit<RegionalStackProps, 'concern'> {
  /** The region's VPC (from the network stack); brokers live in its isolated subnets. */
  readonly vpc: ec2.IVpc;
}

/**
 * `<env>-<region>-bus`: the region's event bus. An MSK provisioned cluster sized by the plan (IAM authentication
 * only, TLS everywhere, a customer-managed key at rest), its topics, one IAM policy per service that produces or
 * consumes, the cluster's ARN and bootstrap brokers in SSM for the services, and one MSK Replicator per other region
 * copying the topics the plan replicates. Each region's consumers read their own cluster (active-active).
 */
export class BusStack extends RegionalStack {
  /** Customer-managed key of the bus: broker storage and the bus's log groups. */
  readonly key: kms.Key;
  /** Attached to the brokers and to MSK Replicator's network interfaces: 9098 from the compute subnets and itself. */
  readonly securityGroup: ec2.SecurityGroup;
  readonly cluster: MskCluster;
  /** The plan's topics, by name. */
  readonly topics: ReadonlyMap<TopicName, BusTopic>;
  /** The managed policy of each service that produces or consumes a topic, for its pod role (the compute stack attaches it by name). */
  readonly servicePolicies: ReadonlyMap<ServiceName, iam.ManagedPolicy>;
  readonly bootstrapBrokers: BootstrapBrokers;
  /** One per region this region copies replicated topics from; none when nothing replicates. */
  readonly replicators: readonly BusReplicator[];
  /** Consumer lag per group and topic, broker CPU, and on Standard brokers disk and partition health (lib/views/alarm-catalog.ts). */
  readonly alarms: TierAlarms;

  constructor(scope: Construct, id: string, props: BusStackProps) {
    super(scope, id, { ...props, concern: 'bus' });
    const { environment, region, vpc } = props;
    const bus = environment.bus;
    const env = environment.name;
    const clusterName = busClusterName(env);
    const isolated = vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_ISOLATED });

    this.key = customerKey(this, 'BusKey', {
      description: `Event bus of ${env} in ${region.name}: MSK broker storage, broker logs`,
      alias: busKeyAlias(env),
    });
    const brokerLogs = this.logGroup('BrokerLogs', busLogGroupName(env, region.name), bus.logRetentionDays);
    const lookupLogs = this.logGroup('LookupLogs', busLookupLogGroupName(env, region.name), bus.logRetentionDays);

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: 'MSK brokers: Kafka SASL/IAM over TLS from compute subnets and MSK Replicator',
      allowAllOutbound: false,
    });
    const kafka = ec2.Port.tcp(SASL_IAM_PORT);
    // Literal CIDRs from the plan, so the rule a reviewer reads is the rule that applies.
    for (const [i, cidr] of region.computeCidrs.entries()) {
      this.securityGroup.addIngressRule(ec2.Peer.ipv4(cidr), kafka, `Kafka SASL/IAM from compute subnet ${i + 1}`);
    }
    // MSK Replicator's network interfaces carry this group: they reach the brokers, and nothing else.
    this.securityGroup.addIngressRule(this.securityGroup, kafka, 'Kafka SASL/IAM from MSK Replicator network interfaces');
    this.securityGroup.addEgressRule(this.securityGroup, kafka, 'Kafka SASL/IAM from MSK Replicator network interfaces to the brokers');

    this.cluster = new MskCluster(this, 'Cluster', {
      clusterName,
      bus,
      brokers: region.bus.brokers,
      storageGiBPerBroker: region.bus.storageGiBPerBroker,
      subnets: isolated.subnets,
      securityGroup: this.securityGroup,
      key: this.key,
      logGroup: brokerLogs,
      // Replication is symmetric: the regions this one copies from copy from it as well.
      replicationSource: region.bus.replicationSource,
    });
    const clusterArn = this.cluster.clusterArn;

    const topics = new Map<TopicName, BusTopic>();
    for (const t of bus.topics) {
      topics.set(
        t.name,
        new BusTopic(this, `${pascalCase(t.name)}Topic`, {
          clusterArn,
          topicName: t.name,
          partitions: t.partitions,
          retentionHours: t.retentionHours,
          express: bus.express,
        }),
      );
    }
    this.topics = topics;

    this.servicePolicies = new BusServicePolicies(this, 'ServicePolicies', {
      environment: env,
      region: region.name,
      clusterName,
      clusterArn,
      topics: bus.topics,
    }).policies;

    new ssm.StringParameter(this, 'ClusterArnParameter', {
      parameterName: serviceParameterName(env, 'bus/cluster-arn'),
      description: 'ARN of the region\'s bus cluster',
      stringValue: clusterArn,
      tier: ssm.ParameterTier.STANDARD,
    });
    this.bootstrapBrokers = new BootstrapBrokers(this, 'BrokerLookup', {
      clusterArn,
      parameterName: serviceParameterName(env, 'bus/bootstrap-brokers'),
      logGroup: lookupLogs,
    });

    this.output(BUS_OUTPUTS.clusterArn, clusterArn, 'ARN of the bus cluster');
    this.output(BUS_OUTPUTS.bootstrapBrokers, this.bootstrapBrokers.brokers, 'SASL/IAM bootstrap brokers of the bus cluster');
    this.output(BUS_OUTPUTS.replicatorSubnetIds, Fn.join(',', isolated.subnetIds), 'Subnets for MSK Replicator network interfaces, comma-separated');
    this.output(BUS_OUTPUTS.replicatorSecurityGroupId, this.securityGroup.securityGroupId, 'Security group of MSK Replicator network interfaces');
    this.alarms = new TierAlarms(this, 'Alarms', { set: regionAlarmCatalog(environment, region).bus, environment: env });

    const replicated = bus.topics.filter((t) => t.replication === 'all-regions');
    this.replicators =
      replicated.length === 0
        ? []
        : region.bus.replicationSources.map((source) => {
            const sourceOutput = (outputId: string): string => Fn.getStackOutput(stackName(env, source, 'bus'), outputId, source);
            const replicator = new BusReplicator(this, `ReplicatorFrom${pascalCase(source)}`, {
              replicatorName: replicatorName(env, source, region.name),
              source: {
                clusterArn: sourceOutput(BUS_OUTPUTS.clusterArn),
                subnetIds: Fn.split(',', sourceOutput(BUS_OUTPUTS.replicatorSubnetIds)),
                securityGroupIds: [sourceOutput(BUS_OUTPUTS.replicatorSecurityGroupId)],
              },
              target: { clusterArn, subnetIds: isolated.subnetIds, securityGroupIds: [this.securityGroup.securityGroupId] },
              topics: replicated.map((t) => t.name),
            });
            // The topics exist before the replicator copies into them (it would otherwise create them itself).
            for (const t of replicated) replicator.replicator.node.addDependency(topics.get(t.name)!);
            return replicator;
          });
  }

  /** An encrypted log group of the bus, kept when the stack goes; CloudWatch Logs may use the bus key for it only. */
  private logGroup(id: string, name: string, retentionDays: number): logs.LogGroup {
    return encryptedLogGroup(this, id, { logGroupName: name, key: this.key, retentionDays });
  }

  /** A stack output whose logical id is exactly `id`: other regions' stacks read it by that name. */
  private output(id: string, value: string, description: string): void {
    new CfnOutput(this, `${id}Output`, { value, description }).overrideLogicalId(id);
  }
}
