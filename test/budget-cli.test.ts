/** `npm run -s budget`: the latency verdicts without a synth, as a table or exact JSON, with exit codes 0 / 1 / 2. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './support/synth';
import { unwaivedConfigModule } from './support/config';

const tmp = mkdtempSync(join(tmpdir(), 'gigascale-budget-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function budget(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bin', 'budget.ts'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('npm run -s budget', () => {
  it('prints every verdict of the default config and exits 0', () => {
    const r = budget();
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^env {3}region {10}flow {23}p95 ms {2}target ms {2}verdict {2}forwarded write$/m);
    expect(r.stdout).toMatch(/^prod {2}us-west-2 {7}memory\.write +108 +150 {2}ok +\+ 65 ms rtt us-east-1$/m);
    expect(r.stdout).toContain('30 verdicts: 29 within target, 1 waived, 0 breached');
    expect(r.stderr).toBe('');
  });

  it('prints exactly the verdict objects with --json, for one environment with --env', () => {
    const r = budget('--env', 'prod', '--json');
    expect(r.status).toBe(0);
    const rows = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(rows).toHaveLength(24);
    for (const row of rows) expect(Object.keys(row)).toEqual(['env', 'region', 'flow', 'p95_ms', 'target_ms', 'ok', 'waiver']);
    expect(rows.find((x) => x.region === 'ap-southeast-1' && x.flow === 'memory.write')).toMatchObject({ p95_ms: 263, target_ms: 150, ok: false, waiver: expect.stringContaining('one write region') });
    expect(rows.filter((x) => x.env !== 'prod')).toEqual([]);
  });

  it('exits 1 and names the breach when APAC writes go through a distant write region unwaived', () => {
    const r = budget('--config', unwaivedConfigModule(tmp));
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/ap-southeast-1 {2}memory\.write +263 +150 {2}BREACH/);
    expect(r.stderr).toContain('gigascale: latency budget failed: 1 flow over target without a waiver:\n  - prod ap-southeast-1 memory.write: static P95 263 ms > target 150 ms');
  });

  it.each([
    [['--env', 'staging'], 'staging: regions.config.ts has no environment "staging"; pass --env with one of dev, prod'],
    [['--env'], '--env: needs a value'],
    [['--verbose'], '--verbose: unknown argument'],
  ])('exits 2 for %j', (args, message) => {
    const r = budget(...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe('');
  });
});
