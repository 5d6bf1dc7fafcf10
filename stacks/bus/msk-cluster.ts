import { RemovalPolicy } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as msk from 'aws-cdk-lib/aws-msk';
import { Construct } from 'constructs';
import { MAX_BROKER_STORAGE_GIB, MIN_BROKER_STORAGE_GIB, MIN_INSYNC_REPLICAS, REPLICATION_FACTOR } from '../../lib/facts/broker-types';
import type { BusPlan } from '../../lib/plan';
import { GigascaleError, type Issue } from '../../lib/util/errors';

/** The only listener clients and MSK Replicator use: SASL/IAM over TLS. */
export const SASL_IAM_PORT = 9098;

export interface MskClusterProps {
  /** Cluster name (lib/facts/names/bus.ts `busClusterName`); IAM policies and replicators in other regions name it. */
  readonly clusterName: string;
  /** Broker type, Express or Standard, pinned Kafka version (the environment's bus plan). */
  readonly bus: BusPlan;
  /** Brokers in the region, from the plan; MSK wants a multiple of the client subnets. */
  readonly brokers: number;
  /** EBS volume of each Standard broker, GiB, from the plan; `null` for Express brokers (managed storage). */
  readonly storageGiBPerBroker: number | null;
  /** Subnets the brokers' ENIs live in, one per AZ (the VPC's isolated subnets). */
  readonly subnets: readonly ec2.ISubnet[];
  /** Security group of the brokers. */
  readonly securityGroup: ec2.ISecurityGroup;
  /** Customer-managed key encrypting the brokers' storage. */
  readonly key: kms.IKey;
  /** Log group the broker logs are delivered to (encrypted, with retention). */
  readonly logGroup: logs.ILogGroup;
  /**
   * MSK Replicators in other regions copy topics out of this cluster: turns on multi-VPC private connectivity for
   * SASL/IAM and attaches the cluster policy MSK Replicator needs on a cross-region source.
   * @default false
   */
  readonly replicationSource?: boolean;
}

/**
 * One MSK provisioned cluster with its configuration. L1 resources: aws-cdk-lib has no MSK L2 (only the separate
 * alpha module). Every security setting is written out, also where it equals the default, so a reviewer sees it and an
 * upstream default cannot flip it: IAM is the only way in, TLS everywhere, a customer-managed key at rest.
 */
export class MskCluster extends Construct {
  readonly cluster: msk.CfnCluster;
  readonly configuration: msk.CfnConfiguration;
  /** The cluster's resource policy (replication sources only). */
  readonly clusterPolicy?: msk.CfnClusterPolicy;
  /** The cluster's ARN (`arn:<partition>:kafka:<region>:<account>:cluster/<name>/<uuid>`). */
  readonly clusterArn: string;

