import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { measureTemplate } from '../lib/facts/limits';
import type { StageSummary } from '../lib/views/summary';

/** Sizes of every stack of every stage in a synthesized assembly, in synthesis order. */
export function summarizeAssembly(assembly: CloudAssembly): StageSummary[] {
  return assembly.nestedAssemblies.map((nested) => ({
    stage: nested.displayName,
    stacks: nested.nestedAssembly.stacks.map((s) => measureTemplate(s.stackName, readFileSync(s.templateFullPath, 'utf8'))),
  }));
}

/** File CDK writes the validation plugins' findings to, at the top of the assembly. */
export const VALIDATION_REPORT_FILE = 'validation-report.json';

interface ValidationReport {
  readonly pluginReports?: readonly { readonly pluginName: string; readonly conclusion: string; readonly violations: readonly unknown[] }[];
}

/**
 * Names of the validation plugins (cdk-nag packs, the limits guard) that reported unacknowledged findings.
 * The CDK CLI asks the app to leave failing to it, and `cdk synth` of CLI 2.1148 then does not fail, so the app
 * reads the report itself.
 */
export function failedValidationPlugins(assembly: CloudAssembly): string[] {
  const file = join(assembly.directory, VALIDATION_REPORT_FILE);
  if (!existsSync(file)) return [];
  const report = JSON.parse(readFileSync(file, 'utf8')) as ValidationReport;
  const failed = (report.pluginReports ?? []).filter((r) => r.conclusion !== 'success').map((r) => r.pluginName);
  return [...new Set(failed)].sort();
}
