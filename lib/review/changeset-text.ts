/** The change-set check as text for a terminal or a CI log: the verdict first, then each change set, then the table. */
import { formatTable } from '../util/table';
import type { ChangeCountsJson, ChangeSetReviewJson, ChangeSetSummaryJson } from './changeset-review';

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `1 add, 2 modify (1 replacement), 1 remove`, or `no changes`. */
function countsText(c: ChangeCountsJson): string {
  const parts = (
    [
      ['add', c.add],
      ['modify', c.modify],
      ['remove', c.remove],
      ['import', c.import],
      ['dynamic', c.dynamic],
      ['sync with actual', c.sync_with_actual],
    ] as const
  )
    .filter(([, n]) => n > 0)
    .map(([word, n]) => (word === 'modify' && c.replacements > 0 ? `${n} modify (${plural(c.replacements, 'replacement')})` : `${n} ${word}`));
  return parts.length > 0 ? parts.join(', ') : 'no changes';
}

function changeSetLine(s: ChangeSetSummaryJson): string {
  const status = `${s.status}${s.execution_status ? ` / ${s.execution_status}` : ''}`;
  return `${s.stack} (${s.path}): change set ${s.change_set}, ${status}, ${plural(s.files.length, 'page')}: ${countsText(s.changes)}; ${s.refused} refused, ${s.allowed} allowed`;
}

export interface ChangeSetTextSource {
  /** The synth output as the user named it (`cdk.out`). */
  readonly assembly: string;
  /** Its allowances file (`cdk.out/allowed-destructive-changes.json`). */
  readonly allowancesFile: string;
  /** False when that file is absent: nothing is allowed. */
  readonly allowancesRead: boolean;
}

export function formatChangeSetText(report: ChangeSetReviewJson, source: ChangeSetTextSource): string {
  const { assembly, allowancesFile } = source;
  const refused = report.destructive.filter((d) => d.allowed_by === null);
  const allowed = report.destructive.length - refused.length;
  const out: string[] = [];
  out.push(
    refused.length > 0
      ? `REFUSED: ${plural(refused.length, 'destructive change')} no allowance covers (${allowed} allowed); do not execute these change sets. ` +
          'If one is intended, allow its construct path in regions.config.ts (review.allowDestructive, with the reason), synthesize and prepare the change sets again.'
      : `OK: no destructive change refused (${allowed} allowed) in ${plural(report.change_sets.length, 'change set')} created from ${assembly}.`,
    '',
    `Change sets (${report.change_sets.length}):`,
    ...report.change_sets.map((s) => `  ${changeSetLine(s)}`),
  );
  if (report.destructive.length > 0) {
    // The cause and the allowance go under their row: they run to a hundred characters and more, and a column of
    // them would push the table past any terminal's width.
    out.push('', `Destructive changes (${refused.length} refused, ${allowed} allowed):`);
    const header = ['verdict', 'stage', 'stack', 'logical id', 'construct path', 'type', 'change'];
    const rows = report.destructive.map((d) => [d.allowed_by ? 'allowed' : 'REFUSED', d.stage, d.stack, d.logical_id, d.path, d.type, d.change]);
    const [head, ...lines] = formatTable([header, ...rows]);
    const under = ' '.repeat('verdict'.length + 2);
    out.push(`  ${head}`);
    report.destructive.forEach((d, i) => {
      out.push(`  ${lines[i]}`, `  ${under}cause: ${d.cause}`);
      if (d.allowed_by) out.push(`  ${under}allowed by ${d.allowed_by.path}: ${d.allowed_by.reason}`);
    });
  }
  out.push('');
  if (!source.allowancesRead) {
    out.push(`Allowances: none (${allowancesFile} is absent).`);
  } else if (report.allowances.length === 0) {
    out.push(`Allowances: none (${allowancesFile} is empty).`);
  } else {
    // Unused is no error here: a change set covers one stack, and npm run -s review fails on stale allowances.
    out.push(`Allowances (${allowancesFile}; unused ones are not errors here):`);
    out.push(...report.allowances.map((a) => `  ${a.path}: ${a.status}${a.status === 'used' ? ` (${a.matches})` : ''} - ${a.reason}`));
  }
  return out.join('\n');
}
