/** `npm run -s plan`: sizes with their binding constraints and the monthly cost, as a table or exact JSON; exit 0 / 2. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/synth';

function plan(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bin', 'plan.ts'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('npm run -s plan', () => {
  it('prints phase 5 with each size, its binding constraint and arithmetic, and the cost against the seed', () => {
    const r = plan('--phase', '5');
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^shards +136 {2}write throughput {4}500K writes\/s \/ 4,800 per writer \(db\.r7g\.4xlarge: 16 vCPU x 300\) x 1\.3 headroom = 135\.42 -> 136$/m);
    expect(r.stdout).toMatch(/^bus\.brokersPerAz +5 {2}ingress /m);
    expect(r.stdout).toMatch(/^region +eks +aurora +elasticache +msk +s3 +network +total$/m);
    expect(r.stdout).toMatch(/^\$[\d,]+\/month for 1B monthly active users: \$0\.\d+ per user\. Seed: \$4,166,667-\$16,666,667\/month for 1B users \(\$0\.0042-\$0\.017 per user\): within the band\.$/m);
    expect(r.stdout).toContain('writesPerWriterVcpu = 300: assumption:');
  });

  it('prints exactly one object with monthly_usd and usd_per_mau for --users, in the phase of that user count', () => {
    const r = plan('--users', '1000000', '--json');
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout) as Record<string, unknown> & { sizes: Record<string, { value: number; binding: string }>; cost: { by_region: Record<string, number> } };
    expect(Object.keys(json)).toEqual(['env', 'phase', 'regions', 'write_region', 'workload', 'capacities', 'sizes', 'cost', 'elastic', 'monthly_usd', 'usd_per_mau']);
    expect(json).toMatchObject({ env: 'phase3', phase: 3, regions: ['us-east-1'] });
    expect(json.sizes.shards).toMatchObject({ value: 10, binding: 'seed floor' });
    expect(json.monthly_usd).toBe(json.cost.by_region['us-east-1']);
    expect(json.usd_per_mau).toBeCloseTo((json.monthly_usd as number) / 1_000_000, 12);
  });

  it('plans an environment of the config as synth sizes it, and marks a count set below the plan', () => {
    const r = plan('--env', 'prod');
    expect(r.status).toBe(0);
    // prod sets 16 shards; the seed's phase-4 floor is 100.
    expect(r.stdout).toMatch(/^shards +16 {2}set in config +BELOW the plan: planned 100 \(seed floor: the seed's shard count for the phase: 100\)$/m);
    const all = JSON.parse(plan('--json').stdout) as { env: string }[];
    expect(all.map((e) => e.env)).toEqual(['dev', 'prod']);
  });

  it.each([
    [['--users', '0'], '--users: must be a whole number of users, at least 1, got "0"'],
    [['--users', '-3'], '--users: must be a whole number of users, at least 1, got "-3"'],
    [['--phase', '6'], '--phase: must be one of 3, 4, 5, got "6"'],
    [['--env', 'prod', '--phase', '4'], '--env: plans an environment of the config as written; --users and --phase plan a reference environment instead: give one or the other'],
    [['--env', 'staging'], 'staging: regions.config.ts has no environment "staging"; pass --env with one of dev, prod'],
    [['--yaml'], '--yaml: unknown argument'],
  ])('exits 2 with a clear message for %j', (args, message) => {
    const r = plan(...args);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
  });

  it('refuses a user count the phase-5 types cannot carry, naming the count to change', () => {
    const r = plan('--users', '20000000000');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^gigascale: Capacity plan does not fit/);
    expect(r.stderr).toMatch(/environments\.phase5\.sizes\.bus\.brokersPerAz: the workload needs \d+, more than 20 allowed; choose a larger sizes\.bus\.brokerType/);
  });
});
