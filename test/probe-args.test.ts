/** bin/probe.ts's command line: defaults, bounds and every refusal, with the whole message a user sees. */
import { describe, expect, it } from 'vitest';
import { GigascaleError } from '../lib/util/errors';
import { parseProbeArgs } from '../probe/args';
import { parseDuration } from '../probe/duration';

/** The message of the GigascaleError parsing `argv` throws, and its exit code. */
function refusal(argv: readonly string[]): { message: string; exitCode: number } {
  try {
    parseProbeArgs(argv);
  } catch (e) {
    if (!(e instanceof GigascaleError)) throw e;
    return { message: e.message, exitCode: e.exitCode };
  }
  throw new Error(`parseProbeArgs accepted ${argv.join(' ')}`);
}

const T = ['--target', 't.json'];

describe('parseProbeArgs', () => {
  it('fills the defaults of the issue: 10 s at 100/s after 2 s, timeout 1 s, table output', () => {
    expect(parseProbeArgs(T)).toEqual({
      target: 't.json',
      env: undefined,
      config: undefined,
      durationMs: 10_000,
      ratePerSecond: 100,
      warmupMs: 2_000,
      timeoutMs: 1_000,
      budgetsMs: {},
      maxErrorRate: undefined,
      milestone: undefined,
      scale: 1,
      output: 'table',
      emfEndpoint: undefined,
      help: false,
    });
  });

  it('reads every flag, in both --flag value and --flag=value forms', () => {
    const args = parseProbeArgs([
      '--target=t.json',
      '--env',
      'prod',
      '--config',
      'c.ts',
      '--duration',
      '1m',
      '--rate=250.5',
      '--warmup',
      '0s',
      '--timeout',
      '500ms',
      '--budget',
      'redis.get=2',
      '--budget=ws.ping=12.5',
      '--max-error-rate',
      '0.01',
      '--json',
    ]);
    expect(args).toMatchObject({
      target: 't.json',
      env: 'prod',
      config: 'c.ts',
      durationMs: 60_000,
      ratePerSecond: 250.5,
      warmupMs: 0,
      timeoutMs: 500,
      budgetsMs: { 'redis.get': 2, 'ws.ping': 12.5 },
      maxErrorRate: 0.01,
      output: 'json',
    });
  });

  it('reads a milestone with its scale, and --emf', () => {
    expect(parseProbeArgs([...T, '--milestone', 'phase2', '--scale', '0.01', '--emf'])).toMatchObject({ milestone: 'phase2', scale: 0.01, output: 'emf' });
  });

  it('accepts --help without a target', () => {
    expect(parseProbeArgs(['--help']).help).toBe(true);
  });

  it.each([
    ['500ms', 500],
    ['10s', 10_000],
    ['1m', 60_000],
    ['0s', 0],
  ])('parses the duration %s as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['10', '1.5s', '1h', '-1s', 's', ' 1s'])('does not take %j for a duration', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it('requires --target and says what it is', () => {
    expect(refusal([])).toEqual({
      message: 'Bad arguments (1 problem):\n  - --target: is required: the JSON file naming the region and the endpoints to probe',
      exitCode: 2,
    });
  });

  it.each([
    [['--duration', '11m'], '--duration: must be a duration in 1ms..10m written like 500ms, 10s or 1m, got "11m"'],
    [['--duration', '0s'], '--duration: must be a duration in 1ms..10m written like 500ms, 10s or 1m, got "0s"'],
    [['--duration', '10'], '--duration: must be a duration in 1ms..10m written like 500ms, 10s or 1m, got "10"'],
    [['--warmup', '61s'], '--warmup: must be a duration in 0ms..1m written like 500ms, 10s or 1m, got "61s"'],
    [['--timeout', '0ms'], '--timeout: must be a duration in 1ms..1m written like 500ms, 10s or 1m, got "0ms"'],
    [['--timeout', '61s'], '--timeout: must be a duration in 1ms..1m written like 500ms, 10s or 1m, got "61s"'],
    [['--rate', '0'], '--rate: must be a number of requests per second in 1..10000, got "0"'],
    [['--rate', '10001'], '--rate: must be a number of requests per second in 1..10000, got "10001"'],
    [['--rate', 'fast'], '--rate: must be a number of requests per second in 1..10000, got "fast"'],
    [['--max-error-rate', '1.5'], '--max-error-rate: must be a fraction in 0..1 (0.001 is 0.1 %), got "1.5"'],
    [['--milestone', 'phase6'], '--milestone: must be one of phase1, phase2, phase3, phase4, phase5, got "phase6"'],
    [['--milestone', 'phase1', '--scale', '0'], '--scale: must be a fraction in (0, 1], e.g. 0.1 for a tenth of the milestone\'s users, got "0"'],
    [['--milestone', 'phase1', '--scale', '2'], '--scale: must be a fraction in (0, 1], e.g. 0.1 for a tenth of the milestone\'s users, got "2"'],
  ])('refuses %j out of bounds', (argv, issue) => {
    expect(refusal([...T, ...argv])).toEqual({ message: `Bad arguments (1 problem):\n  - ${issue}`, exitCode: 2 });
  });

  it('refuses a schedule of more than 1,000,000 requests per check and says how to shrink it', () => {
    expect(refusal([...T, '--rate', '10000', '--duration', '2m']).message).toBe(
      'Bad arguments (1 problem):\n  - --rate: 10000/s for 2m after a 2s warm-up schedules 1,220,000 requests per check, more than 1,000,000; lower --rate or --duration',
    );
  });

  it('accepts exactly 1,000,000 scheduled requests', () => {
    expect(parseProbeArgs([...T, '--rate', '10000', '--duration', '98s']).durationMs).toBe(98_000);
  });

  it.each([
    ['redis.get', '--budget: must be <check>=<milliseconds>, e.g. redis.get=2, got "redis.get"'],
    ['redis.get=fast', '--budget: must be <check>=<milliseconds>, e.g. redis.get=2, got "redis.get=fast"'],
    ['redis.gett=2', '--budget: names no check: "redis.gett"; the checks are postgres.select1, postgres.memory_read, redis.set, redis.get, http.get, profile.read.origin, profile.read.edge, ws.connect, ws.ping, chat.roundtrip'],
    ['redis.get=0', '--budget: redis.get must be a positive number of milliseconds, got "0"'],
  ])('refuses --budget %s', (budget, issue) => {
    expect(refusal([...T, '--budget', budget]).message).toBe(`Bad arguments (1 problem):\n  - ${issue}`);
  });

  it('refuses a budget given twice for one check', () => {
    expect(refusal([...T, '--budget', 'redis.get=2', '--budget', 'redis.get=3']).message).toBe(
      "Bad arguments (1 problem):\n  - --budget: redis.get is given twice; give each check's budget once",
    );
  });

  it('refuses the open-model flags alongside --milestone, each with its reason', () => {
    expect(refusal([...T, '--milestone', 'phase1', '--rate', '50', '--budget', 'ws.ping=5', '--max-error-rate', '0.1']).message).toBe(
      [
        'Bad arguments (3 problems):',
        '  - --rate: cannot be combined with --milestone: a milestone is a closed-model test: its virtual users send back to back, there is no rate',
        '  - --budget: cannot be combined with --milestone: the milestone sets the P95 every check is held to',
        '  - --max-error-rate: cannot be combined with --milestone: the milestone sets the error rate every check is held to',
      ].join('\n'),
    );
  });

  it('refuses --scale without --milestone', () => {
    expect(refusal([...T, '--scale', '0.5']).message).toBe("Bad arguments (1 problem):\n  - --scale: applies to --milestone only: it scales the milestone's users");
  });

  it('refuses --emf with --json', () => {
    expect(refusal([...T, '--emf', '--json']).message).toBe('Bad arguments (1 problem):\n  - --emf: and --json both choose the output; pass one');
  });

  it('lists every problem at once: unknown flags, stray arguments, missing values, repeated flags', () => {
    expect(refusal(['--target', 'a.json', '--target', 'b.json', '--verbose', 'extra', '--env', '--json=yes', '--timeout']).message).toBe(
      [
        'Bad arguments (6 problems):',
        '  - --target: given twice ("a.json" and "b.json"); give it once',
        '  - --verbose: unknown flag (--help shows the usage)',
        '  - extra: unexpected argument (--help shows the usage)',
        '  - --env: needs a value (--help shows the usage)',
        '  - --json: takes no value',
        '  - --timeout: needs a value (--help shows the usage)',
      ].join('\n'),
    );
  });
});
