/**
 * The capacity plan and its monthly cost, without synthesizing stacks.
 *   npm run -s plan -- [--env <name> | --users <n> | --phase <3|4|5>] [--json] [--config <file>]
 * - no selector: every environment of the config; `--env`: one of them, as synth sizes it;
 * - `--phase`: the phase's preset workload over its reference regions (3: us-east-1; 4 and 5: the seed's four);
 * - `--users`: the seed's per-user load for that many users, in the phase whose user band holds them (or `--phase`).
 * `--json` prints exactly one object (an array of them without a selector) with `monthly_usd` and `usd_per_mau`.
 * Exit 0, or 2 for bad arguments or a config that does not plan.
 */
import { argumentError, parseEnvArgs, type EnvArgs } from '../lib/util/cli-args';
import { environmentOf, loadConfigModule, resolvePlan } from '../lib/plan';
import type { EnvironmentPlan } from '../lib/plan/plan';
import { PHASES, type Phase } from '../lib/facts/phases';
import { phaseForUsers } from '../lib/plan/workload';
import { capacityPlanJson, formatCapacityPlan } from '../lib/views/cost-report';
import { referenceEnvironment } from '../lib/plan/reference';
import { runCli } from './run-cli';

const USAGE = 'usage: npm run -s plan -- [--env <name> | --users <n> | --phase <3|4|5>] [--json] [--config <file>]';

interface PlanArgs extends Omit<EnvArgs, 'extra'> {
  readonly users?: number;
  readonly phase?: Phase;
}

function parseArgs(argv: readonly string[]): PlanArgs {
  const { extra, ...args } = parseEnvArgs(argv, USAGE, ['--users', '--phase']);
  if (args.help) return args;
  const usersText = extra['--users'];
  const phaseText = extra['--phase'];
  const users = usersText === undefined ? undefined : Number(usersText.replace(/_/g, ''));
  if (usersText !== undefined && (!/^\d[\d_]*$/.test(usersText) || !Number.isSafeInteger(users) || users! < 1)) {
    throw argumentError('--users', `must be a whole number of users, at least 1, got ${JSON.stringify(usersText)}`, USAGE);
  }
  const phase = PHASES.find((p) => String(p) === phaseText);
  if (phaseText !== undefined && phase === undefined) throw argumentError('--phase', `must be one of ${PHASES.join(', ')}, got ${JSON.stringify(phaseText)}`, USAGE);
  if (args.env !== undefined && (users !== undefined || phase !== undefined)) {
    throw argumentError('--env', 'plans an environment of the config as written; --users and --phase plan a reference environment instead: give one or the other', USAGE);
  }
  return { ...args, users, phase };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
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

runCli(main);
