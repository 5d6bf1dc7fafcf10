/**
 * The integer range rule every validator shares, and its one message, so that a count out of range reads the same in
 * the config, a `-c` value, a CLI flag or a construct's props: `must be an integer in 1..4096, got 0`.
 */

/**
 * The problem with `value` as an integer in min..max, or undefined when it is one. `shown` is how the message writes
 * the value given (a flag's text, quoted); @default String(value)
 */
export function integerProblem(value: number, min: number, max: number, shown: string = String(value)): string | undefined {
  return Number.isInteger(value) && value >= min && value <= max ? undefined : `must be an integer in ${min}..${max}, got ${shown}`;
}
