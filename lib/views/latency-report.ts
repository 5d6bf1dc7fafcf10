/** The verdict table as synth and `npm run -s budget` print it. */
import type { EnvironmentPlan } from '../plan/plan';
import { formatTable } from '../util/table';
import { FLOW_NAMES, FLOWS } from '../facts/flows';
import type { Hop } from '../facts/hops';
import { ESTIMATE_RATIO_QUANTILE, RTT_DATASET, RTT_ESTIMATE_RATIO } from '../facts/rtt';
import { breaches, unneededWaivers, type FlowVerdict } from './verdicts';

const verdictCell = (v: FlowVerdict): string => (v.ok ? (v.waiver === null ? 'ok' : 'ok (waiver unneeded)') : v.waiver === null ? 'BREACH' : 'waived');

/**
 * The table of verdicts, the flows' paths with the environments' hop budgets, the waivers with their reasons and
 * the round trips' source, then one line that sums it up.
 */
export function formatVerdicts(verdicts: readonly FlowVerdict[], environments: readonly EnvironmentPlan[]): string {
  const rows = [['env', 'region', 'flow', 'p95 ms', 'target ms', 'verdict', 'forwarded write']];
  for (const v of verdicts) {
    const rtt = v.terms.find((t) => t.name.startsWith('rtt '));
    rows.push([v.env, v.region, v.flow, String(v.p95Ms), String(v.targetMs), verdictCell(v), rtt ? `+ ${rtt.ms} ms ${rtt.name}` : '']);
  }
  const lines = ['Latency budget: static P95 per flow (sum of hop P95 budgets; a write outside the write region adds its round trip)', ...formatTable(rows, [false, false, false, true, true, false, false])];

  // Environments with the same hop budgets share one list of paths.
  const byBudgets = new Map<string, string[]>();
  for (const environment of environments) {
    const key = JSON.stringify(environment.latencyBudgets.hopsMs);
    byBudgets.set(key, [...(byBudgets.get(key) ?? []), environment.name]);
  }
  for (const [key, names] of byBudgets) {
    const hopsMs = JSON.parse(key) as Record<Hop, number>;
    lines.push('', `Flows of ${names.join(', ')} (hop P95 budgets, ms):`);
    for (const flow of FLOW_NAMES) {
      const path = FLOWS[flow].hops.map((h) => `${h} ${hopsMs[h]}`).join(' + ');
      lines.push(`  ${flow} = ${path}${FLOWS[flow].writes ? ' [+ rtt to the write region, outside it]' : ''}`);
    }
  }
  const waived = verdicts.filter((v) => v.waiver !== null);
  if (waived.length > 0) {
    lines.push('', 'Waivers:');
    for (const v of waived) lines.push(`  ${v.env} ${v.region} ${v.flow} (${v.p95Ms} ms > ${v.targetMs} ms): ${v.waiver}`);
  }
  lines.push('', 'Round trips to the write region (ms):');
  const bases = new Set<string>();
  for (const environment of environments) {
    const { rttToWriteRegion, rttSource } = environment.latencyBudgets;
    const pairs = Object.entries(rttToWriteRegion).filter(([, r]) => r.basis !== 'write region');
    lines.push(`  ${environment.name} (write region ${environment.writeRegion}): ${pairs.length === 0 ? 'none, one region' : pairs.map(([r, { ms, basis }]) => `${r} ${ms} (${basis})`).join(', ')}`);
    for (const [, { basis }] of pairs) bases.add(basis);
    if (pairs.some(([, r]) => r.basis === 'config')) lines.push(`    config: ${rttSource}`);
  }
  lines.push(...rttSourceLines(bases));
  const broken = breaches(verdicts);
  const unneeded = unneededWaivers(verdicts);
  lines.push(
    '',
    `${verdicts.length} verdicts: ${verdicts.filter((v) => v.ok).length} within target, ${waived.filter((v) => !v.ok).length} waived, ${broken.length} breached` +
      (unneeded.length > 0 ? `; ${unneeded.length} waiver${unneeded.length === 1 ? '' : 's'} no longer needed (${unneeded.map((v) => `${v.env} ${v.region} ${v.flow}`).join(', ')}): remove ${unneeded.length === 1 ? 'it' : 'them'}` : ''),
  );
  return lines.join('\n');
}

/** What each basis of the round trips in a table rests on, one line each, for the bases present. */
function rttSourceLines(bases: ReadonlySet<string>): string[] {
  const lines: string[] = [];
  if (bases.has('measured p95') || bases.has('measured median')) {
    lines.push(`  measured: ${RTT_DATASET.summary} (${RTT_DATASET.url}; source, date and method in lib/facts/inter-region-rtt.json)`);
  }
  if (bases.has('measured median')) lines.push('  measured median: the set has no P95, so a P95 budget is judged on a median. Measure the P95 and set latencyBudgets.interRegionRttMs.');
  if (bases.has('estimated')) {
    lines.push(
      `  estimated: no measurement; the physical floor times ${RTT_ESTIMATE_RATIO}, the ${ESTIMATE_RATIO_QUANTILE * 100}th percentile of measured/floor ratios over the measured pairs (lib/facts/rtt.ts). Measure it and set latencyBudgets.interRegionRttMs.`,
    );
  }
  return lines;
}

/** The error synth and the budget CLI end with when a flow breaks its target without a waiver. */
export function breachMessage(broken: readonly FlowVerdict[]): string {
  return [
    `latency budget failed: ${broken.length} flow${broken.length === 1 ? '' : 's'} over target without a waiver:`,
    ...broken.map((v) => `  - ${v.env} ${v.region} ${v.flow}: static P95 ${v.p95Ms} ms > target ${v.targetMs} ms (${v.terms.map((t) => `${t.name} ${t.ms}`).join(' + ')})`),
    'Lower a hop budget (latencyBudgets.hopsMs), raise the target (latencyBudgets.flowTargetsMs), move the write region, ' +
      'or waive the flow for that region with a reason (latencyBudgets.waivers: [{ region, flow, reason }]).',
  ].join('\n');
}
