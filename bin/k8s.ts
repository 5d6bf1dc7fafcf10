/**
 * Renders the Kubernetes manifests gigascale derives from the plan, one directory per stage, without synthesizing
 * the stacks (synth writes the same files to `<outdir>/k8s/<stage>/<chart>.yaml`):
 *   npm run -s k8s -- [--out dist/k8s] [-c env=prod] [-c shards=32] [-c config=./other.config.ts] ...
 * The `-c` flags are those of `cdk synth`, validated the same way. Output replaces the directory as a whole, and
 * only once every chart rendered: a bad input leaves the previous output untouched. Exit 0 ok, 2 bad input.
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadConfigModule, parseOverrides, resolvePlan } from '../lib/plan';
import { GigascaleError } from '../lib/util/errors';
import { stageName } from '../lib/facts/names/stage';
import { renderStageCharts } from '../k8s';
import { runCli } from './run-cli';

const USAGE = 'usage: npm run -s k8s -- [--out <dir>] [-c <key>=<value> ...]   (keys as for cdk synth: env, regions, shards, config, ...)';

function parseArgs(argv: readonly string[]): { out: string; context: Record<string, string>; help: boolean } {
  if (argv.includes('--help') || argv.includes('-h')) return { out: '', context: {}, help: true };
  let out = 'dist/k8s';
  const context: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = argv[i + 1];
    if ((a === '--out' || a === '-c') && (value === undefined || value.startsWith('-'))) {
      throw new GigascaleError('Invalid arguments', [{ at: a, message: `needs a value\n${USAGE}` }]);
    }
    if (a === '--out') {
      out = value;
      i++;
    } else if (a === '-c') {
      const eq = value.indexOf('=');
      if (eq < 1) throw new GigascaleError('Invalid arguments', [{ at: `-c ${value}`, message: `must be <key>=<value>\n${USAGE}` }]);
      context[value.slice(0, eq)] = value.slice(eq + 1);
      i++;
    } else {
      throw new GigascaleError('Invalid arguments', [{ at: a, message: `unknown argument\n${USAGE}` }]);
    }
  }
  return { out: resolve(out), context, help: false };
}

async function main(): Promise<void> {
  const { out, context, help } = parseArgs(process.argv.slice(2));
  if (help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const plan = resolvePlan(await loadConfigModule(parseOverrides(context).overrides.config), context);
  // Render everything in memory first; nothing touches the disk until every chart exists.
  const files = new Map<string, string>();
  for (const environment of plan.environments) {
    for (const region of environment.regions) {
      for (const [file, yaml] of renderStageCharts(environment, region)) files.set(join(stageName(environment.name, region.name), file), yaml);
    }
  }
  mkdirSync(dirname(out), { recursive: true });
  const staging = mkdtempSync(`${out}.tmp-`);
  for (const [file, text] of files) {
    mkdirSync(dirname(join(staging, file)), { recursive: true });
    writeFileSync(join(staging, file), text);
  }
  rmSync(out, { recursive: true, force: true });
  renameSync(staging, out);
  console.error(`gigascale: wrote ${files.size} manifests to ${out}`);
}

runCli(main);
