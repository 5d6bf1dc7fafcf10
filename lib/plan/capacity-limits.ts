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
import { MULTI_INSTANCE_PHASE } from '../facts/phases';
import { CONSUMERS } from '../facts/consumers';

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
    if (minReplicas.value >= maxReplicas.value) {
      const max = `maxReplicas ${maxReplicas.value}${maxReplicas.binding === 'set in config' ? '' : ' (planned)'}`;
      issues.push({
        at: `${at}.sizes.compute.workloads.${w}.minReplicas`,
        message:
          minReplicas.value > maxReplicas.value
            ? `${minReplicas.value} is more than ${max}`
            : `${minReplicas.value} equals ${max}: an autoscaler whose ceiling is its floor cannot scale; set maxReplicas above it`,
      });
    }
  }
  // A consumer's ceiling is capped by its topics' partitions, which may leave no room above its floor.
  for (const k of CONSUMERS) {
    const { minReplicas, maxReplicas } = c.consumers[k];
    over(`capacity.eventsPerConsumerPod.${k}`, maxReplicas.value, MAX_REPLICAS, `the ${k} consumer needs more pods than allowed: raise eventsPerConsumerPod.${k} with a measured figure`);
    if (minReplicas.value >= maxReplicas.value) {
      issues.push({
        at: `${at}.sizes.bus.minPartitions`,
        message:
          `the ${k} consumer's ceiling of ${maxReplicas.value} pods (${maxReplicas.binding}) is not above its floor of ${minReplicas.value}: ` +
          `its topics need more partitions (raise minPartitions, or lower partitionMBps), or each pod must handle more (capacity.eventsPerConsumerPod.${k})`,
      });
    }
  }
  // One instance per shard and region leaves that region's shard without reads (or, in the write region, without a
  // failover target) while the instance is replaced.
  if (env.phase >= MULTI_INSTANCE_PHASE) {
    const single = (path: string, instances: number, where: string, fix: string): void => {
      if (instances < 2) {
        issues.push({ at: `${at}.${path}`, message: `${instances} instance${instances === 1 ? '' : 's'} per shard ${where}; from phase ${MULTI_INSTANCE_PHASE} every shard's cluster keeps at least 2, in different AZs: ${fix}` });
      }
    };
    single('sizes.database.writeRegionReaders', 1 + c.writeRegionReaders.value, 'in the write region (the writer alone)', 'set writeRegionReaders to 1 or more, or leave it to the planner');
    if (env.regions.length > 1) single('sizes.database.readersPerRegion', c.readersPerRegion.value, 'in every other region', 'set readersPerRegion to 2 or more, or leave it to the planner');
  }
  return issues;
}
