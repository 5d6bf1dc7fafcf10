/**
 * `npm run bench:synth`: synthesizes the default config and a stress config the way `cdk synth` runs the app
 * (a child process with CDK_OUTDIR and CDK_CONTEXT_JSON), and prints wall seconds, peak RSS, stack count, the
 * largest stack's resources and the largest template, the app's time by phase (GIGASCALE_SYNTH_TIMINGS), and the
 * same figures for a plain aws-cdk-lib app of exactly the synthesized resources (bench/raw-cdk-app.ts), run right
 * after on the same machine, with the ratio of the two (and that app once more without aws-cdk-lib's built-in
 * CloudFormation validation, for what the resources cost CDK alone). A benchmark, not a test: it prints figures, asserts nothing.
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

interface Run {
  readonly wallSeconds: number;
  readonly peakRssBytes: number;
  /** Milliseconds by phase, as the program wrote them. */
  readonly phases: Record<string, number>;
}

/** Runs `node --import tsx <args>` with `env`, sampling its peak RSS; it writes its phases to `timings`. */
async function run(args: readonly string[], env: Record<string, string>, timings: string): Promise<Run> {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, peakRss(child.pid!))), 25);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearInterval(timer);
  if (code !== 0) throw new Error(`${args[0]} failed (exit ${code}):\n${stderr}`);
  const phases = JSON.parse(readFileSync(timings, 'utf8')) as Record<string, number>;
  return { wallSeconds: Number(process.hrtime.bigint() - started) / 1e9, peakRssBytes: peak, phases };
}

/** Seconds by phase, rounded to 0.01 s; keys sorted. */
function phaseSeconds(phases: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(phases)
      .filter(([phase]) => phase !== 'resources')
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([phase, ms]) => [phase, Number((ms / 1000).toFixed(2))]),
  );
}

async function main(): Promise<void> {
  const results = [];
  for (const c of CASES) {
    const work = mkdtempSync(join(tmpdir(), 'gigascale-bench-'));
    const outdir = join(work, 'gigascale');
    const app = await run([join(ROOT, 'bin', 'app.ts')], {
      CDK_OUTDIR: outdir,
      CDK_CONTEXT_JSON: JSON.stringify({ ...cdkJsonContext(), ...CLI_CONTEXT, ...c.context }),
      GIGASCALE_SYNTH_TIMINGS: join(work, 'app-timings.json'),
    }, join(work, 'app-timings.json'));
    const totals = synthTotals(summarizeAssembly(new CloudAssembly(outdir)));
    const rawArgs = [join(ROOT, 'bench', 'raw-cdk-app.ts'), outdir, join(work, 'raw'), join(work, 'raw-timings.json')];
    const raw = await run(rawArgs, {}, join(work, 'raw-timings.json'));
    // The same app without aws-cdk-lib's built-in CloudFormation validation (CDK_VALIDATION=false): what the
    // resources cost CDK itself. gigascale keeps that validation on, so the ratio is against the app above.
    const bare = await run(rawArgs, { CDK_VALIDATION: 'false' }, join(work, 'raw-timings.json'));
    rmSync(work, { recursive: true, force: true });
    results.push({
      case: c.name,
      context: c.context,
      wall_seconds: Number(app.wallSeconds.toFixed(2)),
      peak_rss_mb: Number((app.peakRssBytes / 2 ** 20).toFixed(1)),
      stages: totals.stages,
      stacks: totals.stacks,
      max_resources_per_stack: totals.maxResources,
      max_template_bytes: totals.maxTemplateBytes,
      phase_seconds: phaseSeconds(app.phases),
      raw_cdk: {
        wall_seconds: Number(raw.wallSeconds.toFixed(2)),
        peak_rss_mb: Number((raw.peakRssBytes / 2 ** 20).toFixed(1)),
        resources: raw.phases.resources,
        phase_seconds: phaseSeconds(raw.phases),
      },
      ratio_to_raw_cdk: Number((app.wallSeconds / raw.wallSeconds).toFixed(2)),
      raw_cdk_without_builtin_validation: { wall_seconds: Number(bare.wallSeconds.toFixed(2)), phase_seconds: phaseSeconds(bare.phases) },
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
