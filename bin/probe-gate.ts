/**
 * The deploy pipeline's gate after a region deployed: passes when the region's probe, flow and composite alarms are
 * all OK in a DescribeAlarms answer (lib/views/probe-gate.ts), and names each one that is not.
 *   npm run -s probe-gate -- --env <name> --region <region> --alarms <describe-alarms JSON file> [--json] [--config <file>]
 * The pipeline writes the file with `aws cloudwatch describe-alarms --alarm-types MetricAlarm CompositeAlarm
 * --alarm-names <the region's> --output json`. Exit 0 the gate passes, 1 it does not (the promotion stops), 2 bad input.
 */
import { readFileSync } from 'node:fs';
import { EXIT_CHECK_FAILED, GigascaleError } from '../lib/util/errors';
import { argumentError, parseEnvArgs } from '../lib/util/cli-args';
import { environmentOf, loadConfigModule, resolvePlan } from '../lib/plan';
import { probeGateAlarmNames, probeGateVerdict } from '../lib/views/probe-gate';
import { formatTable } from '../lib/util/table';
import { runCli } from './run-cli';

const USAGE = 'usage: npm run -s probe-gate -- --env <name> --region <region> --alarms <describe-alarms JSON file> [--json] [--config <file>]';

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const args = parseEnvArgs(argv, USAGE, ['--region', '--alarms']);
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (args.env === undefined) throw argumentError('--env', 'is required: the environment the region belongs to', USAGE);
  const regionName = args.extra['--region'];
  if (regionName === undefined) throw argumentError('--region', 'is required: the region just deployed', USAGE);
  const file = args.extra['--alarms'];
  if (file === undefined) throw argumentError('--alarms', 'is required: the file aws cloudwatch describe-alarms --output json wrote', USAGE);
  const environment = environmentOf(resolvePlan(await loadConfigModule(args.config)), args.env);
  const region = environment.regions.find((r) => r.name === regionName);
  if (!region) throw argumentError('--region', `${environment.name} has no region ${JSON.stringify(regionName)}; its regions are ${environment.regions.map((r) => r.name).join(', ')}`, USAGE);
  let answer: unknown;
  try {
    answer = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new GigascaleError('Unreadable alarms', [{ at: file, message: `${(e as Error).message}: pass the JSON aws cloudwatch describe-alarms --output json printed` }]);
  }
  let verdict;
  try {
    verdict = probeGateVerdict(probeGateAlarmNames(environment, region), answer);
  } catch (e) {
    throw new GigascaleError('Unreadable alarms', [{ at: file, message: (e as Error).message }]);
  }
  const failing = verdict.rows.filter((r) => r.state !== 'OK');
  if (args.json) {
    process.stdout.write(`${JSON.stringify({ environment: environment.name, region: region.name, ok: verdict.ok, alarms: verdict.rows }, null, 2)}\n`);
  } else {
    process.stdout.write(`${formatTable([['alarm', 'state'], ...verdict.rows.map((r) => [r.alarm, r.state])]).join('\n')}\n`);
    process.stdout.write(
      verdict.ok
        ? `probe gate passed: ${verdict.rows.length} alarms of ${environment.name} ${region.name} OK\n`
        : `probe gate failed: ${failing.length} of ${verdict.rows.length} alarms of ${environment.name} ${region.name} not OK (${failing.map((r) => `${r.alarm} ${r.state}`).join(', ')}); the promotion stops here\n`,
    );
  }
  return verdict.ok ? 0 : EXIT_CHECK_FAILED;
}

runCli(main);
