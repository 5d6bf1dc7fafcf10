import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { functionRole } from '../function-role';

/** The field of Kafka GetBootstrapBrokers that lists the brokers' SASL/IAM (port 9098) endpoints. */
export const SASL_IAM_BROKERS_FIELD = 'BootstrapBrokerStringSaslIam';

export interface BootstrapBrokersProps {
  /** ARN of the cluster whose brokers are read. */
  readonly clusterArn: string;
  /** SSM parameter the broker string is published under (lib/facts/names/services.ts `serviceParameterName`). */
  readonly parameterName: string;
  /** Log group of the lookup function (encrypted, with retention); the function may write to it and no other. */
  readonly logGroup: logs.ILogGroup;
}

/**
 * The cluster's SASL/IAM bootstrap brokers, read at deploy time and published in SSM. AWS::MSK::Cluster has no
 * attribute for them, so a custom resource calls Kafka GetBootstrapBrokers. Its function runs with a role of our own
 * (one customer-managed policy: this one call on this one cluster, and writing to its own log group) instead of the
 * role AwsCustomResource would create with AWSLambdaBasicExecutionRole and an inline policy. The SDK bundled in the
 * Lambda runtime is used: synth stays offline.
 */
export class BootstrapBrokers extends Construct {
  /** The broker string (`b-1.<cluster>...:9098,b-2...`), resolved at deploy time. */
  readonly brokers: string;
  readonly parameter: ssm.StringParameter;

  constructor(scope: Construct, id: string, props: BootstrapBrokersProps) {
    super(scope, id);

    const { role, policy } = functionRole(this, {
      roleId: 'LookupRole',
      policyId: 'LookupPolicy',
      description: 'Reads the bus cluster\'s bootstrap brokers at deploy time',
      policyDescription: 'GetBootstrapBrokers on the region\'s bus cluster; logs to the lookup\'s own log group',
      statements: [new iam.PolicyStatement({ sid: 'ReadBrokers', actions: ['kafka:GetBootstrapBrokers'], resources: [props.clusterArn] })],
      logGroup: props.logGroup,
    });

    const lookup = new cr.AwsCustomResource(this, 'Lookup', {
      // Runs on create and on every change of the cluster ARN; the broker list of a cluster does not change otherwise
      // (adding brokers keeps the existing ones, which remain valid bootstrap servers).
      onUpdate: {
        service: 'Kafka',
        action: 'GetBootstrapBrokers',
        parameters: { ClusterArn: props.clusterArn },
        physicalResourceId: cr.PhysicalResourceId.of(props.clusterArn),
        outputPaths: [SASL_IAM_BROKERS_FIELD],
      },
      role,
      installLatestAwsSdk: false,
      logGroup: props.logGroup,
      timeout: Duration.minutes(2),
    });
    // The policy is attached by its own resource: the call must wait for it.
    lookup.node.addDependency(policy);
    this.brokers = lookup.getResponseField(SASL_IAM_BROKERS_FIELD);

    this.parameter = new ssm.StringParameter(this, 'Parameter', {
      parameterName: props.parameterName,
      description: 'SASL/IAM bootstrap brokers (port 9098) of the region\'s bus cluster',
      stringValue: this.brokers,
      tier: ssm.ParameterTier.STANDARD,
    });
  }
}
