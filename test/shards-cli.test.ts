/**
 * `npm run -s shards -- <command>`: a few runs of the real entry point (about a second each), and the argument
 * handling in process through `run`, which bin/shards.ts only wires to the process.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../lib/plan/cdk-json';
import { run, USAGE } from '../lib/views/shards-cli';

/** Runs bin/shards.ts the way `npm run shards` does (tsx), from the repo root. */
function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'bin/shards.ts', ...args], { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the CLI in process and captures what it prints. */
function runIn(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const status = run(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { status, stdout, stderr };
}

describe('the shards CLI as a process', () => {
  it('prints only sorted JSON for plan --from 16 --to 17 --json, moving about 1/17 of the buckets to shard 16', () => {
    const r = cli('plan', '--from', '16', '--to', '17', '--json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.endsWith('}\n')).toBe(true);
    const plan = JSON.parse(r.stdout) as { buckets: number; moved: number; fraction: number; moves: { from: number; to: number; buckets: number }[] };
    expect(Object.keys(plan)).toEqual(['buckets', 'fraction', 'from', 'moved', 'moves', 'to']);
    expect(plan).toMatchObject({ buckets: 4096, from: 16, to: 17, moved: 242, fraction: 242 / 4096 });
    expect(Math.abs(plan.fraction - 1 / 17) / (1 / 17)).toBeLessThan(0.2);
    expect(plan.moves.every((m) => m.to === 16)).toBe(true);
    expect(Object.keys(plan.moves[0])).toEqual(['buckets', 'from', 'to']);
  });

  it('prints the docs vector for lookup user-42 --shards 17 --json and nothing else', () => {
    const r = cli('lookup', 'user-42', '--shards', '17', '--json');
    expect(r).toEqual({ status: 0, stdout: '{"bucket":2723,"shard":16,"shards":17,"userId":"user-42"}\n', stderr: '' });
  });

  it('refuses --shards 0 with exit 2, naming the flag, the value and the range, and a usage hint on stderr', () => {
    const r = cli('lookup', 'alice', '--shards', '0');
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      [
        'shards: Invalid arguments for lookup (1 problem):',
        '  - --shards: must be an integer in 1..4096, got "0"',
        '',
        'usage: npm run -s shards -- lookup <userId> --shards N [--json]',
        '(npm run -s shards -- help for more)',
        '',
      ].join('\n'),
    );
  });

  it('runs as npm run -s shards, the documented command', () => {
    const r = spawnSync('npm', ['run', '-s', 'shards', '--', 'lookup', 'alice', '--shards', '16', '--json'], { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(r.stdout).toBe('{"bucket":1737,"shard":9,"shards":16,"userId":"alice"}\n');
    expect(r.status).toBe(0);
  });
});

describe('the shards CLI in process', () => {
  it.each([
    ['alice', '16', '{"bucket":1737,"shard":9,"shards":16,"userId":"alice"}'],
    ['bob', '128', '{"bucket":2008,"shard":110,"shards":128,"userId":"bob"}'],
    ['\u00fcn\u00efc\u00f8d\u00e9', '4096', '{"bucket":3795,"shard":1109,"shards":4096,"userId":"\u00fcn\u00efc\u00f8d\u00e9"}'],
    ['00000000-0000-0000-0000-000000000001', '100', '{"bucket":2263,"shard":17,"shards":100,"userId":"00000000-0000-0000-0000-000000000001"}'],
  ])('looks up %j on %s shards as the docs vectors say', (userId, shards, json) => {
    expect(runIn('lookup', userId, '--shards', shards, '--json')).toEqual({ status: 0, stdout: `${json}\n`, stderr: '' });
  });

  it('prints a readable lookup with the shard name by default', () => {
    expect(runIn('lookup', 'alice', '--shards', '16').stdout).toBe(
      ['user id  "alice"', 'bucket   1737 (of 0..4095)', 'shard    9 (of 0..15): shard-0009', ''].join('\n'),
    );
  });

  it('prints a readable plan: the summary line, then one row per pair of shards', () => {
    const lines = runIn('plan', '--from', '16', '--to', '17').stdout.split('\n');
    expect(lines.slice(0, 4)).toEqual([
      '16 -> 17 shards: 242 of 4096 buckets move (5.91 %)',
      '',
      'from shard  to shard  buckets   share',
      '         0        16       20  0.49 %',
    ]);
    expect(lines).toHaveLength(4 + 15 + 1);
  });

  it('takes flags as --flag=value and a user id starting with "-" after --', () => {
    expect(runIn('lookup', '--shards=16', '--json', '--', '-h').stdout).toMatch(/^\{"bucket":\d+,"shard":\d+,"shards":16,"userId":"-h"\}\n$/);
  });

  it.each([['help'], ['--help'], ['plan', '--help'], ['lookup', 'alice', '-h']])('prints the usage on stdout and exits 0 for %j', (...args) => {
    expect(runIn(...args)).toEqual({ status: 0, stdout: `${USAGE}\n`, stderr: '' });
  });

  it.each([
    [[], 'Missing command (1 problem):\n  - <command>: give one of lookup, plan, help'],
    [['shard', 'alice'], 'Unknown command (1 problem):\n  - <command>: got "shard"; allowed: lookup, plan, help'],
    [
      ['lookup'],
      'Invalid arguments for lookup (2 problems):\n  - --shards: missing; give an integer in 1..4096, e.g. --shards 16\n' +
        '  - <userId>: missing; give the user id to look up, e.g. lookup alice --shards 16',
    ],
    [['lookup', '', '--shards', '3'], 'Invalid arguments for lookup (1 problem):\n  - <userId>: is empty; give the user id to look up (is a shell variable unset?)'],
    [['lookup', 'alice', 'bob', '--shards', '3'], 'Invalid arguments for lookup (1 problem):\n  - "bob": unexpected argument; lookup takes one user id'],
    [['lookup', 'alice', '--shards', '4097'], 'Invalid arguments for lookup (1 problem):\n  - --shards: must be an integer in 1..4096, got "4097"'],
    [['lookup', 'alice', '--shards', '1.5'], 'Invalid arguments for lookup (1 problem):\n  - --shards: must be an integer in 1..4096, got "1.5"'],
    [['lookup', 'alice', '--shards', '-3'], 'Invalid arguments for lookup (1 problem):\n  - --shards: must be an integer in 1..4096, got "-3"'],
    [
      ['lookup', 'alice', '--shards', '3', '--shards', '4'],
      'Invalid arguments for lookup (1 problem):\n  - --shards: given more than once ("3" and "4"); give it once',
    ],
    [['lookup', 'alice', '--shards', '3', '--json=yes'], 'Invalid arguments for lookup (1 problem):\n  - --json: takes no value, got "yes"'],
    [['lookup', 'alice', '--shards', '3', '--from', '2'], 'Invalid arguments for lookup (2 problems):\n  - --from: unknown flag for lookup; allowed: --shards, --json\n  - "2": unexpected argument; lookup takes one user id'],
    [['plan', '--from', '16'], 'Invalid arguments for plan (1 problem):\n  - --to: missing; give an integer in 1..4096, e.g. --to 16'],
    [['plan', '--from', '--to', '3'], 'Invalid arguments for plan (1 problem):\n  - --from: missing; give an integer in 1..4096, e.g. --from 16'],
    [
      ['plan', '--from', '0', '--to', 'x', '--json', '--json'],
      'Invalid arguments for plan (3 problems):\n  - --json: given more than once; give it once\n' +
        '  - --from: must be an integer in 1..4096, got "0"\n  - --to: must be an integer in 1..4096, got "x"',
    ],
    [['plan', '--from', '1', '--to', '2', 'now'], 'Invalid arguments for plan (1 problem):\n  - "now": unexpected argument; plan takes only --from, --to and --json'],
  ])('refuses %j with exit 2 and names every bad argument', (args, message) => {
    const r = runIn(...args);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.startsWith(`shards: ${message}\n\nusage: `)).toBe(true);
  });
});
