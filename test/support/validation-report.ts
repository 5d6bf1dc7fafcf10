/**
 * Reads the validation report CDK writes beside a synthesized assembly: the findings every validation plugin (the
 * cdk-nag packs, CloudFormation Validate, the limits guard) reported, and which of them an acknowledgment suppressed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VALIDATION_REPORT_FILE } from '../../stacks/assembly-summary';

interface Violation {
  readonly ruleName: string;
  readonly violatingConstructs: readonly { readonly constructPath: string }[];
}

interface SuppressedViolation extends Violation {
  /** The id the acknowledgment named (`<pack>::<rule>`), as passed to `Validations.acknowledge`. */
  readonly acknowledgedId: string;
  readonly reason: string;
}

interface ValidationReport {
  readonly pluginReports: readonly {
    readonly pluginName: string;
    readonly violations: readonly Violation[];
    readonly suppressedViolations?: readonly SuppressedViolation[];
  }[];
}

/** A finding an acknowledgment suppressed: the id it was acknowledged with, the resource, and the reason recorded. */
export interface SuppressedFinding {
  readonly id: string;
  /** The rule as its plugin names it (`AwsSolutions-IAM5[Resource::<arn>/*]`): the id without the plugin's prefix. */
  readonly rule: string;
  readonly path: string;
  readonly reason: string;
}

function readReport(outdir: string): ValidationReport {
  return JSON.parse(readFileSync(join(outdir, VALIDATION_REPORT_FILE), 'utf8')) as ValidationReport;
}

/** Every finding no acknowledgment covers, as `<plugin>: <rule> on <construct path>`, sorted and without repeats. */
export function unacknowledgedFindings(outdir: string): string[] {
  const found = readReport(outdir).pluginReports.flatMap((p) =>
    p.violations.flatMap((v) => v.violatingConstructs.map((c) => `${p.pluginName}: ${v.ruleName} on ${c.constructPath}`)),
  );
  return [...new Set(found)].sort();
}

/** Every finding an acknowledgment suppressed (the report may list one more than once: repeats are kept). */
export function suppressedFindings(outdir: string): SuppressedFinding[] {
  return readReport(outdir).pluginReports.flatMap((p) =>
    (p.suppressedViolations ?? []).flatMap((v) =>
      v.violatingConstructs.map((c) => ({ id: v.acknowledgedId, rule: v.ruleName, path: c.constructPath, reason: v.reason })),
    ),
  );
}
