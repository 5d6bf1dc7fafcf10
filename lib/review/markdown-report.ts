/**
 * The review as one GitHub pull-request comment: a marker the workflow finds the comment by, the verdict and the
 * summary table first, destructive changes and allowances in full, then each stage's details collapsed. GitHub
 * refuses a comment over 65,536 characters: when the whole report does not fit, the details lose their diffs first,
 * then whole stages, and the comment says what was left out (the full report is the workflow's artifact).
 */
import type { ReviewJson, StageReviewJson } from './review';
import { costCell, environmentCostLine, headline, propertyLines, RESOURCE_MARK, sideName, summaryRows, verdictLine } from './report-parts';

/** The first line of every review comment: the workflow updates the comment that starts with it. */
export const COMMENT_MARKER = '<!-- gigascale-review -->';
/** GitHub's limit on a comment body, in characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;
/** What the head part (verdict, summary, destructive changes) may take before its lists are cut. */
const HEAD_SHARE = 0.5;

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
const code = (s: string): string => (s.includes('`') ? `<code>${s.replace(/</g, '&lt;')}</code>` : `\`${s}\``);
const table = (rows: readonly (readonly string[])[]): string[] => [
  `| ${rows[0].map(cell).join(' | ')} |`,
  `|${rows[0].map(() => '---').join('|')}|`,
  ...rows.slice(1).map((r) => `| ${r.map(cell).join(' | ')} |`),
];
const fence = (lang: string, lines: readonly string[]): string[] => {
  const longest = Math.max(2, ...lines.map((l) => /`+/.exec(l)?.[0].length ?? 0));
  const ticks = '`'.repeat(longest + 1);
  return [`${ticks}${lang}`, ...lines, ticks];
};

/** Rows until the text would pass `budget` characters, then a line saying how many were left out. */
function capped(lines: readonly string[], budget: number, what: string): string[] {
  const out: string[] = [];
  let used = 0;
  for (let i = 0; i < lines.length; i++) {
    if (used + lines[i].length + 1 > budget) {
      out.push('', `... and ${lines.length - i} more ${what}: the full list is in review.json (the workflow's artifact, or \`npm run -s review -- --json\`).`);
      break;
    }
    out.push(lines[i]);
    used += lines[i].length + 1;
  }
  return out;
}

function headPart(report: ReviewJson, budget: number): string[] {
  const out: string[] = [COMMENT_MARKER, `### gigascale review: ${headline(report)}`, ''];
  const context = report.context.length > 0 ? ` with ${report.context.map((c) => code(`-c ${c}`)).join(' ')}` : '';
  out.push(`${code(sideName(report.base))} → ${code(sideName(report.head))}${context}`, '');
  out.push(...table(summaryRows(report)), '');
  const envs = report.cost.environments.map(environmentCostLine);
  if (envs.length > 0) out.push(`Monthly cost per environment (list prices of ${report.cost.price_date.after ?? report.cost.price_date.before}): ${envs.join('; ')}`, '');
  for (const m of report.missing) out.push(`Not compared: ${m}`, '');

  const refused = report.destructive.filter((d) => d.allowed_by === null);
  const allowed = report.destructive.filter((d) => d.allowed_by !== null);
  const rows = (ds: typeof refused, withAllowance: boolean): string[] =>
    table([
      ['change', 'construct path', 'type', 'logical id', 'stack', 'cause', ...(withAllowance ? ['allowed by'] : [])],
      ...ds.map((d) => [d.change, code(d.path), d.type, d.logical_id, d.stack, d.cause, ...(withAllowance ? [`${code(d.allowed_by!.path)}: ${d.allowed_by!.reason}`] : [])]),
    ]);
  const share = budget / 3;
  if (refused.length > 0) {
    out.push(`#### Destructive changes refused (${refused.length})`, '', 'Allow one with `review.allowDestructive` in `regions.config.ts`, naming its construct path and why.', '');
    out.push(...capped(rows(refused, false), share, 'refused changes'), '');
  }
  if (allowed.length > 0) out.push(`#### Destructive changes allowed (${allowed.length})`, '', ...capped(rows(allowed, true), share, 'allowed changes'), '');
  if (report.allowances.length > 0) {
    out.push('#### Allowances (`review.allowDestructive`)', '');
    out.push(...capped(table([['path', 'status', 'matches', 'reason'], ...report.allowances.map((a) => [code(a.path), a.status, String(a.matches), a.reason])]), share, 'allowances'), '');
  }
  if (report.errors.length > 0) out.push('#### Errors', '', ...report.errors.map((e) => `- ${e}`), '');
  return out;
}

/** One stage's details; `diffs: false` leaves out property and manifest diffs, counting their lines. */
function stagePart(stage: StageReviewJson, diffs: boolean): string[] {
  const changed = stage.stacks.length;
  const out: string[] = [
    `<details><summary><b>${stage.stage}</b>: ${stage.status} · ${changed} stack${changed === 1 ? '' : 's'} changed, ${stage.unchanged_stacks} unchanged · ${stage.manifests.length} Kubernetes object${stage.manifests.length === 1 ? '' : 's'}</summary>`,
    '',
  ];
  for (const stack of stage.stacks) {
    out.push(`**${stack.stack}** (${code(stack.path)}): ${stack.status}`, '');
    if (stack.resources.length > 0) {
      out.push(...table([['', 'type', 'logical id', 'construct path', 'change'], ...stack.resources.map((r) => [RESOURCE_MARK[r.change], r.type, r.logical_id, code(r.path), r.change + (r.orphaned ? ' (retained)' : '')])]), '');
    }
    const props = stack.resources.filter((r) => r.properties.length > 0);
    if (props.length > 0) {
      // Diff lines unindented: GitHub colours a `diff` block by the first character of each line.
      const lines = props.flatMap((r) => [`${r.logical_id} (${r.type})`, ...r.properties.flatMap((p) => propertyLines(p))]);
      if (diffs) out.push(...fence('diff', lines), '');
      else out.push(`_${props.length} resource${props.length === 1 ? '' : 's'} with property changes (${lines.length} lines) left out to fit the comment._`, '');
    }
    if (stack.other.length > 0) out.push(...stack.other.map((o) => `- ${o}`), '');
    for (const [title, rows] of [
      ['IAM statement changes', stack.iam_statements],
      ['IAM managed policy changes', stack.iam_managed_policies],
      ['Security group rule changes', stack.security_group_rules],
    ] as const) {
      if (rows.length > 0) out.push(`${title}:`, '', ...table(rows), '');
    }
  }
  if (stage.manifests.length > 0) {
    out.push('Kubernetes manifests:', '');
    for (const m of stage.manifests) {
      out.push(`- ${m.change} ${code(m.object)} (${m.file})`);
      if (m.diff && diffs) out.push('', ...fence('diff', m.diff.split('\n')));
    }
    if (!diffs && stage.manifests.some((m) => m.diff)) out.push('', '_Manifest diffs left out to fit the comment._');
    out.push('');
  }
  if (stage.verdicts.length > 0) out.push('Latency verdicts:', '', ...stage.verdicts.map((v) => `- ${verdictLine(v)}`), '');
  if (stage.cost && stage.cost.delta_usd !== 0) out.push(`Monthly cost: ${costCell(stage.cost)}`, '');
  out.push('</details>', '');
  return out;
}

function edgePart(report: ReviewJson, diffs: boolean): string[] {
  if (report.edge.length === 0) return [];
  const out = [`<details><summary><b>edge</b> (Cloudflare, <code>npm run -s edge:plan</code>): ${report.edge.length} resource change${report.edge.length === 1 ? '' : 's'}</summary>`, ''];
  for (const e of report.edge) {
    out.push(`- ${e.change} ${e.env} ${code(e.type)} ${code(e.name)}`);
    if (e.diff && diffs) out.push('', ...fence('diff', e.diff.split('\n')));
  }
  out.push('', '</details>', '');
  return out;
}

/** The comment body, at most `limit` characters. */
export function formatReviewMarkdown(report: ReviewJson, limit: number = GITHUB_COMMENT_LIMIT): string {
  const head = headPart(report, limit * HEAD_SHARE);
  const stages = report.stages.filter((s) => s.status !== 'unchanged');
  const join = (lines: readonly string[]) => `${lines.join('\n').trimEnd()}\n`;
  for (const diffs of [true, false]) {
    const whole = join([...head, ...stages.flatMap((s) => stagePart(s, diffs)), ...edgePart(report, diffs)]);
    if (whole.length <= limit) return whole;
  }
  // Whole stages, in order, while they fit; the edge last.
  const note = (n: number) => `_${n} section${n === 1 ? '' : 's'} (stages, edge) left out to fit GitHub's comment limit: the full report is in the workflow's artifact (review.md, review.json)._`;
  const out = [...head];
  let used = join(out).length + note(stages.length).length + 2;
  let shown = 0;
  for (const part of [...stages.map((s) => stagePart(s, false)), edgePart(report, false)]) {
    const size = join(part).length;
    if (used + size > limit) break;
    out.push(...part);
    used += size;
    shown++;
  }
  const left = stages.length + (report.edge.length > 0 ? 1 : 0) - shown;
  if (left > 0) out.push(note(left));
  return join(out).slice(0, limit);
}
