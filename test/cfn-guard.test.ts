import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Stack, Stage, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CfnGuardScan, listRules, METADATA_DIR, RULES_DIR } from '../stacks/compliance/cfn-guard';
import * as events from 'aws-cdk-lib/aws-events';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { findingsOfSarif, guardRule, guardViolations, resourceOnLine, rulesFor, scanInput, templateTypes, type GuardRule } from '../lib/views/guard-scan';
import { newApp } from './support/synth';

const BUCKET_RULE: GuardRule = { file: 's3/ct-s3-pr-2.guard', control: 'CT.S3.PR.2', ruleId: 'S3_BUCKET_LOGGING_ENABLED_CHECK', types: ['AWS::S3::Bucket'] };
const KEY_RULE: GuardRule = { file: 'keymanagementservice/ct-kms-pr-3.guard', control: 'CT.KMS.PR.3', ruleId: 'KMS_CREATE_GRANT_AWS_SERVICE_CHECK', types: ['AWS::KMS::Key'] };

describe('the bundled Control Tower rules', () => {
  const files = listRules(RULES_DIR);

  it('each name a control whose id is the one in its metadata file, under a rule id of its own', () => {
    expect(files.length).toBeGreaterThan(200);
    const rules = files.map((f) => guardRule(f, readFileSync(join(RULES_DIR, f), 'utf8')));
    for (const r of rules) {
      const meta = JSON.parse(readFileSync(join(METADATA_DIR, r.file.replace(/\.guard$/, '.metadata.json')), 'utf8')) as { Id: string };
      expect(r.control, r.file).toBe(meta.Id);
      expect(r.types.length, r.file).toBeGreaterThan(0);
    }
    expect(new Set(rules.map((r) => r.ruleId)).size).toBe(rules.length);
    expect(rules.find((r) => r.control === 'CT.S3.PR.2')).toEqual({ ...BUCKET_RULE, types: ['AWS::S3::Bucket'] });
  });

  it('refuse a file that is not a Control Tower control', () => {
    expect(() => guardRule('mine/bucket.guard', 'rule bucket_check when %x { }')).toThrow(
      'mine/bucket.guard: not a Control Tower proactive control (ct-<service>-pr-<n>.guard with a top-level "rule <name> when ...")',
    );
  });
});

describe('what cfn-guard reads', () => {
  const template = {
    Parameters: { BootstrapVersion: { Type: 'String' } },
    Resources: { Logs: { Type: 'AWS::S3::Bucket', Properties: {} }, Alarm: { Type: 'AWS::CloudWatch::Alarm' }, Key: { Type: 'AWS::KMS::Key' } },
  };

  it('is only the rules of the template\'s resource types', () => {
    expect(templateTypes(template)).toEqual(['AWS::CloudWatch::Alarm', 'AWS::KMS::Key', 'AWS::S3::Bucket']);
    expect(rulesFor([KEY_RULE, BUCKET_RULE], new Set(['AWS::S3::Bucket']))).toEqual([BUCKET_RULE]);
    expect(rulesFor([KEY_RULE, BUCKET_RULE], new Set(['AWS::SNS::Topic']))).toEqual([]);
  });

  it('is the template cut to the types the rules inspect, one resource per line', () => {
    const input = scanInput(template, new Set(['AWS::S3::Bucket', 'AWS::KMS::Key']));
    expect(input).toBe(
      ['{', '"Parameters":{"BootstrapVersion":{"Type":"String"}},', '"Resources":{', '"Logs":{"Type":"AWS::S3::Bucket","Properties":{}},', '"Key":{"Type":"AWS::KMS::Key"}', '}}', ''].join('\n'),
    );
    expect(JSON.parse(input)).toEqual({ Parameters: template.Parameters, Resources: { Logs: template.Resources.Logs, Key: template.Resources.Key } });
    expect([1, 2, 3, 4, 5, 6].map((line) => resourceOnLine(input, line))).toEqual([undefined, undefined, undefined, 'Logs', 'Key', undefined]);
  });

  it('keeps the resources an inspected one references, which rules look up by logical id', () => {
    const referencing = {
      Resources: {
        Schedule: { Type: 'AWS::Events::Rule' },
        Other: { Type: 'AWS::SNS::Topic' },
        Invoke: { Type: 'AWS::Lambda::Permission', Properties: { SourceArn: { 'Fn::GetAtt': ['Schedule', 'Arn'] }, Partition: { Ref: 'AWS::Partition' } } },
      },
    };
    expect(JSON.parse(scanInput(referencing, new Set(['AWS::Lambda::Permission'])))).toEqual({
      Resources: { Schedule: referencing.Resources.Schedule, Invoke: referencing.Resources.Invoke },
    });
  });
});