  constructor(scope: Construct, id: string, props: MskClusterProps) {
    super(scope, id);
    const { bus } = props;
    validate(this, props);

    this.configuration = new msk.CfnConfiguration(this, 'Configuration', {
      name: props.clusterName,
      description: `Broker properties of ${props.clusterName}`,
      // No kafkaVersionsList: it forces a replacement, which the fixed name would refuse on the next Kafka upgrade.
      serverProperties: serverProperties(bus.express),
    });

    const sasl = { iam: { enabled: true }, scram: { enabled: false } };
    this.cluster = new msk.CfnCluster(this, 'Resource', {
      clusterName: props.clusterName,
      kafkaVersion: bus.kafkaVersion,
      numberOfBrokerNodes: props.brokers,
      brokerNodeGroupInfo: {
        instanceType: bus.brokerType,
        clientSubnets: props.subnets.map((s) => s.subnetId),
        securityGroups: [props.securityGroup.securityGroupId],
        // Express brokers have managed storage: MSK refuses StorageInfo for them.
        ...(props.storageGiBPerBroker === null ? {} : { storageInfo: { ebsStorageInfo: { volumeSize: props.storageGiBPerBroker } } }),
        connectivityInfo: {
          publicAccess: { type: 'DISABLED' },
          // Cross-region MSK Replicator reaches a source cluster through multi-VPC private connectivity (SASL/IAM only).
          // MSK refuses it on a new cluster (cloudformation-coverage-roadmap#1775), so a new environment is deployed
          // with `-c replication=off` first and turns it on in an update (`-c replication=sources`).
          ...(props.replicationSource ? { vpcConnectivity: { clientAuthentication: { sasl, tls: { enabled: false } } } } : {}),
        },
      },
      clientAuthentication: {
        sasl,
        tls: { enabled: false },
        unauthenticated: { enabled: false },
      },
      encryptionInfo: {
        encryptionInTransit: { clientBroker: 'TLS', inCluster: true },
        encryptionAtRest: { dataVolumeKmsKeyId: props.key.keyArn },
      },
      // Broker logs are available on Standard and Express brokers (MSK Developer Guide, "Amazon MSK logging").
      loggingInfo: {
        brokerLogs: {
          cloudWatchLogs: { enabled: true, logGroup: props.logGroup.logGroupName },
          firehose: { enabled: false },
          s3: { enabled: false },
        },
      },
      enhancedMonitoring: 'PER_TOPIC_PER_BROKER',
      configurationInfo: { arn: this.configuration.attrArn, revision: this.configuration.attrLatestRevisionRevision },
    });
    // The brokers hold every topic's records: a stack deletion or a replacement must never take them along.
    this.cluster.applyRemovalPolicy(RemovalPolicy.RETAIN);
    this.clusterArn = this.cluster.attrArn;

    if (props.replicationSource) {
      // MSK Developer Guide, "Network requirements" (cross-region replication): the source cluster's policy lets the
      // kafka.amazonaws.com principal create the replicator's VPC connection and read the cluster's brokers. Reading
      // and writing records still needs the replicator's own role in this account (IAM access control).
      this.clusterPolicy = new msk.CfnClusterPolicy(this, 'Policy', {
        clusterArn: this.clusterArn,
        policy: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              principals: [new iam.ServicePrincipal('kafka.amazonaws.com')],
              actions: ['kafka:CreateVpcConnection', 'kafka:GetBootstrapBrokers', 'kafka:DescribeClusterV2'],
              resources: [this.clusterArn],
            }),
          ],
        }),
      });
    }
  }
}

/**
 * The brokers' `server.properties`. Topics exist only as declared (AWS::MSK::Topic), never because a client named one.
 * On Express brokers default.replication.factor (3), min.insync.replicas (2) and unclean leader election are
 * read-only (MSK Developer Guide, "Express brokers read-only configurations"); auto.create.topics.enable is one of the
 * static properties a custom Express configuration may set ("Custom MSK Express broker configurations").
 */
export function serverProperties(express: boolean): string {
  const props: Record<string, string> = { 'auto.create.topics.enable': 'false' };
  if (!express) {
    props['default.replication.factor'] = String(REPLICATION_FACTOR);
    props['min.insync.replicas'] = String(MIN_INSYNC_REPLICAS);
    props['unclean.leader.election.enable'] = 'false';
  }
  return Object.entries(props).map(([k, v]) => `${k}=${v}`).join('\n');
}

/** Throws one GigascaleError naming every prop MSK would refuse. */
function validate(scope: Construct, props: MskClusterProps): void {
  const issues: Issue[] = [];
  const at = scope.node.path;
  const { brokers, storageGiBPerBroker, bus } = props;
  const subnets = props.subnets.length;
  if (!Number.isInteger(brokers) || brokers < REPLICATION_FACTOR) {
    issues.push({ at, message: `brokers must be an integer of at least ${REPLICATION_FACTOR} (the replication factor), got ${brokers}` });
  } else if (subnets > 0 && brokers % subnets !== 0) {
    issues.push({ at, message: `brokers must be a multiple of the ${subnets} client subnets (MSK spreads brokers evenly over the AZs), got ${brokers}` });
  }
  if (bus.express && storageGiBPerBroker !== null) {
    issues.push({ at, message: `storageGiBPerBroker must be null for ${bus.brokerType} (Express brokers have managed storage), got ${storageGiBPerBroker}` });
  }
  if (!bus.express && (storageGiBPerBroker === null || !Number.isInteger(storageGiBPerBroker) || storageGiBPerBroker < MIN_BROKER_STORAGE_GIB || storageGiBPerBroker > MAX_BROKER_STORAGE_GIB)) {
    issues.push({
      at,
      message: `storageGiBPerBroker must be an integer in ${MIN_BROKER_STORAGE_GIB}..${MAX_BROKER_STORAGE_GIB} for ${bus.brokerType} (Standard brokers), got ${storageGiBPerBroker}`,
    });
  }
  if (issues.length > 0) throw new GigascaleError('Invalid MSK cluster', issues);
}
