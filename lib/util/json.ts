/** Deterministic JSON for everything gigascale prints or writes. */

/** JSON with keys sorted at every level, so output never depends on insertion order. */
export function sortedJson(value: unknown, indent?: number): string {
  return JSON.stringify(
    value,
    (_key, v: unknown) =>
      v !== null && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
        : v,
    indent,
  );
}

/** A JSON object (not null, not an array): what config sections are before validation says more. */
export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
