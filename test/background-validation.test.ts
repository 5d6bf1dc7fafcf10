/**
 * The CloudFormation validation bin/app.ts runs in a worker thread reports exactly what aws-cdk-lib's built-in
 * CloudFormationValidatePlugin reports over the same templates in one call, and a worker that fails fails it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, CloudFormationValidatePlugin, type IPolicyValidationContext, type PolicyValidationStack } from 'aws-cdk-lib';
import { UNKNOWN_ACCOUNT, UNKNOWN_REGION } from 'aws-cdk-lib/cx-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackgroundCloudFormationValidation } from '../stacks/compliance/background-validation';
import { planOf, stagesOf } from './support/synth';

function contextOf(stackTemplates: PolicyValidationStack[]): IPolicyValidationContext {
  return { templatePaths: stackTemplates.map((s) => s.templatePath), stackTemplates, appConstruct: new App() };
}

/** What a fresh built-in plugin reports over `stackTemplates` in one call, as `cdk synth` runs it by default. */
function builtinReport(stackTemplates: PolicyValidationStack[]): unknown {
  const plugin = new CloudFormationValidatePlugin();
  try {
    return plugin.validate(contextOf(stackTemplates));
  } finally {
    // Freed, the engine's WASM memory makes the next plugin's engine quick to build (seconds otherwise).
    plugin._dispose();
  }
}

/** Writes a template into `dir` and describes it as aws-cdk-lib describes a stack to a validation plugin. */
function handMade(dir: string, name: string, resources: Record<string, unknown>): PolicyValidationStack {
  const templatePath = join(dir, `${name}.template.json`);
  writeFileSync(templatePath, JSON.stringify({ Resources: resources }, null, 1));
  return { stackConstructPath: `test/${name}`, templatePath, accountId: '123456789012', region: 'us-east-1' };
}

