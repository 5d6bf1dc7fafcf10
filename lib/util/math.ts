/** Arithmetic the sizing modules share. */

/** ceil(a / b), with the quotient rounded to 1e-9 first so 3.0000000000000004 does not become 4. */
export const ceilDiv = (a: number, b: number): number => Math.ceil(Math.round((a / b) * 1e9) / 1e9);

/** `n` rounded to `digits` decimals. */
export const round = (n: number, digits: number): number => Math.round(n * 10 ** digits) / 10 ** digits;
