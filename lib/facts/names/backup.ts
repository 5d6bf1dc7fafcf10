/**
 * Names of a region's AWS Backup resources: the vault, its key, the plan. Vault and plan names are per account and
 * region, so they need not carry the region; a copy action names another region's vault by the same name.
 */

import { PROJECT, stageName } from './stage';

/** `gigascale-prod`: the region's backup vault, and the vault copies from other regions land in. */
export function backupVaultName(env: string): string {
  return `${PROJECT}-${env}`;
}

/** `alias/gigascale/prod/backup`: KMS alias of the region's backup vault key. */
export function backupKeyAlias(env: string): string {
  return `alias/${PROJECT}/${env}/backup`;
}

/** `gigascale-prod-eu-west-1`: the region's backup plan. */
export function backupPlanName(env: string, region: string): string {
  return `${PROJECT}-${stageName(env, region)}`;
}
