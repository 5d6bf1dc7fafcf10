/**
 * The latency budget's verdicts without synthesizing stacks: every flow of every region of every environment (or of
 * one), its static P95 against its target, and the waivers.
 *   npm run -s budget -- [--env <name>] [--json] [--config <file>]
 * `--json` prints exactly an array of {"env", "region", "flow", "p95_ms", "target_ms", "ok", "waiver"}, as synth
 * writes to `<outdir>/budget.json`. Exit 0 when every flow is within target or waived, 1 when one is not, 2 bad input.
 *
 * With `--measured`, the drift report instead (lib/views/drift-report.ts): the probe's `--json` reports held to the
 * static model of one environment.
 *   npm run -s budget -- --env <name> --measured <probe JSON files...> [--region <name>] [--json] [--config <file>]
 * `--json` prints exactly {"checks": [{"env", "region", "check", "hops", "measured_p95_ms", "runs", "static_p95_ms",
 * "verdict"}], "flows": [{"env", "region", "flow", "checks", "budgeted", "budgeted_ms", "probed_p95_ms", "runs",
 * "static_p95_ms", "target_ms", "waived", "within_target", "verdict"}]}. Exit 0 when every measured stretch and flow
 * holds (or was not measured) and no flow breaks its target, 1 when the model drifted or a flow breaks its target,
 * 2 bad input.
 */
import { readFileSync } from 'node:fs';
import { EXIT_BAD_INPUT, EXIT_CHECK_FAILED, GigascaleError, type Issue } from '../lib/util/errors';
import { argumentError, parseEnvArgs, type EnvArgs } from '../lib/util/cli-args';
import { environmentOf, loadConfigModule, resolvePlan } from '../lib/plan';
import type { Plan } from '../lib/plan/plan';
import { breaches, planVerdicts, verdictJson } from '../lib/views/verdicts';
import { breachMessage, formatVerdicts } from '../lib/views/latency-report';
import { driftFlagged, driftJson, driftRows, flowDriftJson, flowDriftRows, formatDrift, overTarget, parseMeasuredRun, type MeasuredRun } from '../lib/views/drift-report';
import { runCli } from './run-cli';

const USAGE = [
  'usage: npm run -s budget -- [--env <name>] [--json] [--config <file>]',
  '       npm run -s budget -- --env <name> --measured <probe JSON files...> [--region <name>] [--json] [--config <file>]',
].join('\n');

async function main(): Promise<number> {
  const args = parseEnvArgs(process.argv.slice(2), USAGE, ['--region'], ['--measured']);
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const measured = args.lists['--measured'];
  if (measured === undefined && args.extra['--region'] !== undefined) throw argumentError('--region', 'applies to --measured reports only', USAGE);
  if (measured !== undefined && args.env === undefined) throw argumentError('--measured', 'needs --env <name>: the environment whose static model the measurements are held to', USAGE);
  // Every file is read and checked before the config is loaded: a bad file is named whatever the config says.
  const runs = measured === undefined ? undefined : readRuns(measured);
  const plan = resolvePlan(await loadConfigModule(args.config));
  return runs === undefined ? verdicts(plan, args) : drift(plan, args, runs);
}

function verdicts(plan: Plan, args: EnvArgs): number {
  const environments = args.env === undefined ? plan.environments : [environmentOf(plan, args.env)];
  const all = planVerdicts({ environments });
  if (args.json) process.stdout.write(`${JSON.stringify(all.map(verdictJson), null, 2)}\n`);
  else process.stdout.write(`${formatVerdicts(all, environments)}\n`);
  const broken = breaches(all);
  if (broken.length === 0) return 0;
  console.error(`gigascale: ${breachMessage(broken)}`);
  return EXIT_CHECK_FAILED;
}

function drift(plan: Plan, args: EnvArgs, runs: readonly MeasuredRun[]): number {
  const asRegion = args.extra['--region'];
  const environment = environmentOf(plan, args.env!);
  const rows = driftRows(environment, runs, asRegion);
  const flows = flowDriftRows(environment, rows);
  if (args.json) process.stdout.write(`${JSON.stringify({ checks: rows.map(driftJson), flows: flows.map(flowDriftJson) }, null, 2)}\n`);
  else process.stdout.write(`${formatDrift(rows, flows, runs.length, asRegion)}\n`);
  const flagged = [...driftFlagged(rows).map((r) => `${r.region} ${r.check} ${r.verdict}`), ...driftFlagged(flows).map((f) => `${f.region} ${f.flow} ${f.verdict}`)];
  const broken = overTarget(flows);
  if (flagged.length > 0) console.error(`gigascale: the latency model drifted from the measurements: ${flagged.join(', ')}`);
  if (broken.length > 0) console.error(`gigascale: measured flows break their targets: ${broken.map((f) => `${f.region} ${f.flow} ${f.probedP95Ms} ms > ${f.targetMs} ms`).join(', ')}`);
  return flagged.length === 0 && broken.length === 0 ? 0 : EXIT_CHECK_FAILED;
}

/** Every file read and checked, all problems reported at once (exit 2). */
function readRuns(files: readonly string[]): MeasuredRun[] {
  const issues: Issue[] = [];
  const runs: MeasuredRun[] = [];
  for (const file of files) {
    let document: unknown;
    try {
      document = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      const reason = e instanceof SyntaxError ? `is not JSON (${e.message})` : `cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`;
      issues.push({ at: file, message: `${reason}; pass the output of npm run -s probe -- --json` });
      continue;
    }
    const run = parseMeasuredRun(file, document, issues);
    if (run !== undefined) runs.push(run);
  }
  if (issues.length > 0) throw new GigascaleError('Invalid measurements', issues, EXIT_BAD_INPUT);
  return runs;
}

runCli(main);
