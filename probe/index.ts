/** The synthetic-latency probe: what bin/probe.ts, bin/probe-local.ts and other scripts import. */
export * from './args';
export * from './budgets';
export * from '../lib/facts/probe-checks';
export * from './emf';
export * from './emf-endpoint';
export * from './histogram';
export * from './main';
export * from './milestones';
export * from './report';
export * from './run';
export * from './target';
