import type { NagAcknowledgment } from './acknowledgment';

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
];
