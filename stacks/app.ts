import type { App } from 'aws-cdk-lib';
import type { Plan } from '../lib/config';
import { RegionStage } from './stage';

/** Adds one RegionStage per environment x region of the plan, in plan order. */
export function addStages(app: App, plan: Plan): RegionStage[] {
  return plan.environments.flatMap((environment) =>
    environment.regions.map((region) => new RegionStage(app, { environment, region })),
  );
}
