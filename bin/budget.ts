/**
 * The latency budget's verdicts without synthesizing stacks: every flow of every region of every environment (or of
 * one), its static P95 against its target, and the waivers.
 *   npm run -s budget -- [--env <name>] [--json] [--config <file>]
 * `--json` prints exactly an array of {"env", "region", "flow", "p95_ms", "target_ms", "ok", "waiver"}, as synth
 * writes to `<outdir>/budget.json`. Exit 0 when every flow is within target or waived, 1 when one is not, 2 bad input.
 */
import { EXIT_CHECK_FAILED, GigascaleError } from '../lib/util/errors';
import { parseEnvArgs } from '../lib/util/cli-args';
import { environmentOf, loadConfigModule, resolvePlan } from '../lib/plan';
import { breaches, planVerdicts, verdictJson } from '../lib/views/verdicts';
import { breachMessage, formatVerdicts } from '../lib/views/latency-report';

const USAGE = 'usage: npm run -s budget -- [--env <name>] [--json] [--config <file>]';

async function main(): Promise<number> {
  const args = parseEnvArgs(process.argv.slice(2), USAGE);
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const plan = resolvePlan(await loadConfigModule(args.config));
  const environments = args.env === undefined ? plan.environments : [environmentOf(plan, args.env)];
  const verdicts = planVerdicts({ environments });
  if (args.json) process.stdout.write(`${JSON.stringify(verdicts.map(verdictJson), null, 2)}\n`);
  else process.stdout.write(`${formatVerdicts(verdicts, environments)}\n`);
  const broken = breaches(verdicts);
  if (broken.length === 0) return 0;
  console.error(`gigascale: ${breachMessage(broken)}`);
  return EXIT_CHECK_FAILED;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof GigascaleError) {
      console.error(`gigascale: ${e.message}`);
      process.exit(e.exitCode);
    }
    throw e;
  },
);
