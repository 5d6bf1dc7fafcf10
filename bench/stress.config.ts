/**
 * The stress case of `npm run bench:synth`: the shipped prod over six regions (eu-central-1 and ap-northeast-1
 * added) with 128 shards and the RDS quotas that takes. ap-northeast-1's memory writes pay a 146 ms round trip to
 * us-east-1 (a 189 ms static P95 against 150), so it is waived like ap-southeast-1; otherwise synth would stop before
 * the stages the benchmark measures.
 */
import base from '../regions.config';
import { defineConfig } from '../lib/config';

const prod = base.environments.prod;

export default defineConfig({
  environments: {
    prod: {
      ...prod,
      regions: ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-1', 'ap-northeast-1'],
      shards: 128,
      quotas: { rdsClustersPerRegion: 128, rdsInstancesPerRegion: 256, rdsProxiesPerRegion: 128 },
      latencyBudgets: {
        ...prod.latencyBudgets,
        waivers: [
          ...(prod.latencyBudgets?.waivers ?? []),
          { region: 'ap-northeast-1', flow: 'memory.write', reason: 'benchmark: writes from ap-northeast-1 are forwarded to us-east-1, as from ap-southeast-1' },
        ],
      },
    },
  },
});
