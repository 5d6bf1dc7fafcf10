/**
 * The context of cdk.json (feature flags and CLI settings). The CLI passes it to bin/app.ts; tests and benchmarks
 * that run the app without the CLI read it here, so every synth uses the same flags.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DISABLE_CREATION_STACK_TRACES } from 'aws-cdk-lib/cx-api';

export const PROJECT_ROOT = join(__dirname, '..', '..');

export function cdkJsonContext(root: string = PROJECT_ROOT): Record<string, unknown> {
  return (JSON.parse(readFileSync(join(root, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;
}

/**
 * Context the app sets itself, under cdk.json's: no creation stack traces, which hold this machine's paths. Not in
 * cdk.json, because the CLI warns about any `aws:` key there, and with CI=true it prints the warning on stdout, where
 * `cdk ls` output is read.
 */
export const APP_CONTEXT: Readonly<Record<string, unknown>> = { [DISABLE_CREATION_STACK_TRACES]: true };
