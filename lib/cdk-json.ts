/**
 * The context of cdk.json (feature flags and CLI settings). The CLI passes it to bin/app.ts; tests and benchmarks
 * that run the app without the CLI read it here, so every synth uses the same flags.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const PROJECT_ROOT = join(__dirname, '..');

export function cdkJsonContext(root: string = PROJECT_ROOT): Record<string, unknown> {
  return (JSON.parse(readFileSync(join(root, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;
}
