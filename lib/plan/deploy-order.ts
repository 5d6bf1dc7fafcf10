import type { EnvironmentPlan, RegionPlan } from './plan';

/**
 * An environment's regions in the order anything that goes region by region takes them: the write region first (the
 * data tier requires it: secondary clusters join its global clusters, replicators read its topics), then the others
 * in the config's order. The deploy pipeline promotes in this order and the failure experiments' week runs in it.
 */
export function regionsWriteFirst(environment: EnvironmentPlan): RegionPlan[] {
  return [...environment.regions].sort((a, b) => Number(b.isWriteRegion) - Number(a.isWriteRegion));
}
