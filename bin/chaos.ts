/**
 * The failure experiments, offline: what every region's AWS FIS templates do and when the weekly schedule runs them.
 *   npm run -s chaos -- plan [--env <name>] [--json] [--config <file>]
 * Without `--env`, every environment of the config. `--json` prints one object (an array of them without `--env`).
 * Reads the config only: no credentials, no synth. Exit 0, or 2 for bad arguments or a config that does not plan.
 */
import { argumentError, parseEnvArgs } from '../lib/util/cli-args';
import { environmentOf, loadConfigModule, resolvePlan } from '../lib/plan';
import { chaosPlanJson, formatChaosPlan } from '../lib/views/chaos-report';
import { runCli } from './run-cli';

const USAGE = 'usage: npm run -s chaos -- plan [--env <name>] [--json] [--config <file>]';
const COMMANDS = ['plan'];

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  if (command === '--help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (!COMMANDS.includes(command)) {
    throw argumentError(command ?? '<command>', `${command === undefined ? 'is missing' : 'is not a command'}: the command is ${COMMANDS.join(' or ')}`, USAGE);
  }
  const args = parseEnvArgs(rest, USAGE);
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const plan = resolvePlan(await loadConfigModule(args.config));
  const environments = args.env === undefined ? plan.environments : [environmentOf(plan, args.env)];
  if (args.json) {
    const json = environments.map((e) => chaosPlanJson(e));
    process.stdout.write(`${JSON.stringify(args.env === undefined ? json : json[0], null, 2)}\n`);
  } else {
    process.stdout.write(`${environments.map((e) => formatChaosPlan(e)).join('\n\n')}\n`);
  }
}

runCli(main);
