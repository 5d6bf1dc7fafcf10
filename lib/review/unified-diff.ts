/** A unified diff of two texts (3 lines of context), as `diff -u` prints it, for reviewers' eyes. */
import { structuredPatch } from 'diff';

/** `--- <before>` / `+++ <after>` headers, then the hunks; empty when the texts are equal. */
export function unifiedDiff(beforeName: string, afterName: string, before: string, after: string): string {
  if (before === after) return '';
  const patch = structuredPatch(beforeName, afterName, before, after, undefined, undefined, { context: 3 });
  const lines = [`--- ${beforeName}`, `+++ ${afterName}`];
  for (const h of patch.hunks) {
    lines.push(`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`, ...h.lines);
  }
  return lines.join('\n');
}
