/**
 * The backup stack (stacks/backup/backup-stack.ts): per stage of the default config, every shard cluster (in the write
 * region, where the global databases have their writers) and every media bucket is in a backup selection of a plan
 * whose vault is locked and has its own key, and every recovery point is copied to another region's vault; the config's
 * backup settings resolve and are refused with their paths.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- CloudFormation properties are read as parsed JSON */
import { beforeAll, describe, expect, it } from 'vitest';
import { Template } from 'aws-cdk-lib/assertions';
import type { Plan } from '../lib/plan';
import { backupVaultName } from '../lib/facts/names/backup';
import { shardClusterIdentifier } from '../lib/facts/names/data';
import { mediaBucketName } from '../lib/facts/names/media';
import type { RegionStage } from '../stacks/stage';
import { configWith, env, problems } from './support/config';
import { planOf, stagesOf } from './support/synth';

type Resource = { Type: string; Properties: Record<string, any> };

let plan: Plan;
let stages: RegionStage[];
const templates = new Map<string, Record<string, Resource>>();

beforeAll(() => {
  plan = planOf();
  stages = stagesOf(plan).stages;
  for (const s of stages) templates.set(s.stageName, Template.fromStack(s.backup).toJSON().Resources as Record<string, Resource>);
});

const ofType = (stageName: string, type: string) => Object.entries(templates.get(stageName)!).filter(([, r]) => r.Type === type);
const one = (stageName: string, type: string) => {
  const found = ofType(stageName, type);
  expect(found, `${stageName} ${type}`).toHaveLength(1);
  return found[0];
};

describe('backup stack', () => {
  it('backs up every shard cluster of each environment in its write region, and every media bucket in its own region', () => {
    for (const e of plan.environments) {
      const selected = (region: string) => ofType(`${e.name}-${region}`, 'AWS::Backup::BackupSelection').flatMap(([, r]) => r.Properties.BackupSelection.Resources as string[]);
      const isSelected = (region: string, arn: string) => selected(region).some((p) => new RegExp(`^${p.replace(/[.]/g, '\\.').replace(/\*/g, '[^:]*')}$`).test(arn));
      for (const r of e.regions) {
        const bucket = `arn:aws:s3:::${mediaBucketName(e.name, e.account, r.name)}`;
        expect(selected(r.name).filter((arn) => arn.startsWith('arn:aws:s3:')), `${e.name} ${r.name}`).toEqual([bucket]);
        for (let s = 0; s < e.shards; s++) {
          const cluster = `arn:aws:rds:${r.name}:${e.account}:cluster:${shardClusterIdentifier(e.name, s)}`;
          expect(isSelected(r.name, cluster), cluster).toBe(r.isWriteRegion);
        }
        // Neither another environment's shards nor a restored side cluster (docs/data.md) is selected.
        expect(isSelected(r.name, `arn:aws:rds:${r.name}:${e.account}:cluster:gigascale-${e.name}-restore-shard-0003`)).toBe(false);
        expect(isSelected(r.name, `arn:aws:rds:${r.name}:${e.account}:cluster:gigascale-${e.name}x-shard-0003`)).toBe(false);
      }
    }
    expect(ofType('prod-us-east-1', 'AWS::Backup::BackupSelection').map(([, r]) => r.Properties.BackupSelection.Resources)).toEqual([
      ['arn:aws:rds:us-east-1:222222222222:cluster:gigascale-prod-shard-*'],
      ['arn:aws:s3:::gigascale-prod-media-222222222222-us-east-1'],
    ]);
  });

  it('keeps every recovery point in a vault with its own key and a lock: compliance mode from phase 4, governance in phase 3', () => {
    for (const s of stages) {
      const e = plan.environments.find((x) => s.stageName.startsWith(`${x.name}-`))!;
      const [keyId] = one(s.stageName, 'AWS::KMS::Key');
      const [vaultId, vault] = one(s.stageName, 'AWS::Backup::BackupVault');
      expect(vault.Properties.BackupVaultName).toBe(backupVaultName(e.name));
      expect(vault.Properties.EncryptionKeyArn).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
      expect(vault.Properties.LockConfiguration).toEqual(e.phase >= 4 ? { MinRetentionDays: 35, ChangeableForDays: 3 } : { MinRetentionDays: 35 });
      const [, backupPlan] = one(s.stageName, 'AWS::Backup::BackupPlan');
      const [rule] = backupPlan.Properties.BackupPlan.BackupPlanRule;
      expect([rule.TargetBackupVault, rule.ScheduleExpression, rule.Lifecycle]).toEqual([{ 'Fn::GetAtt': [vaultId, 'BackupVaultName'] }, 'cron(0 5 * * ? *)', { DeleteAfterDays: 35 }]);
    }
  });

  it('copies every recovery point of prod to another region\'s vault, which exists there under the same name', () => {
    const prod = plan.environments.find((e) => e.name === 'prod')!;
    const copies = prod.regions.map((r) => {
      const [, backupPlan] = one(`prod-${r.name}`, 'AWS::Backup::BackupPlan');
      const [copy] = backupPlan.Properties.BackupPlan.BackupPlanRule[0].CopyActions;
      expect(copy.Lifecycle).toEqual({ DeleteAfterDays: 35 });
      const [, , , region, account, , name] = (copy.DestinationBackupVaultArn as string).split(':');
      expect([account, name]).toEqual([prod.account, backupVaultName('prod')]);
      return `${r.name} -> ${region}`;
    });
    expect(copies).toEqual(['us-east-1 -> us-west-2', 'us-west-2 -> us-east-1', 'eu-west-1 -> us-east-1', 'ap-southeast-1 -> us-east-1']);
    // dev has one region: nowhere to copy to, and no copy action.
    const [, devPlan] = one('dev-us-east-1', 'AWS::Backup::BackupPlan');
    expect(devPlan.Properties.BackupPlan.BackupPlanRule[0].CopyActions).toBeUndefined();
  });

  it('also copies to a separate backup account\'s vault when the config names one', () => {
    const config = configWith(env({ backup: { retentionDays: 90, copyAccount: { account: '999999999999', vaultName: 'org-backup' } } }));
    const s = stagesOf(planOf({}, config)).stages.find((x) => x.stageName === 'test-eu-west-1')!;
    const rule = (Object.values(Template.fromStack(s.backup).findResources('AWS::Backup::BackupPlan'))[0] as Resource).Properties.BackupPlan.BackupPlanRule[0];
    expect(rule.CopyActions.map((c: any) => c.DestinationBackupVaultArn)).toEqual([
      'arn:aws:backup:us-east-1:123456789012:backup-vault:gigascale-test',
      'arn:aws:backup:us-east-1:999999999999:backup-vault:org-backup',
    ]);
    expect(rule.Lifecycle).toEqual({ DeleteAfterDays: 90 });
  });

  it('refuses a copy account that is the environment\'s own, and malformed backup settings, each with its path', () => {
    expect(problems(configWith(env({ backup: { retentionDays: 3, vaultLock: 'strict' as 'compliance', copyAccount: { account: '123456789012', vaultName: 'x' } } })))).toEqual([
      'environments.test.backup.retentionDays: must be an integer in 7..3650, got 3',
      'environments.test.backup.vaultLock: must be "compliance" or "governance", got "strict"',
      'environments.test.backup.copyAccount.vaultName: must be a backup vault name (2-50 letters, digits, - and _), got "x"',
      'environments.test.backup.copyAccount.account: is the environment\'s own account 123456789012: the copy protects against losing that account, so name a separate backup account',
    ]);
  });
});
