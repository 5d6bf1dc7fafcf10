/** Test helpers for configs: a valid environment to vary, and the problems a config is refused with. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../lib/plan/cdk-json';
import { GigascaleError } from '../../lib/util/errors';
import { resolvePlan, type EnvironmentInput, type GigascaleConfig } from '../../lib/plan';

/** A valid phase-3 environment over us-east-1 and eu-west-1 for 100,000 users, with the given fields replaced. */
export const env = (overrides: Partial<EnvironmentInput> & Record<string, unknown> = {}): EnvironmentInput =>
  ({
    phase: 3,
    account: '123456789012',
    domain: 'example.com',
    owner: 'platform',
    costCentre: 'cc-1',
    regions: ['us-east-1', 'eu-west-1'],
    ingress: { hostedZoneId: 'Z0123456789EXAMPLE' },
    workload: { users: 100_000 },
    // Required from phase 4 (lib/plan/validate.ts); harmless before it.
    observability: { notifications: { emails: ['oncall@example.com'] } },
    ...overrides,
  }) as EnvironmentInput;

/** A config with one environment, `test`. */
export const configWith = (e: EnvironmentInput): GigascaleConfig => ({ environments: { test: e } });

/** `<at>: <message>` of every problem the config (and context) is refused with; throws if it is accepted. */
export function problems(config: unknown, context: Record<string, unknown> = {}): string[] {
  try {
    resolvePlan(config, context);
  } catch (e) {
    if (e instanceof GigascaleError) return e.issues.map((i) => `${i.at}: ${i.message}`);
    throw e;
  }
  throw new Error('expected the config to be refused');
}

/**
 * Writes a config module at `file` whose `body` derives from the shipped regions.config.ts, imported as `base`, and
 * returns the path: what the CLIs' `--config` and `-c config=` tests load.
 */
export function derivedConfigModule(file: string, body: string): string {
  writeFileSync(file, `import base from ${JSON.stringify(join(PROJECT_ROOT, 'regions.config.ts'))};\n${body}`);
  return file;
}

/** In `dir`, the shipped config's prod without its latency waiver: APAC writes through us-east-1, unwaived. */
export function unwaivedConfigModule(dir: string): string {
  return derivedConfigModule(join(dir, 'unwaived.config.ts'), 'const { latencyBudgets: _dropped, ...prod } = base.environments.prod;\nexport default { environments: { prod } };\n');
}
