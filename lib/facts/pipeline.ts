/**
 * The figures and names the deploy pipeline (stacks/pipeline) rests on, each with its reason.
 */
import type { Weekday } from './week';

/**
 * The pipeline runs every Monday 09:00 UTC even without a push unless the config says otherwise: "weekly deployments
 * minimum" (the seed), early in the working week in Europe and before the US east coast starts, so a failed promotion
 * is met by people at work, and a day before the failure experiments' default window (Tuesday 14:00).
 */
export const DEFAULT_WEEKLY_RUN: { readonly day: Weekday; readonly hourUtc: number } = { day: 'MON', hourUtc: 9 };

/**
 * Minutes the probe gate waits after a region deployed before it reads the region's alarms: 10. The probe runs every
 * minute and its alarms breach 3 of 5 minutes, missing data included (docs/observability.md): a region the deploy
 * broke is in ALARM within 5 minutes of the break; twice that leaves room for pods still rolling out.
 */
export const PROBE_GATE_WAIT_MINUTES = 10;

/**
 * The CDK bootstrap qualifier of every environment's account and region (`cdk bootstrap`'s default): the pipeline
 * assumes the roles the bootstrap stack creates, named with it (AWS CDK Developer Guide, "Bootstrapping").
 */
export const BOOTSTRAP_QUALIFIER = 'hnb659fds';

/** Days the pipeline's build logs are kept: 365, a year of deploys for an auditor to trace a change through. */
export const PIPELINE_LOG_RETENTION_DAYS = 365;
