/** The review as text for a terminal: the verdict and summary first, then every change, stage by stage. */
import { formatTable } from '../util/table';
import type { ReviewJson } from './review';
import { costCell, destructiveLine, environmentCostLine, headline, propertyLines, resourceLine, sideName, summaryRows, verdictLine } from './report-parts';

const indent = (lines: readonly string[], by = '    '): string[] => lines.map((l) => (l === '' ? l : `${by}${l}`));

export function formatReviewText(report: ReviewJson): string {
  const out: string[] = [];
  const context = report.context.length > 0 ? `, context ${report.context.map((c) => `-c ${c}`).join(' ')}` : '';
  out.push(`Review of ${sideName(report.base)} -> ${sideName(report.head)}${context}`);
  out.push(headline(report), '');
  out.push(...formatTable(summaryRows(report)));
  const envs = report.cost.environments.map(environmentCostLine);
  if (envs.length > 0) out.push(`Per environment: ${envs.join('; ')} (list prices of ${report.cost.price_date.after ?? report.cost.price_date.before})`);
  for (const m of report.missing) out.push(`Not compared: ${m}`);

  const refused = report.destructive.filter((d) => d.allowed_by === null);
  const allowed = report.destructive.filter((d) => d.allowed_by !== null);
  if (refused.length > 0) {
    out.push('', `Destructive changes refused (${refused.length}): allow one with review.allowDestructive in regions.config.ts, naming its path and why`);
    out.push(...indent(refused.map(destructiveLine), '  '));
  }
  if (allowed.length > 0) {
    out.push('', `Destructive changes allowed (${allowed.length}):`);
    out.push(...indent(allowed.map((d) => `${destructiveLine(d)}\n      allowed by ${d.allowed_by!.path}: ${d.allowed_by!.reason}`), '  '));
  }
  if (report.allowances.length > 0) {
    out.push('', 'Allowances (review.allowDestructive):');
    out.push(...indent(report.allowances.map((a) => `${a.path}: ${a.status}${a.status === 'used' ? ` (${a.matches})` : ''} - ${a.reason}`), '  '));
  }
  if (report.errors.length > 0) out.push('', 'Errors:', ...indent(report.errors, '  '));

  for (const stage of report.stages) {
    if (stage.status === 'unchanged') continue;
    out.push('', `== ${stage.stage}: ${stage.status} (${stage.unchanged_stacks} stack${stage.unchanged_stacks === 1 ? '' : 's'} unchanged) ==`);
    for (const stack of stage.stacks) {
      out.push(`stack ${stack.stack} (${stack.path}): ${stack.status}`);
      for (const r of stack.resources) {
        out.push(`  ${resourceLine(r)}`);
        for (const p of r.properties) out.push(...indent(propertyLines(p), '      '));
      }
      for (const o of stack.other) out.push(`  ${o}`);
      for (const [title, rows] of [
        ['IAM statement changes', stack.iam_statements],
        ['IAM managed policy changes', stack.iam_managed_policies],
        ['Security group rule changes', stack.security_group_rules],
      ] as const) {
        if (rows.length === 0) continue;
        out.push(`  ${title}:`, ...indent(formatTable(rows.map((r) => r.map((c) => c.replace(/\n/g, ', ')))), '    '));
      }
    }
    if (stage.manifests.length > 0) {
      out.push('Kubernetes manifests:');
      for (const m of stage.manifests) {
        out.push(`  ${m.change === 'added' ? '+' : m.change === 'removed' ? '-' : '~'} ${m.object} (${m.file})`);
        if (m.diff) out.push(...indent(m.diff.split('\n')));
      }
    }
    if (stage.verdicts.length > 0) out.push('Latency verdicts:', ...indent(stage.verdicts.map(verdictLine), '  '));
    if (stage.cost && stage.cost.delta_usd !== 0) out.push(`Monthly cost: ${costCell(stage.cost)}`);
  }
  if (report.edge.length > 0) {
    out.push('', '== edge (Cloudflare, npm run -s edge:plan) ==');
    for (const e of report.edge) {
      out.push(`${e.change === 'added' ? '+' : e.change === 'removed' ? '-' : '~'} ${e.env} ${e.type} ${e.name}`);
      if (e.diff) out.push(...indent(e.diff.split('\n')));
    }
  }
  return out.join('\n');
}
