import { relative } from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Tests that measure time (open-model schedules, bounded exits through failing proxies) run first, two files
 * at a time and with no synth test beside them, so none can starve them: together they keep about one of the two
 * cores busy, and each bound has room for the other file's load (its retries and margins were set when they ran
 * beside synths). Only the default synth and the static checks run meanwhile, at nice 19
 * (test/support/background-run.ts). The rest then run two files at a time. On a 2-core machine vitest's default is
 * a single worker, and many of the long tests wait on child processes (synths, servers) more than they compute. (A
 * project of one worker that isolates its files runs last, after every other group: vitest's own rule for
 * sequential files; ALONE uses it.)
 */
const TIMED = [
  'test/probe-faults.test.ts',
  'test/probe-schedule.test.ts',
  'test/probe-checks.test.ts',
  'test/probe-local.test.ts',
  // The failure drill: detection and recovery timed to the millisecond, requests at 50/s against real servers.
  'test/chaos-local.test.ts',
  // Requests with 250-300 ms timeouts across a server restart, and a proxy's silence told from its echo by 300 ms.
  'test/probe-reconnect.test.ts',
  'test/fault-proxy.test.ts',
  'test/probe-redis.test.ts',
  'test/probe-cli.test.ts',
  'test/migrations.test.ts',
  // An in-process PGlite server answering within 300 ms timeouts: a long GC pause in a busy worker breaks it.
  'test/probe-postgres.test.ts',
];

/** The measurements that need the machine to themselves. */
const ALONE = ['test/probe-measurement.test.ts'];

/**
 * The files that start first in their project: the longest of the suite on 2 cores (minutes of real synths; in the
 * timed group, the ones that run for half a minute or start a server). Vitest runs the files it has timings for
 * longest first, but on a fresh clone (CI), with none, in the order it finds them, and the review scenarios would
 * start late and run on alone at the end while the other worker idles.
 */
const LONGEST_FIRST = [
  'test/review-scenarios.test.ts',
  'test/cli.test.ts',
  'test/any-region.test.ts',
  'test/data-stacks.test.ts',
  // The timed group's: the probe against failing proxies, then the three that start a Postgres (probe:local, the
  // failure drill, the migrations).
  'test/probe-faults.test.ts',
  'test/probe-local.test.ts',
  'test/chaos-local.test.ts',
  'test/migrations.test.ts',
];

/**
 * The file that awaits the static checks, which run in the background at the lowest priority from the run's start
 * (test/support/static-checks.ts): last, so they have the whole run to use the CPU the tests leave idle.
 */
const LAST = 'test/static-checks.test.ts';

class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification): number => {
      const file = relative(f.project.config.root, f.moduleId);
      const i = LONGEST_FIRST.indexOf(file);
      return i >= 0 ? i : file === LAST ? LONGEST_FIRST.length + 1 : LONGEST_FIRST.length;
    };
    // Within a project only: the projects keep vitest's order (groupOrder).
    const project = new Map<string, number>();
    for (const [i, f] of sorted.entries()) if (!project.has(f.project.name)) project.set(f.project.name, i);
    return sorted
      .map((file, index) => ({ file, index }))
      .sort((a, b) => project.get(a.file.project.name)! - project.get(b.file.project.name)! || rank(a.file) - rank(b.file) || a.index - b.index)
      .map(({ file }) => file);
  }
}

const shared = { pool: 'forks', testTimeout: 180_000, hookTimeout: 180_000, setupFiles: ['test/support/remove-outdirs.ts'] };

export default defineConfig({
  test: {
    // .ci/run reads the JSON report for its closing line.
    reporters: ['default', 'json'],
    outputFile: { json: '.tmp/vitest-results.json' },
    sequence: { sequencer: LongestFirst },
    projects: [
      { test: { ...shared, name: 'timed', include: TIMED, maxWorkers: 2, sequence: { groupOrder: 0 } } },
      // Sub-millisecond figures (the probe's overhead against redis-benchmark's, a p50 within 2 ms of a delay) move
      // with anything else on the machine, the other core included: one worker that isolates its files, which vitest
      // runs after every other group, when nothing else is left.
      { test: { ...shared, name: 'alone', include: ALONE, maxWorkers: 1, sequence: { groupOrder: 0 } } },
      {
        test: {
          ...shared,
          name: 'rest',
          include: ['test/**/*.test.ts'],
          exclude: [...TIMED, ...ALONE],
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
          // One module graph per worker, not per file: aws-cdk-lib, cdk-nag, cdk8s and the CloudFormation validation
          // engine load once per worker instead of once per file (about 70 s of CPU over the suite). No file here
          // mocks a module or leaves the environment changed (vi.stubEnv is undone); the timed group stays isolated.
          isolate: false,
          // `npx cdk synth` of the default config, once, read by every test of the default stages' output; and the
          // static checks (tsc, eslint, dependency-cruiser), both started with the run at the lowest priority.
          globalSetup: ['test/support/default-synth.ts', 'test/support/static-checks.ts'],
        },
      },
    ],
  },
});