describe('cfn-guard\'s findings', () => {
  const result = (ruleId: string, text: string, startLine = 1) => ({
    ruleId,
    message: { text },
    locations: [{ physicalLocation: { artifactLocation: { uri: 'tmp/scan/0.json' }, region: { startLine, startColumn: 1 } } }],
  });
  const sarif = (...results: unknown[]) => ({ runs: [{ results }] });
  const lines = (uri: string, line: number) => (uri === 'tmp/scan/0.json' && line === 4 ? 'Logs' : undefined);

  it('name the resource from the message path, else from the line, and drop inner clauses beside a placed finding', () => {
    const findings = findingsOfSarif(
      sarif(
        result('S3_BUCKET_LOGGING_ENABLED_CHECK', 'Check was not compliant as property [/Resources/Logs/Properties/LoggingConfiguration[L:0,C:12]] is missing.'),
        result('KMS_CREATE_GRANT_AWS_SERVICE_CHECK', 'Check was not compliant as property [Condition] is missing. Value traversed to [Path=/Resources/Key/Properties/KeyPolicy/Statement/0[L:0,C:201]]'),
        result('KMS_CREATE_GRANT_AWS_SERVICE_CHECK', 'Check was not compliant as property [[L:0,C:0]] was not present in [(resolved, Path=[L:0,C:0] Value="false")]'),
        result('S3_BUCKET_LOGGING_ENABLED_CHECK', 'Check was not compliant as property [LoggingConfiguration] is missing.', 4),
      ),
      lines,
    );
    expect(findings).toEqual([
      { uri: 'tmp/scan/0.json', ruleId: 'KMS_CREATE_GRANT_AWS_SERVICE_CHECK', logicalId: 'Key', location: '/Resources/Key/Properties/KeyPolicy/Statement/0' },
      { uri: 'tmp/scan/0.json', ruleId: 'S3_BUCKET_LOGGING_ENABLED_CHECK', logicalId: 'Logs', location: '/Resources/Logs' },
      { uri: 'tmp/scan/0.json', ruleId: 'S3_BUCKET_LOGGING_ENABLED_CHECK', logicalId: 'Logs', location: '/Resources/Logs/Properties/LoggingConfiguration' },
    ]);
    expect(guardViolations(findings, [KEY_RULE, BUCKET_RULE], (r) => ({ title: `title of ${r.control}`, fix: `fix of ${r.control}` }), () => 'stage/Logs.template.json')).toEqual([
      {
        ruleName: 'CT.KMS.PR.3',
        description: '[CT.KMS.PR.3] title of CT.KMS.PR.3',
        fix: 'fix of CT.KMS.PR.3',
        violatingResources: [{ resourceLogicalId: 'Key', templatePath: 'stage/Logs.template.json', locations: ['/Resources/Key/Properties/KeyPolicy/Statement/0'] }],
      },
      {
        ruleName: 'CT.S3.PR.2',
        description: '[CT.S3.PR.2] title of CT.S3.PR.2',
        fix: 'fix of CT.S3.PR.2',
        violatingResources: [{ resourceLogicalId: 'Logs', templatePath: 'stage/Logs.template.json', locations: ['/Resources/Logs', '/Resources/Logs/Properties/LoggingConfiguration'] }],
      },
    ]);
  });

  it('refuse a finding that names no resource and stands alone, and output that is not SARIF', () => {
    expect(() => findingsOfSarif(sarif(result('KMS_CREATE_GRANT_AWS_SERVICE_CHECK', 'Check was not compliant as property [[L:0,C:0]] was not present')), lines)).toThrow(
      'cfn-guard reported KMS_CREATE_GRANT_AWS_SERVICE_CHECK in tmp/scan/0.json without naming a resource: Check was not compliant as property [[L:0,C:0]] was not present',
    );
    expect(() => findingsOfSarif({ results: [] }, lines)).toThrow('cfn-guard output is not SARIF: no "runs"');
    expect(() => guardViolations([{ uri: 'a', ruleId: 'OTHER_CHECK', logicalId: 'X', location: '/Resources/X' }], [BUCKET_RULE], () => ({ title: '', fix: '' }), () => 'a')).toThrow(
      'cfn-guard reported OTHER_CHECK, which is no rule it was given',
    );
  });
});

