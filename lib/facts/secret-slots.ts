/**
 * Secrets rotated in three slots: the TURN relay's shared secret (lib/facts/turn-secret.ts) and the edge origin token
 * (lib/facts/origin-protection.ts). The value is a JSON object `{ previous, current, next }`: whoever proves its
 * identity with the secret sends `current`, whoever checks it accepts all three. A rotation (stacks/secret-rotation.ts)
 * moves each slot down one and puts a new value in `next`, so a checker that took the secret since the rotation before
 * already accepts the new `current`, and still accepts the old one as `previous`: senders may switch at once, in any
 * order. That holds while every checker refreshes its copy within one rotation period.
 */

/** The keys of the secret's JSON value, oldest first. */
export const SECRET_SLOTS = ['previous', 'current', 'next'] as const;
export type SecretSlot = (typeof SECRET_SLOTS)[number];

/** Random bytes of a value a rotation makes, written as 64 hex digits: safe in a header, a command line and an HMAC key. */
export const ROTATED_VALUE_BYTES = 32;

/** Shortest slot value a reader accepts: letters and digits only, at least this many. */
export const MIN_SLOT_VALUE_LENGTH = 32;

/** Letters and digits, at least MIN_SLOT_VALUE_LENGTH of them: a value fit for any slot. */
export function usableSlotValue(value: unknown): value is string {
  return typeof value === 'string' && value.length >= MIN_SLOT_VALUE_LENGTH && /^[0-9A-Za-z]+$/.test(value);
}

/**
 * The slots of a stored value. The plain string of a secret never rotated is its `current` and its `next` (the first
 * rotation makes it `previous` and `current`). The generated functions (lib/views/secret-rotation-script.ts
 * SLOTS_SCRIPT) read a value the same way; test/secret-rotation.test.ts holds the two to the same answers.
 */
export function secretSlots(text: string): Partial<Record<SecretSlot, string>> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Partial<Record<SecretSlot, string>>;
  return { current: text, next: text };
}
