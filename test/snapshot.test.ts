import { describe, expect, it } from 'vitest';
import { Template } from 'aws-cdk-lib/assertions';
import { normalizedTemplate, planOf, stage, stagesOf } from './support/synth';

// A drift alarm only: the properties that matter are asserted one by one in network.test.ts.
describe('snapshots', () => {
  it('network stack of prod-eu-west-1', () => {
    const { stages } = stagesOf(planOf({ env: 'prod' }));
    expect(normalizedTemplate(Template.fromStack(stage(stages, 'prod-eu-west-1').network))).toMatchSnapshot();
  });
});
