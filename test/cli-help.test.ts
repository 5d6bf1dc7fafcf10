/**
 * Every CLI of package.json (`npm run -s <script> -- --help`) prints its usage on stdout and exits 0, doing nothing
 * else: no config read, no server started. The CLIs run side by side to keep the suite fast.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTsx } from './support/process';
import { ROOT } from './support/synth';

/** The scripts that run a CLI of bin/ (`node --import tsx bin/<name>.ts`), by script name. */
const CLIS = Object.entries((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts)
  .map(([script, command]) => [script, /^node --import tsx (bin\/[\w-]+\.ts)$/.exec(command)?.[1]] as const)
  .filter((entry): entry is readonly [string, string] => entry[1] !== undefined)
  .sort(([a], [b]) => a.localeCompare(b));

describe('--help', () => {
  it('is answered by every CLI with its usage on stdout, exit 0 and nothing on stderr', async () => {
    expect(CLIS.map(([script]) => script)).toEqual([
      'budget',
      'chaos',
      'chaos:local',
      'edge:plan',
      'k8s',
      'migrate',
      'plan',
      'probe',
      'probe-gate',
      'probe:local',
      'review',
      'review:changeset',
      'shards',
    ]);
    const results = await Promise.all(CLIS.map(async ([script, file]) => ({ script, ...(await runTsx([file, '--help'], { cwd: ROOT, env: { ...process.env, FORCE_COLOR: '0' } })) })));
    for (const r of results) {
      expect({ script: r.script, code: r.code, stderr: r.stderr, usage: r.stdout.startsWith('usage: ') }).toEqual({ script: r.script, code: 0, stderr: '', usage: true });
    }
  });
});
