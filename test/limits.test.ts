import { describe, expect, it } from 'vitest';
import { limitViolations, measureTemplate } from '../lib/facts/limits';
import { formatSummary, synthTotals } from '../lib/views/summary';

describe('limits', () => {
  it('measures resources and bytes of a template', () => {
    const text = JSON.stringify({ Resources: { A: {}, B: {} } });
    expect(measureTemplate('s', text)).toEqual({ name: 's', resources: 2, templateBytes: text.length });
  });

  it('counts the nested stack the Secrets Manager transform adds for each hosted rotation', () => {
    const text = JSON.stringify({
      Transform: ['AWS::SecretsManager-2024-09-16'],
      Resources: {
        Secret: { Type: 'AWS::SecretsManager::Secret' },
        Hosted: { Type: 'AWS::SecretsManager::RotationSchedule', Properties: { HostedRotationLambda: { RotationType: 'PostgreSQLSingleUser' } } },
        OwnLambda: { Type: 'AWS::SecretsManager::RotationSchedule', Properties: { RotationLambdaARN: 'arn:aws:lambda:::function:f' } },
      },
    });
    expect(measureTemplate('s', text).resources).toBe(4);
  });

  it('reports both limits a stack breaks', () => {
    expect(limitViolations([{ name: 'big', resources: 401, templateBytes: 800_001 }]).map((v) => v.rule)).toEqual([
      'StackResourceLimit',
      'StackTemplateSizeLimit',
    ]);
    expect(limitViolations([{ name: 'ok', resources: 400, templateBytes: 800_000 }])).toEqual([]);
  });
});

describe('synth summary', () => {
  const stages = [
    { stage: 'dev-us-east-1', stacks: [{ name: 'dev-us-east-1-network', resources: 55, templateBytes: 45_000 }] },
    { stage: 'prod-us-east-1', stacks: [{ name: 'prod-us-east-1-network', resources: 59, templateBytes: 49_000 }] },
  ];

  it('totals stages, stacks, resources and bytes', () => {
    expect(synthTotals(stages)).toEqual({
      stages: 2, stacks: 2, maxResources: 59, totalResources: 114, maxTemplateBytes: 49_000, totalTemplateBytes: 94_000,
    });
  });

  it('prints a row per stack and a totals line', () => {
    expect(formatSummary(stages)).toBe(
      [
        'stack                   resources  template bytes',
        'dev-us-east-1-network          55           45000',
        'prod-us-east-1-network         59           49000',
        '',
        '2 stages, 2 stacks; resources per stack max 59 (limit 400), total 114; template bytes max 49000 (limit 800000), total 94000',
      ].join('\n'),
    );
  });
});
