/**
 * Limits a planned count can run into, checked after planning: a workload the chosen types cannot carry within
 * AWS's or gigascale's limits is refused at synth with the count, the limit and what to change, rather than
 * deployed short. The same limits bound the counts a config sets (lib/plan/schema.ts).
 */
import type { Issue } from '../util/errors';
import type { EnvironmentPlan } from './plan';
import { MAX_BROKERS_PER_AZ, MAX_NODES_PER_AZ, MAX_READERS, MAX_REPLICAS, MAX_SHARDS } from './schema';
import { MAX_CACHE_NODES, MAX_CACHE_SHARDS } from '../facts/valkey';
import { WORKLOADS } from '../facts/workloads';

export function plannedCountIssues(env: EnvironmentPlan): Issue[] {
  const at = `environments.${env.name}`;
  const c = env.capacity;
  const issues: Issue[] = [];
  const over = (path: string, value: number, limit: number, fix: string): void => {
    if (value > limit) issues.push({ at: `${at}.${path}`, message: `the workload needs ${value}, more than ${limit} allowed; ${fix}` });
  };
  const larger = (what: string) => `choose a larger ${what}, or lower the workload (environments.${env.name}.workload)`;
  over('shards', c.shards.value, MAX_SHARDS, larger('sizes.database.instanceClass'));
  over('sizes.database.writeRegionReaders', c.writeRegionReaders.value, MAX_READERS, larger('sizes.database.instanceClass'));
  over('sizes.database.readersPerRegion', c.readersPerRegion.value, MAX_READERS, larger('sizes.database.instanceClass'));
  over('sizes.cache.shards', c.cacheShards.value, MAX_CACHE_SHARDS, larger('sizes.cache.nodeType'));
  over('sizes.cache.shards', c.cacheShards.value * (1 + env.cache.replicasPerShard), MAX_CACHE_NODES, `nodes (shards x (1 + ${env.cache.replicasPerShard} replicas)): ${larger('sizes.cache.nodeType')}`);
  over('sizes.bus.brokersPerAz', c.brokersPerAz.value, MAX_BROKERS_PER_AZ, larger('sizes.bus.brokerType'));
  over('sizes.compute.nodesPerAzMax', c.nodesPerAzMax.value, MAX_NODES_PER_AZ, larger('sizes.compute.nodeInstanceType'));
  if (c.nodesPerAzMin.value > c.nodesPerAzMax.value) {
    issues.push({ at: `${at}.sizes.compute.nodesPerAzMin`, message: `${c.nodesPerAzMin.value} is more than nodesPerAzMax ${c.nodesPerAzMax.value}${c.nodesPerAzMax.binding === 'set in config' ? '' : ' (planned)'}` });
  }
  for (const w of WORKLOADS) {
    const { minReplicas, maxReplicas } = c.replicas[w];
    over(`sizes.compute.workloads.${w}.maxReplicas`, maxReplicas.value, MAX_REPLICAS, 'raise requestsPerPod with a measured figure, or lower the workload');
    if (minReplicas.value > maxReplicas.value) {
      issues.push({
        at: `${at}.sizes.compute.workloads.${w}.minReplicas`,
        message: `${minReplicas.value} is more than maxReplicas ${maxReplicas.value}${maxReplicas.binding === 'set in config' ? '' : ' (planned)'}`,
      });
    }
  }
  return issues;
}
