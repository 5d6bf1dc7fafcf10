import { defineConfig } from 'vitest/config';

/**
 * Tests that measure time (latencies through delay proxies, open-model schedules, bounded exits) run first and alone,
 * one file at a time, so no synth can starve them; the rest then run two files at a time. On a 2-core machine
 * vitest's default is a single worker, and many of the long tests wait on child processes (synths, servers) more
 * than they compute.
 */
const TIMED = [
  'test/probe-measurement.test.ts',
  'test/probe-schedule.test.ts',
  'test/probe-checks.test.ts',
  'test/probe-local.test.ts',
  'test/probe-redis.test.ts',
  'test/probe-cli.test.ts',
  'test/migrations.test.ts',
];

const shared = { pool: 'forks', testTimeout: 180_000, hookTimeout: 180_000 } as const;

export default defineConfig({
  test: {
    // .ci/run reads the JSON report for its closing line.
    reporters: ['default', 'json'],
    outputFile: { json: '.tmp/vitest-results.json' },
    projects: [
      { test: { ...shared, name: 'timed', include: TIMED, maxWorkers: 1, sequence: { groupOrder: 0 } } },
      { test: { ...shared, name: 'rest', include: ['test/**/*.test.ts'], exclude: TIMED, maxWorkers: 2, sequence: { groupOrder: 1 } } },
    ],
  },
});
