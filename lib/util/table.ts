/** Plain-text tables for the CLIs' readable output. */

/**
 * Rows as aligned columns, two spaces apart, trailing spaces trimmed; `right` says which columns are right-aligned
 * (numbers). The first row is usually the header.
 */
export function formatTable(rows: readonly (readonly string[])[], right: readonly boolean[] = []): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (right[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd());
}
