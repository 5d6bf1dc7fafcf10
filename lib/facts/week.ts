/**
 * Times in the week, as the weekly schedules (the failure experiments', the deploy pipeline's) state them: a day and
 * a time of day, UTC, and the EventBridge Scheduler cron expression that fires then.
 */

/** Days of the week as EventBridge Scheduler's cron expressions name them, Monday first. */
export const WEEKDAYS = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** A time of the week, UTC. */
export interface WeeklyTime {
  readonly day: Weekday;
  readonly hour: number;
  readonly minute: number;
}

/** `day` `hour`:00 plus `offsetMinutes`, wrapped around the week. */
export function weeklyTime(day: Weekday, hour: number, offsetMinutes: number): WeeklyTime {
  const week = 7 * 24 * 60;
  const at = (((WEEKDAYS.indexOf(day) * 24 + hour) * 60 + offsetMinutes) % week + week) % week;
  return { day: WEEKDAYS[Math.floor(at / (24 * 60))], hour: Math.floor(at / 60) % 24, minute: at % 60 };
}

/** `cron(30 15 ? * TUE *)`: EventBridge Scheduler's weekly cron expression for a time. */
export function weeklyCron(t: WeeklyTime): string {
  return `cron(${t.minute} ${t.hour} ? * ${t.day} *)`;
}
