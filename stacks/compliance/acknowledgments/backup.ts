import type { NagAcknowledgment } from './acknowledgment';
import { BACKUP_ROLE_POLICIES } from '../../backup/backup-stack';

/**
 * Findings accepted on the backup stack: the AWS Backup service role carries AWS's managed policies for the
 * service, one acknowledgment each.
 */
export const BACKUP_ACKNOWLEDGMENTS: readonly NagAcknowledgment[] = BACKUP_ROLE_POLICIES.map((policy) => ({
  rule: `AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${policy}]`,
  reason:
    `The AWS Backup service role carries ${policy.replace('service-role/', '')}, one of the AWS-maintained policies AWS ` +
    'Backup documents for the role it assumes (AWS Backup Developer Guide, "Managed policies for AWS Backup"): snapshot, ' +
    'copy and restore actions across RDS, S3 and KMS that AWS Backup calls on the resources its selections name, ' +
    'conditioned by AWS on the resources being in a backup plan or called through the service. AWS updates them as ' +
    'services add backup features; a hand-written copy would need the same wildcards and miss those updates. Only AWS ' +
    'Backup can assume the role.',
  resourceType: 'AWS::IAM::Role',
  pathPattern: /^[a-z0-9-]+\/Backup\/Role\/Resource$/,
}));
