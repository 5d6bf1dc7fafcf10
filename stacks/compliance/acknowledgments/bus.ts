import { AwsCustomResource } from 'aws-cdk-lib/custom-resources';
import type { NagAcknowledgment } from './acknowledgment';

/**
 * The Lambda function behind the bus stack's bootstrap-brokers lookup (stacks/bus/bootstrap-brokers.ts). Every
 * AwsCustomResource of a stack runs on one SingletonFunction, whose construct id is `AWS` followed by the provider's
 * fixed UUID without dashes, directly under the stack.
 */
const AWS_CUSTOM_RESOURCE_FUNCTION_ID = `AWS${AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`;
const BOOTSTRAP_BROKERS_LOOKUP = new RegExp(`^[a-z0-9-]+/Bus/${AWS_CUSTOM_RESOURCE_FUNCTION_ID}/Resource$`);

/** The customer-managed policy of each MSK Replicator's service execution role. */
const REPLICATOR_POLICY = /^[a-z0-9-]+\/Bus\/ReplicatorFrom[A-Za-z0-9]+\/Policy\/Resource$/;

/** Why the bootstrap-brokers lookup runs outside the VPC: cdk-nag's NIST pack and the second scanner both ask. */
const LOOKUP_OUTSIDE_VPC =
  'The bootstrap-brokers lookup of the bus stack calls one regional AWS control-plane API (Kafka GetBootstrapBrokers) ' +
  'and touches no resource inside the VPC. Placing it in the VPC would add network interfaces, a route to the Kafka ' +
  'API and the AWS-managed VPC access policy for no isolation gain: its role may make that one call on that one ' +
  'cluster and write to its own log group, nothing else.';

/** Findings accepted on the bus stack: the bootstrap-brokers lookup and the MSK Replicators' roles. */
export const BUS_ACKNOWLEDGMENTS: readonly NagAcknowledgment[] = [
  {
    rule: 'NIST.800.53.R5::NIST.800.53.R5-LambdaConcurrency',
    reason:
      'The function is the AwsCustomResource handler that reads the bus cluster\'s bootstrap brokers (Kafka ' +
      'GetBootstrapBrokers) while CloudFormation deploys the bus stack: CloudFormation invokes it once per create or ' +
      'update of that one custom resource and nothing else can (no trigger, no URL). Reserved concurrency would only ' +
      'take capacity away from the account\'s pool.',
    resourceType: 'AWS::Lambda::Function',
    pathPattern: BOOTSTRAP_BROKERS_LOOKUP,
  },
  {
    rule: 'NIST.800.53.R5::NIST.800.53.R5-LambdaDLQ',
    reason:
      'CloudFormation invokes the bootstrap-brokers lookup of the bus stack synchronously and waits for its answer; a ' +
      'dead-letter queue only receives events of asynchronous invocations that failed every attempt (AWS Lambda ' +
      'Developer Guide, "Capturing records of Lambda asynchronous invocations"), so it would stay empty. A failed call ' +
      'fails the stack operation, which rolls back, and the function logs to its own KMS-encrypted log group with retention.',
    resourceType: 'AWS::Lambda::Function',
    pathPattern: BOOTSTRAP_BROKERS_LOOKUP,
  },
  { rule: 'NIST.800.53.R5::NIST.800.53.R5-LambdaInsideVPC', reason: LOOKUP_OUTSIDE_VPC, resourceType: 'AWS::Lambda::Function', pathPattern: BOOTSTRAP_BROKERS_LOOKUP },
  // The same function, as the second scanner names it (AWS Control Tower's "Require an AWS Lambda function to be in a VPC").
  { rule: 'CfnGuard::CT.LAMBDA.PR.3', reason: LOOKUP_OUTSIDE_VPC, resourceType: 'AWS::Lambda::Function', pathPattern: BOOTSTRAP_BROKERS_LOOKUP },
  // cdk-nag names these findings by the policy's Resource as CloudFormation will see it, an expression over the
  // bus cluster's ARN that carries the cluster's logical id: the id is part of the finding's name, the scope is the path.
  {
    rule: 'AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kafka:*:<AWS::AccountId>:topic/{"Fn::Select":[1,{"Fn::Split":["/",{"Fn::GetAtt":["ClusterEB0386A7","Arn"]}]}]}/*/*]',
    reason:
      'Service execution role of an MSK Replicator (stacks/bus/replicator.ts). Besides the replicated topics it keeps ' +
      'internal topics whose names MSK does not document, and the source cluster\'s UUID is only known in its region, so ' +
      'topic names, UUID and region stay wildcards. The cluster name is read from this region\'s cluster ARN and carries ' +
      'the environment: only topics of this environment\'s bus clusters in this account match. The actions are those of ' +
      'AWSMSKReplicatorExecutionRole, which grants them on topic/*/* in every account and region (Amazon MSK Developer ' +
      'Guide, "AWS managed policy: AWSMSKReplicatorExecutionRole").',
    resourceType: 'AWS::IAM::ManagedPolicy',
    pathPattern: REPLICATOR_POLICY,
  },
  {
    rule: 'AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kafka:*:<AWS::AccountId>:group/{"Fn::Select":[1,{"Fn::Split":["/",{"Fn::GetAtt":["ClusterEB0386A7","Arn"]}]}]}/*/*]',
    reason:
      'Service execution role of an MSK Replicator (stacks/bus/replicator.ts). It describes and alters the consumer ' +
      'groups it reads the source with, under names MSK does not document; no application group is replicated ' +
      '(ConsumerGroupsToReplicate is empty). Group names, the clusters\' UUIDs and the region stay wildcards within the ' +
      'clusters named like this environment\'s bus cluster, in this account only (AWSMSKReplicatorExecutionRole grants ' +
      'group/*/* everywhere: Amazon MSK Developer Guide, "AWS managed policy: AWSMSKReplicatorExecutionRole").',
    resourceType: 'AWS::IAM::ManagedPolicy',
    pathPattern: REPLICATOR_POLICY,
  },
];
