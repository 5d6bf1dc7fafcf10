/** The table `npx cdk synth` ends with: what was synthesized, and how close each stack is to its limits. */
import { STACK_LIMITS, type StackSize } from '../facts/limits';
import { formatTable } from '../util/table';

export interface StageSummary {
  readonly stage: string;
  readonly stacks: readonly StackSize[];
}

export interface SynthTotals {
  readonly stages: number;
  readonly stacks: number;
  readonly maxResources: number;
  readonly totalResources: number;
  readonly maxTemplateBytes: number;
  readonly totalTemplateBytes: number;
}

export function synthTotals(stages: readonly StageSummary[]): SynthTotals {
  const all = stages.flatMap((s) => s.stacks);
  return {
    stages: stages.length,
    stacks: all.length,
    maxResources: Math.max(0, ...all.map((s) => s.resources)),
    totalResources: all.reduce((n, s) => n + s.resources, 0),
    maxTemplateBytes: Math.max(0, ...all.map((s) => s.templateBytes)),
    totalTemplateBytes: all.reduce((n, s) => n + s.templateBytes, 0),
  };
}

export function formatSummary(stages: readonly StageSummary[]): string {
  const t = synthTotals(stages);
  const rows = [['stack', 'resources', 'template bytes']];
  for (const stage of stages) {
    for (const s of stage.stacks) rows.push([s.name, String(s.resources), String(s.templateBytes)]);
  }
  return [
    ...formatTable(rows, [false, true, true]),
    '',
    `${t.stages} stages, ${t.stacks} stacks; resources per stack max ${t.maxResources} (limit ${STACK_LIMITS.maxResources}), total ${t.totalResources}; ` +
      `template bytes max ${t.maxTemplateBytes} (limit ${STACK_LIMITS.maxTemplateBytes}), total ${t.totalTemplateBytes}`,
  ].join('\n');
}
