/**
 * The order the deploy pipeline promotes a change in, and the gates around each step, derived from the plan: one
 * wave per stage (environment x region), environments in config order, within one the write region first (the data
 * tier requires it: secondary clusters join the write region's global clusters, replicators read its topics), then
 * the other regions one at a time. A production environment (phase 4 and on) is entered through a manual approval,
 * and each of its regions through the review of its change sets; every region must pass the probe gate before the
 * next is deployed.
 */
import { stageName } from '../facts/names/stage';
import { servesProductionTraffic } from '../facts/phases';
import { regionsWriteFirst } from '../plan/deploy-order';
import type { EnvironmentPlan, Plan, RegionPlan } from '../plan/plan';

export interface PipelineWave {
  /** The stage deployed: `prod-us-east-1`. */
  readonly stage: string;
  readonly environment: EnvironmentPlan;
  readonly region: RegionPlan;
  /** A person approves the promotion before this wave: the first wave of a production environment. */
  readonly approval: boolean;
  /** The stage's change sets are prepared and checked (review/change-sets.sh) before it deploys. */
  readonly reviewChangeSets: boolean;
}

/** Every wave of the pipeline, in the order it runs them. */
export function pipelineWaves(plan: Pick<Plan, 'environments'>): PipelineWave[] {
  return plan.environments.flatMap((environment) => {
    const production = servesProductionTraffic(environment.phase);
    return regionsWriteFirst(environment).map((region, i) => ({
      stage: stageName(environment.name, region.name),
      environment,
      region,
      approval: production && i === 0,
      reviewChangeSets: production,
    }));
  });
}
