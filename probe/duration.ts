/** The probe's durations as the command line writes them: `500ms`, `10s`, `1m`. */

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000 } as const;
const DURATION = /^(\d{1,9})(ms|s|m)$/;

/** Milliseconds of `text` (`500ms`, `10s`, `1m`), or undefined when it is not written that way. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text);
  if (match === null) return undefined;
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

/** `ms` the way a person writes it back: `1m`, `10s`, `1.5s`, `500ms`. */
export function formatDuration(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms >= 1_000) return `${ms / 1_000}s`;
  return `${ms}ms`;
}
