import { ArnFormat, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { backupKeyAlias, backupPlanName, backupVaultName } from '../../lib/facts/names/backup';
import { shardClusterIdentifierPattern } from '../../lib/facts/names/data';
import { mediaBucketName } from '../../lib/facts/names/media';
import { backsUpShards, backupCopyRegion, VAULT_LOCK_GRACE_DAYS } from '../../lib/plan/backup';
import { customerKey } from '../customer-key';
import { RegionalStack, type RegionalStackProps } from '../regional-stack';

/**
 * The daily backup starts at 05:00 UTC (the quietest hour of the seed's four regions together is not one hour; this
 * one is night in the Americas and Europe), may wait an hour to start and must finish within eight.
 */
export const BACKUP_SCHEDULE = { hour: '5', minute: '0', startWindowHours: 1, completionWindowHours: 8 } as const;

/** AWS's managed policies for the AWS Backup service role (AWS Backup Developer Guide, "Managed policies for AWS Backup"). */
export const BACKUP_ROLE_POLICIES = [
  'service-role/AWSBackupServiceRolePolicyForBackup',
  'service-role/AWSBackupServiceRolePolicyForRestores',
  'AWSBackupServiceRolePolicyForS3Backup',
  'AWSBackupServiceRolePolicyForS3Restore',
] as const;

export type BackupStackProps = Omit<RegionalStackProps, 'concern'>;

/**
 * `<env>-<region>-backup`: backups no one can delete. A vault with its own customer-managed key and a vault lock
 * (compliance mode from phase 4: after a 3-day grace period no one, the account's root included, can delete a
 * recovery point before its retention ends, nor the vault while it holds one; AWS Backup Developer Guide, "AWS Backup
 * Vault Lock"), and a daily plan that backs up, by ARN, the shards' Aurora clusters (write region) and the region's
 * media bucket, keeps each recovery point `backup.retentionDays`, and copies it to the vault of another region of the
 * environment (lib/plan/backup.ts) and, when configured, to a vault of a separate backup account.
 *
 * The protected resources are named, not referenced: this stack deploys before or after them without a dependency,
 * and a selected resource that does not exist yet is skipped by the job until it does. The shards are selected by
 * one wildcard ARN (`gigascale-<env>-shard-*`), so adding shards leaves the selection as it is.
 */
export class BackupStack extends RegionalStack {
  readonly key: kms.Key;
  readonly vault: backup.BackupVault;
  readonly plan: backup.BackupPlan;
  /** Role AWS Backup assumes to back up and restore the selected resources. */
  readonly role: iam.Role;
  /** The shards' selection (write region), then the media bucket's. */
  readonly selections: readonly backup.BackupSelection[];
  /** The region every recovery point is copied to, or null (an environment of one region). */
  readonly copyRegion: string | null;

  constructor(scope: Construct, id: string, props: BackupStackProps) {
    super(scope, id, { ...props, concern: 'backup' });
    const { environment, region } = props;
    const env = environment.name;
    const settings = environment.backup;
    const retention = Duration.days(settings.retentionDays);

    this.key = customerKey(this, 'BackupKey', { description: `Backup vault of ${env} in ${region.name}: recovery points and copies`, alias: backupKeyAlias(env) });
    this.vault = new backup.BackupVault(this, 'Vault', {
      backupVaultName: backupVaultName(env),
      encryptionKey: this.key,
      // A vault holding recovery points cannot be deleted anyway; retaining it keeps a stack deletion from failing on it.
      removalPolicy: RemovalPolicy.RETAIN,
      lockConfiguration: {
        minRetention: retention,
        ...(settings.vaultLock === 'compliance' ? { changeableFor: Duration.days(VAULT_LOCK_GRACE_DAYS) } : {}),
      },
    });

    this.copyRegion = backupCopyRegion(environment, region);
    const vaultArn = (account: string, vaultRegion: string, name: string): string =>
      this.formatArn({ service: 'backup', account, region: vaultRegion, resource: 'backup-vault', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const copies = [
      ...(this.copyRegion ? [{ id: 'CopyRegionVault', arn: vaultArn(environment.account, this.copyRegion, backupVaultName(env)) }] : []),
      ...(settings.copyAccount
        ? [{ id: 'CopyAccountVault', arn: vaultArn(settings.copyAccount.account, this.copyRegion ?? region.name, settings.copyAccount.vaultName) }]
        : []),
    ];

    this.plan = new backup.BackupPlan(this, 'Plan', {
      backupPlanName: backupPlanName(env, region.name),
      backupPlanRules: [
        new backup.BackupPlanRule({
          ruleName: 'daily',
          backupVault: this.vault,
          scheduleExpression: events.Schedule.cron({ hour: BACKUP_SCHEDULE.hour, minute: BACKUP_SCHEDULE.minute }),
          startWindow: Duration.hours(BACKUP_SCHEDULE.startWindowHours),
          completionWindow: Duration.hours(BACKUP_SCHEDULE.completionWindowHours),
          deleteAfter: retention,
          ...(copies.length > 0
            ? { copyActions: copies.map((c) => ({ destinationBackupVault: backup.BackupVault.fromBackupVaultArn(this, c.id, c.arn), deleteAfter: retention })) }
            : {}),
        }),
      ],
    });

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
      description: `AWS Backup of ${env} in ${region.name}: back up and restore the shards and the media bucket`,
      managedPolicies: BACKUP_ROLE_POLICIES.map((p) => iam.ManagedPolicy.fromAwsManagedPolicyName(p)),
    });

    const select = (selectionId: string, name: string, arns: readonly string[]): backup.BackupSelection =>
      new backup.BackupSelection(this, selectionId, {
        backupPlan: this.plan,
        backupSelectionName: name,
        resources: arns.map((arn) => backup.BackupResource.fromArn(arn)),
        role: this.role,
      });
    // Every shard's cluster by one wildcard ARN: adding shards never changes (and so never replaces) the selection.
    const shards = this.formatArn({ service: 'rds', resource: 'cluster', resourceName: shardClusterIdentifierPattern(env), arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    this.selections = [
      ...(backsUpShards(region) ? [select('Shards', 'shards', [shards])] : []),
      select('Media', 'media', [`arn:${this.partition}:s3:::${mediaBucketName(env, environment.account, region.name)}`]),
    ];
  }
}
