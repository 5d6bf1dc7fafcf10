/**
 * `npm run bench:synth`: synthesizes the default config and a stress config the way `cdk synth` runs the app
 * (a child process with CDK_OUTDIR and CDK_CONTEXT_JSON), and prints wall seconds, peak RSS, stack count, the
 * largest stack's resources and the largest template. A benchmark, not a test: it prints figures, asserts nothing.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ANALYTICS_REPORTING_ENABLED_CONTEXT, ASSET_RESOURCE_METADATA_ENABLED_CONTEXT, CloudAssembly, PATH_METADATA_ENABLE_CONTEXT } from 'aws-cdk-lib/cx-api';
import { cdkJsonContext, PROJECT_ROOT } from '../lib/plan/cdk-json';
import { synthTotals } from '../lib/views/summary';
import { summarizeAssembly } from '../stacks/assembly-summary';

const ROOT = PROJECT_ROOT;
/** What the CDK CLI adds to the context of every synth, so the figures match `cdk synth`'s templates. */
const CLI_CONTEXT = {
  [PATH_METADATA_ENABLE_CONTEXT]: true,
  [ASSET_RESOURCE_METADATA_ENABLED_CONTEXT]: true,
  [ANALYTICS_REPORTING_ENABLED_CONTEXT]: true,
};

const CASES: { name: string; context: Record<string, string> }[] = [
  { name: 'default config (dev + prod, 5 regions)', context: {} },
  {
    name: 'stress: prod over 6 regions, 128 shards',
    context: { config: 'bench/stress.config.ts' },
  },
];

/** Peak resident set of a process in bytes (VmHWM), or 0 once it has gone. */
function peakRss(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

async function run(context: Record<string, string>, outdir: string): Promise<{ wallSeconds: number; peakRssBytes: number }> {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bin', 'app.ts')], {
    cwd: ROOT,
    env: { ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify({ ...cdkJsonContext(), ...CLI_CONTEXT, ...context }) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, peakRss(child.pid!))), 25);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearInterval(timer);
  if (code !== 0) throw new Error(`synth failed (exit ${code}):\n${stderr}`);
  return { wallSeconds: Number(process.hrtime.bigint() - started) / 1e9, peakRssBytes: peak };
}

async function main(): Promise<void> {
  const results = [];
  for (const c of CASES) {
    const outdir = mkdtempSync(join(tmpdir(), 'gigascale-bench-'));
    const { wallSeconds, peakRssBytes } = await run(c.context, outdir);
    const totals = synthTotals(summarizeAssembly(new CloudAssembly(outdir)));
    rmSync(outdir, { recursive: true, force: true });
    results.push({
      case: c.name,
      context: c.context,
      wall_seconds: Number(wallSeconds.toFixed(2)),
      peak_rss_mb: Number((peakRssBytes / 2 ** 20).toFixed(1)),
      stages: totals.stages,
      stacks: totals.stacks,
      max_resources_per_stack: totals.maxResources,
      max_template_bytes: totals.maxTemplateBytes,
    });
  }
  const text = JSON.stringify(results, null, 2);
  mkdirSync(join(ROOT, '.tmp', 'bench'), { recursive: true });
  writeFileSync(join(ROOT, '.tmp', 'bench', 'synth.json'), `${text}\n`);
  console.log(text);
}

main().catch((e: unknown) => {
  console.error((e as Error).message);
  process.exit(1);
});
