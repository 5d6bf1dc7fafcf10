/**
 * The capacity plan and its monthly cost, without synthesizing stacks.
 *   npm run -s plan -- [--env <name> | --users <n> | --phase <3|4|5>] [--json] [--config <file>]
 * - no selector: every environment of the config; `--env`: one of them, as synth sizes it;
 * - `--phase`: the phase's preset workload over its reference regions (3: us-east-1; 4 and 5: the seed's four);
 * - `--users`: the seed's per-user load for that many users, in the phase whose user band holds them (or `--phase`).
 * `--json` prints exactly one object (an array of them without a selector) with `monthly_usd` and `usd_per_mau`.
 * Exit 0, or 2 for bad arguments or a config that does not plan.
 */
import { GigascaleError, type Issue } from '../lib/errors';
import { environmentOf, loadConfigModule, resolvePlan } from '../lib/config';
import type { EnvironmentPlan } from '../lib/config/plan';
import { PHASES, type Phase } from '../lib/config/phases';
import { phaseForUsers } from '../lib/capacity/workload';
import { capacityPlanJson, formatCapacityPlan } from '../lib/capacity/report';
import { referenceEnvironment } from '../lib/capacity/reference';

const USAGE = 'usage: npm run -s plan -- [--env <name> | --users <n> | --phase <3|4|5>] [--json] [--config <file>]';

interface PlanArgs {
  readonly env?: string;
  readonly users?: number;
  readonly phase?: Phase;
  readonly json: boolean;
  readonly config?: string;
}

function parseArgs(argv: readonly string[]): PlanArgs {
  const bad = (at: string, message: string): never => {
    throw new GigascaleError('Invalid arguments', [{ at, message: `${message}\n${USAGE}` } satisfies Issue]);
  };
  const out: { env?: string; users?: number; phase?: Phase; json: boolean; config?: string } = { json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') {
      out.json = true;
      continue;
    }
    if (!['--env', '--users', '--phase', '--config'].includes(a)) bad(a, 'unknown argument');
    const value = argv[++i];
    if (value === undefined || value.startsWith('--')) bad(a, 'needs a value');
    if (a === '--env') out.env = value;
    else if (a === '--config') out.config = value;
    else if (a === '--users') {
      const n = Number(value.replace(/_/g, ''));
      if (!/^\d[\d_]*$/.test(value) || !Number.isSafeInteger(n) || n < 1) bad(a, `must be a whole number of users, at least 1, got ${JSON.stringify(value)}`);
      out.users = n;
    } else {
      const p = PHASES.find((x) => String(x) === value);
      if (p === undefined) bad(a, `must be one of ${PHASES.join(', ')}, got ${JSON.stringify(value)}`);
      out.phase = p;
    }
  }
  if (out.env !== undefined && (out.users !== undefined || out.phase !== undefined)) {
    bad('--env', 'plans an environment of the config as written; --users and --phase plan a reference environment instead: give one or the other');
  }
  return out;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  let environments: readonly EnvironmentPlan[];
  if (args.users !== undefined || args.phase !== undefined) {
    const phase = args.phase ?? phaseForUsers(args.users!);
    environments = resolvePlan(referenceEnvironment(phase, args.users)).environments;
  } else {
    const plan = resolvePlan(await loadConfigModule(args.config));
    environments = args.env === undefined ? plan.environments : [environmentOf(plan, args.env)];
  }
  const single = args.env !== undefined || args.users !== undefined || args.phase !== undefined;
  if (args.json) {
    const json = environments.map((e) => capacityPlanJson(e));
    process.stdout.write(`${JSON.stringify(single ? json[0] : json, null, 2)}\n`);
  } else {
    process.stdout.write(`${environments.map((e) => formatCapacityPlan(e)).join('\n\n')}\n`);
  }
}

main().catch((e: unknown) => {
  if (e instanceof GigascaleError) {
    console.error(`gigascale: ${e.message}`);
    process.exit(e.exitCode);
  }
  throw e;
});