describe('BackgroundCloudFormationValidation', () => {
  let background: BackgroundCloudFormationValidation;
  let devTemplates: PolicyValidationStack[];
  let devTypes: Set<string>;
  const dir = mkdtempSync(join(tmpdir(), 'gigascale-background-validation-'));

  beforeAll(() => {
    background = BackgroundCloudFormationValidation.start();
    const { app, stages } = stagesOf(planOf({ env: 'dev' }));
    background.expectResourceTypes(app);
    const assembly = stages[0].synth();
    background.submit(assembly);
    devTemplates = assembly.stacksRecursively.map((s) => ({
      stackConstructPath: s.hierarchicalId,
      templatePath: s.templateFullPath,
      accountId: s.environment.account !== UNKNOWN_ACCOUNT ? s.environment.account : undefined,
      region: s.environment.region !== UNKNOWN_REGION ? s.environment.region : undefined,
    }));
    devTypes = new Set(assembly.stacksRecursively.flatMap((s) => Object.values(s.template.Resources as Record<string, { Type: string }>).map((r) => r.Type)));
  });
  afterAll(() => background.close());

  it("reports on a synthesized stage what aws-cdk-lib's built-in plugin reports, with its name and version", () => {
    // The built-in plugin first: the main thread runs it while the worker validates the same templates.
    const expected = builtinReport(devTemplates);
    const report = background.plugin.validate(contextOf(devTemplates));

    expect(report).toEqual(expected);
    expect(report.violations.length).toBeGreaterThan(0);
    expect(background.plugin.name).toBe(CloudFormationValidatePlugin.PLUGIN_NAME);
    expect(background.plugin.version).toBe(new CloudFormationValidatePlugin().version);
    expect(background.timings).toMatchObject({ templates: devTemplates.length, atCheck: 0 });
  });

  it("initializes the engine once for the construct tree's resource types, after a warm-up, not per template", () => {
    expect(background.timings.engines.map((e) => e.reason)).toEqual(['warm-up', 'resource types of the construct tree']);
  });

  it("reserves the engine's WASM memory before its first build, through the module's own allocator", () => {
    // 0 would mean the worker no longer catches the module's instance or its allocator (an update of
    // @aws/cloudformation-validate): validation still works, but the first engine grows its memory step by step,
    // with a full GC at each step (seconds).
    expect(background.timings.reservedBytes).toBeGreaterThan(100 * 2 ** 20);
    expect(background.timings.reservedBytes).toBeLessThanOrEqual(176 * 2 ** 20);
  });

  it("relies on aws-cdk-lib's plugin reusing an engine initialized for a superset of a template's types", () => {
    // The worker calls the plugin's private initializeEngine with every type up front: this is what makes that hold.
    const plugin = new CloudFormationValidatePlugin();
    const internals = plugin as unknown as { initializeEngine(types: Set<string>): object; readonly engine?: object };
    const engine = internals.initializeEngine(new Set(devTypes));
    plugin.validate(contextOf(devTemplates.slice(0, 2)));
    const after = internals.engine;
    plugin._dispose();

    expect(after).toBe(engine);
  });

  it('merges findings across templates as the built-in plugin does, and initializes again for a type outside the tree', () => {
    const templates = [
      handMade(dir, 'a', {
        Media: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'Not_A_Valid_Name', Colour: 'blue' } },
        // GameLift's rule (CDK-GameLift-001) is loaded only for an engine initialized with GameLift's types.
        Fleet: { Type: 'AWS::GameLift::Fleet', Properties: { Name: 'f', EC2InboundPermissions: [{ FromPort: 2000, ToPort: 1000, IpRange: '10.0.0.0/8', Protocol: 'TCP' }] } },
      }),
      handMade(dir, 'b', { Logs: { Type: 'AWS::S3::Bucket', Properties: { Colour: 'red' } } }),
    ];
    for (const t of templates) background.submitTemplate(t);
    const report = background.plugin.validate(contextOf(templates));

    expect(report).toEqual(builtinReport(templates));
    expect(report.success).toBe(false);
    expect(report.violations.map((v) => [v.ruleName, v.violatingResources.map((r) => r.resourceLogicalId)])).toEqual([
      ['F3002', ['Media', 'Logs']],
      ['F3031', ['Media']],
      ['CDK-GameLift-001', ['Fleet']],
    ]);
    expect(background.timings.engines.at(-1)?.reason).toBe(templates[0].templatePath);
  });

  it('validates again a template changed after it was submitted', () => {
    const [template] = [handMade(dir, 'c', { Logs: { Type: 'AWS::S3::Bucket', Properties: {} } })];
    background.submitTemplate(template);
    const before = background.plugin.validate(contextOf([template]));
    const atCheck = background.timings.atCheck;
    handMade(dir, 'c', { Logs: { Type: 'AWS::S3::Bucket', Properties: { Colour: 'green' } } });
    const after = background.plugin.validate(contextOf([template]));

    expect(before.violations).toEqual([]);
    expect(after).toEqual(builtinReport([template]));
    expect(after.violations.map((v) => v.ruleName)).toEqual(['F3002']);
    expect(background.timings.atCheck).toBe(atCheck + 1);
  });
});

describe('BackgroundCloudFormationValidation with a failing worker', () => {
  it.each([
    ['throws', "throw new Error('the engine is broken');", /^CloudFormation validation in the background failed: its worker thread threw Error: the engine is broken/],
    ['exits', 'process.exit(3);', /^CloudFormation validation in the background failed: its worker thread exited with code 3 before the synth was done with it$/],
  ])('fails validation, saying what happened, when the worker %s', (_, code, message) => {
    const dir = mkdtempSync(join(tmpdir(), 'gigascale-background-validation-'));
    const workerFile = join(dir, 'worker.mjs');
    writeFileSync(workerFile, `${code}\n`);
    const background = BackgroundCloudFormationValidation.start({ workerFile });
    try {
      const template = handMade(dir, 'a', { Logs: { Type: 'AWS::S3::Bucket', Properties: {} } });
      background.submitTemplate(template);

      expect(() => background.plugin.validate(contextOf([template]))).toThrow(message);
      expect(background.plugin.version).toBeUndefined();
      expect(`CloudFormation validation in the background failed: ${background.failed}`).toMatch(message);
    } finally {
      background.close();
    }
  });
});
