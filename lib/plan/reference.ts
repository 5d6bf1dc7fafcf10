/**
 * The reference environment of a phase: what `npm run -s plan -- --phase <p>` and `--users <n>` plan, and what the
 * tests compare the presets with. Phase 3 runs in us-east-1; phases 4 and 5 in the seed's US-East, US-West, EU and
 * APAC. Quotas are set out of the way: the plan shows what is needed, and the quota preflight of a real
 * environment says what its account must raise.
 */
import type { GigascaleConfig } from './schema';
import type { Phase } from '../facts/phases';

export const REFERENCE_REGIONS: Readonly<Record<Phase, readonly string[]>> = {
  3: ['us-east-1'],
  4: ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-1'],
  5: ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-1'],
};

/** A config with one environment, `phase<p>`, of the phase's preset, scaled to `users` when given. */
export function referenceEnvironment(phase: Phase, users?: number): GigascaleConfig {
  return {
    environments: {
      [`phase${phase}`]: {
        phase,
        account: '000000000000',
        domain: 'reference.example',
        owner: 'reference',
        costCentre: 'reference',
        regions: [...REFERENCE_REGIONS[phase]],
        ingress: { hostedZoneId: 'Z0000000REFERENCE' },
        // Phases 4 and 5 serve production traffic: their alarms must reach someone (an example address).
        observability: { notifications: { emails: ['oncall@reference.example'] } },
        ...(users === undefined ? {} : { workload: { users } }),
        quotas: { rdsClustersPerRegion: 10_000, rdsInstancesPerRegion: 10_000, rdsProxiesPerRegion: 10_000 },
        // Writes from APAC to us-east-1 break memory.write's target; the reference plans capacity, not latency.
        ...(phase === 3 ? {} : { latencyBudgets: { waivers: [{ region: 'ap-southeast-1', flow: 'memory.write', reason: 'reference environment for capacity planning' }] } }),
      },
    },
  };
}