describe('the second scanner in a synth', () => {
  /** The S3 controls a bucket with aws-cdk-lib's defaults fails. */
  const PLAIN_BUCKET_CONTROLS = ['CT.S3.PR.1', 'CT.S3.PR.10', 'CT.S3.PR.11', 'CT.S3.PR.2', 'CT.S3.PR.3', 'CT.S3.PR.4', 'CT.S3.PR.5', 'CT.S3.PR.6', 'CT.S3.PR.9'];

  function appWithBucket(acknowledged: readonly string[]) {
    const app = newApp();
    const stage = new Stage(app, 'test-us-east-1', { env: { account: '123456789012', region: 'us-east-1' } });
    const bucket = new s3.Bucket(new Stack(stage, 'Logs'), 'Plain', { enforceSSL: true });
    Validations.of(bucket).acknowledge(...acknowledged.map((c) => ({ id: `CfnGuard::${c}`, reason: 'a test bucket' })));
    const scan = new CfnGuardScan();
    Validations.of(app).addPlugins(scan.plugin);
    return { app, scan };
  }

  it('fails on a bucket without server access logs, naming the control, the resource, the fix and the id to acknowledge', () => {
    const { app, scan } = appWithBucket(PLAIN_BUCKET_CONTROLS.filter((c) => c !== 'CT.S3.PR.2'));
    try {
      expect(() => app.synth()).toThrow(
        [
          'ERROR [CT.S3.PR.2] Require an Amazon S3 bucket to have server access logging configured (CfnGuard)',
          '   test-us-east-1/Logs/Plain/Resource (Plain295EB121) aws-cdk-lib.aws_s3.CfnBucket',
          "   Suggested fix: Set a 'LoggingConfiguration' on the S3 Bucket and optionally set 'DestinationBucketName' to an S3 bucket configured to receive S3 Access Logs.",
          "   Acknowledge with 'CfnGuard::CT.S3.PR.2'",
        ].join('\n'),
      );
    } finally {
      scan.close();
    }
  });

  it('judges a reference by the resource it names: an invoke permission with its rule as SourceArn passes, one without fails', () => {
    const app = newApp();
    const stage = new Stage(app, 'test-us-east-1', { env: { account: '123456789012', region: 'us-east-1' } });
    const stack = new Stack(stage, 'Invoke');
    const rule = new events.CfnRule(stack, 'Schedule', { scheduleExpression: 'rate(5 minutes)' });
    const fn = 'arn:aws:lambda:us-east-1:123456789012:function:f';
    new lambda.CfnPermission(stack, 'ByRule', { action: 'lambda:InvokeFunction', functionName: fn, principal: 'events.amazonaws.com', sourceArn: rule.attrArn });
    new lambda.CfnPermission(stack, 'ByAnyone', { action: 'lambda:InvokeFunction', functionName: fn, principal: 'events.amazonaws.com' });
    const scan = new CfnGuardScan();
    Validations.of(app).addPlugins(scan.plugin);
    let message = '';
    try {
      app.synth();
    } catch (e) {
      message = (e as Error).message;
    } finally {
      scan.close();
    }
    expect(message).toContain(
      [
        'ERROR [CT.LAMBDA.PR.2] Require AWS Lambda function policies to prohibit public access (CfnGuard)',
        '   test-us-east-1/Invoke/ByAnyone (ByAnyone) aws-cdk-lib.aws_lambda.CfnPermission',
      ].join('\n'),
    );
    expect(message).not.toContain('ByRule');
  });

  it('passes once every finding is acknowledged', () => {
    const { app, scan } = appWithBucket(PLAIN_BUCKET_CONTROLS);
    try {
      expect(() => app.synth()).not.toThrow();
      expect(scan.timings).toMatchObject({ scans: 1, templates: 1 });
    } finally {
      scan.close();
    }
  });
});
