import type { NagAcknowledgment } from './acknowledgment';

/** A shard's instances and its PostgreSQL log group, in every shard-group stack. */
const SHARD_INSTANCE = /\/Shards\d+\/shard-\d{4}\/Instance\d+$/;
const SHARD_LOG_GROUP = /^[a-z0-9-]+\/Shards\d+\/shard-\d{4}\/LogGroup\/Resource$/;

/** Findings accepted on the data stack and the shard stacks: Aurora and its monitoring role. */
export const DATA_ACKNOWLEDGMENTS: readonly NagAcknowledgment[] = [
  {
    rule: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]',
    reason:
      'The enhanced monitoring role carries AmazonRDSEnhancedMonitoringRole, the AWS-maintained policy RDS documents ' +
      'for it (Amazon Aurora User Guide, "Setting up and enabling Enhanced Monitoring"). It only lets RDS create and ' +
      'write log groups whose names start with RDS (Enhanced Monitoring writes OS metrics to RDSOSMetrics); a ' +
      'hand-written copy would add wildcards of its own and miss AWS updates.',
    resourceType: 'AWS::IAM::Role',
    pathPattern: /\/Data\/MonitoringRole\/Resource$/,
  },
  {
    rule: 'NIST.800.53.R5::NIST.800.53.R5-RDSInBackupPlan',
    reason:
      'The rule looks for each DB instance in an AWS Backup plan. Aurora backs up the cluster volume, not the instance ' +
      '(Amazon Aurora User Guide, "Overview of backing up and restoring an Aurora DB cluster"): every shard cluster ' +
      'keeps continuous backups with point-in-time restore for sizes.database.backupRetentionDays (7..35 days, ' +
      'validated), has deletion protection on and takes a final snapshot when deleted or replaced ' +
      '(DeletionPolicy/UpdateReplacePolicy Snapshot), and in an environment of several regions its global database ' +
      'keeps a copy in every other one. AWS Backup also backs up every shard\'s cluster daily, by ARN, from the ' +
      'write region\'s backup stack (<env>-<region>-backup) into a locked vault, copied to another region and, when ' +
      'backup.copyAccount names one, to a separate account; the rule only looks for selections in the same template.',
    resourceType: 'AWS::RDS::DBInstance',
    pathPattern: /\/Shards\d+\/shard-\d{4}\/Instance\d+$/,
  },
  {
    rule: 'CfnGuard::CT.CLOUDWATCH.PR.3',
    reason:
      "Each shard's PostgreSQL log group is encrypted with the data stack's customer-managed key: its KmsKeyId is that " +
      "key's ARN, passed from the data stack as a cross-stack reference (Fn::GetStackOutput). The rule accepts only a " +
      'literal string there and reports the reference as missing; CloudFormation resolves it to the ARN at deploy.',
    resourceType: 'AWS::Logs::LogGroup',
    pathPattern: SHARD_LOG_GROUP,
  },
  {
    rule: 'CfnGuard::CT.RDS.PR.2',
    reason:
      'Enhanced Monitoring is on for every shard instance: MonitoringInterval is 60 seconds and MonitoringRoleArn is the ' +
      "data stack's monitoring role, passed as a cross-stack reference (Fn::GetStackOutput). The rule accepts only a " +
      'literal string as the role and reports the reference as missing; CloudFormation resolves it to the ARN at deploy.',
    resourceType: 'AWS::RDS::DBInstance',
    pathPattern: SHARD_INSTANCE,
  },
  {
    rule: 'CfnGuard::CT.RDS.PR.5',
    reason:
      "Every shard is a member of an Aurora global database, whose engine version is one for all its clusters: a minor " +
      'version upgrade is applied to the global cluster, secondary regions first, by a reviewed change of the engine ' +
      'version in the plan, not instance by instance in each maintenance window, where two regions could run different ' +
      'minor versions between their windows (Amazon Aurora User Guide, "Upgrading an Amazon Aurora global database").',
    resourceType: 'AWS::RDS::DBInstance',
    pathPattern: SHARD_INSTANCE,
  },
];
