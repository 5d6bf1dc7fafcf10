/**
 * The failure experiments of an environment as `npm run -s chaos -- plan` prints them: per region, in the order the
 * weekly window runs them, each experiment's faults, what they hit, the alarms that stop it, how long it may run and
 * when its schedule starts it.
 */
import { servesProductionTraffic } from '../facts/phases';
import type { EnvironmentPlan } from '../plan/plan';
import { weeklyCron, type WeeklyTime } from '../facts/week';
import { environmentChaosPlan, type ExperimentSpec, type ExperimentTarget } from './chaos-plan';

const pad = (n: number): string => String(n).padStart(2, '0');

/** `TUE 14:30`. */
export function formatWeeklyTime(t: WeeklyTime): string {
  return `${t.day} ${pad(t.hour)}:${pad(t.minute)}`;
}

function scheduleState(environment: EnvironmentPlan): string {
  const { enabled } = environment.chaos.schedule;
  if (enabled) return 'enabled';
  return servesProductionTraffic(environment.phase) ? 'disabled (phase 4 and on: set chaos.schedule.enabled to turn it on)' : 'disabled (chaos.schedule.enabled)';
}

function describeTarget(name: string, t: ExperimentTarget): string {
  const found = t.resourceArns
    ? `by ARN (${t.resourceArns.length})`
    : `by tags ${Object.entries(t.resourceTags ?? {}).map(([k, v]) => `${k}=${v}`).join(', ')}` +
      (t.filters?.length ? `, where ${t.filters.map((f) => `${f.path} = ${f.values.join(' | ')}`).join(' and ')}` : '');
  const params = Object.entries(t.parameters ?? {}).map(([k, v]) => `${k}=${v}`).join(', ');
  return `  target ${name}: ${t.resourceType} ${t.selectionMode} ${found}${params ? ` (${params})` : ''}: ${t.scope}`;
}

function describeExperiment(e: ExperimentSpec): string[] {
  return [
    `${e.name}  ${formatWeeklyTime(e.schedule)} UTC, at most ${e.maxMinutes} min`,
    `  ${e.description}`,
    ...Object.entries(e.actions).map(([name, a]) => {
      const params = Object.entries(a.parameters).map(([k, v]) => `${k}=${v}`).join(', ');
      return (
        `  action ${name}: ${a.actionId}` +
        (a.target ? ` on ${a.target}` : '') +
        (params ? ` (${params})` : '') +
        (a.startAfter?.length ? `, after ${a.startAfter.join(', ')}` : '')
      );
    }),
    ...Object.entries(e.targets).map(([name, t]) => describeTarget(name, t)),
    `  stops on: ${e.stopAlarms.join(', ')}`,
  ];
}

/** The environment's experiments as text, region by region. */
export function formatChaosPlan(environment: EnvironmentPlan): string {
  const regions = environmentChaosPlan(environment);
  const count = regions.reduce((n, r) => n + r.experiments.length, 0);
  const { day, startHourUtc } = environment.chaos.schedule;
  const lines = [
    `${environment.name}: ${count} experiments in ${regions.length} region${regions.length === 1 ? '' : 's'}, weekly from ${day} ${pad(startHourUtc)}:00 UTC, ` +
      `one at a time; schedules ${scheduleState(environment)}`,
  ];
  for (const r of regions) {
    lines.push('', `${environment.name}-${r.region}${r.region === environment.writeRegion ? ' (write region)' : ''}: ${r.experiments.length} experiments`);
    for (const e of r.experiments) lines.push(...describeExperiment(e));
  }
  return lines.join('\n');
}

/** The same as JSON: every field of every experiment, and each schedule's cron expression. */
export function chaosPlanJson(environment: EnvironmentPlan): unknown {
  return {
    environment: environment.name,
    window: { ...environment.chaos.schedule },
    regions: environmentChaosPlan(environment).map((r) => ({
      region: r.region,
      writeRegion: r.region === environment.writeRegion,
      scheduled: r.scheduled,
      experiments: r.experiments.map((e) => ({ ...e, cron: weeklyCron(e.schedule) })),
    })),
  };
}
