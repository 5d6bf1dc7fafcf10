/**
 * The deploy pipeline (stacks/pipeline, lib/views/pipeline-plan.ts): the order it promotes a change in, the gates
 * around each region as the default synth renders them, the config that places it, and the probe gate
 * (lib/views/probe-gate.ts, bin/probe-gate.ts) on recorded DescribeAlarms answers.
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EnvironmentPlan } from '../lib/plan';
import { pipelineWaves } from '../lib/views/pipeline-plan';
import { probeGateAlarmNames, probeGateVerdict } from '../lib/views/probe-gate';
import { configWith, env, problems } from './support/config';
import { defaultSynth } from './support/default-synth';
import { runTsx } from './support/process';
import { planOf, ROOT } from './support/synth';

type Resource = { Type: string; Properties: Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
type Action = { Name: string; RunOrder: number; ActionTypeId: { Category: string; Provider: string }; Configuration?: Record<string, any>; RoleArn?: unknown }; // eslint-disable-line @typescript-eslint/no-explicit-any

let prod: EnvironmentPlan;
beforeAll(() => {
  prod = planOf().environments[1];
});

describe('the order of promotion', () => {
  it('deploys dev, then prod\'s write region behind its review and an approval, then each other prod region behind its review', () => {
    expect(pipelineWaves(planOf()).map((w) => ({ ...w, environment: w.environment.name, region: w.region.name }))).toEqual([
      { stage: 'dev-us-east-1', environment: 'dev', region: 'us-east-1', approval: false, reviewChangeSets: false },
      { stage: 'prod-us-east-1', environment: 'prod', region: 'us-east-1', approval: true, reviewChangeSets: true },
      { stage: 'prod-us-west-2', environment: 'prod', region: 'us-west-2', approval: false, reviewChangeSets: true },
      { stage: 'prod-eu-west-1', environment: 'prod', region: 'eu-west-1', approval: false, reviewChangeSets: true },
      { stage: 'prod-ap-southeast-1', environment: 'prod', region: 'ap-southeast-1', approval: false, reviewChangeSets: true },
    ]);
  });

  it('puts the write region first whatever the config\'s order', () => {
    const waves = pipelineWaves(planOf({}, configWith(env({ regions: ['us-east-1', 'eu-west-1'], writeRegion: 'eu-west-1' }))));
    expect(waves.map((w) => w.stage)).toEqual(['test-eu-west-1', 'test-us-east-1']);
  });
});

describe('the pipeline in the config', () => {
  it('is planned from the config, with its defaults, and left out of a synth narrowed to some environments or regions', () => {
    expect(planOf().pipeline).toEqual({
      account: '333333333333',
      region: 'us-east-1',
      repository: 'example-org/gigascale',
      branch: 'main',
      connectionArn: 'arn:aws:codeconnections:us-east-1:333333333333:connection/00000000-0000-4000-8000-000000000000',
      weeklyRun: { day: 'MON', hourUtc: 9 },
    });
    expect(planOf({ env: 'dev' }).pipeline).toBeNull();
    expect(planOf({ env: 'prod', regions: 'us-east-1,eu-west-1' }).pipeline).toBeNull();
    expect(planOf({ replication: 'off' }).pipeline).not.toBeNull();
    expect(planOf({}, configWith(env())).pipeline).toBeNull();
  });

  it('refuses a bad pipeline, naming each field and what it must be', () => {
    const pipeline = { account: '3333', region: 'moon-1', repository: 'gigascale', branch: 'a b', connectionArn: 'arn:aws:iam::333333333333:role/x', weeklyRun: { day: 'MONDAY', hourUtc: 25 } };
    expect(problems({ ...configWith(env()), pipeline })).toEqual([
      'pipeline.account: must be the 12-digit id of the tooling account the pipeline runs in, got "3333"',
      'pipeline.region: must be an AWS region name like us-east-1, got "moon-1"',
      'pipeline.repository: must be a repository as owner/name, got "gigascale"',
      'pipeline.branch: must be a branch name, got "a b"',
      'pipeline.connectionArn: must be the ARN of an AWS CodeConnections connection to the repository\'s host (arn:aws:codeconnections:<region>:<account>:connection/<id>), got "arn:aws:iam::333333333333:role/x"',
      'pipeline.weeklyRun.day: must be one of MON, TUE, WED, THU, FRI, SAT, SUN, got "MONDAY"',
      'pipeline.weeklyRun.hourUtc: must be an integer in 0..23, got 25',
    ]);
  });
});

describe('the pipeline as the default synth renders it', () => {
  let resources: Record<string, Resource>;
  let stages: { Name: string; Actions: Action[] }[];
  /** The commands of the CodeBuild project behind a pipeline action, as its buildspec lists them. */
  const buildCommands = (name: string): string[] => {
    const action = stages.flatMap((s) => s.Actions).find((a) => a.Name === name)!;
    const project = resources[(action.Configuration!.ProjectName as { Ref: string }).Ref];
    const spec = JSON.parse(project.Properties.Source.BuildSpec as string) as { phases: Record<string, { commands: string[] }> };
    return Object.values(spec.phases).flatMap((p) => p.commands);
  };

  beforeAll(async () => {
    const dir = join((await defaultSynth()).outdir, 'assembly-pipeline');
    const file = readdirSync(dir).find((f) => /^pipelinePipeline[0-9A-F]{8}\.template\.json$/.test(f))!;
    resources = (JSON.parse(readFileSync(join(dir, file), 'utf8')) as { Resources: Record<string, Resource> }).Resources;
    stages = Object.values(resources).find((r) => r.Type === 'AWS::CodePipeline::Pipeline')!.Properties.Stages;
  });

  it('runs source, synth and its own update before the stages, in the promotion order', () => {
    expect(stages.map((s) => s.Name)).toEqual(['Source', 'Build', 'UpdatePipeline', 'Assets', 'dev-us-east-1', 'prod-us-east-1', 'prod-us-west-2', 'prod-eu-west-1', 'prod-ap-southeast-1']);
    expect(stages[0].Actions[0]).toMatchObject({
      ActionTypeId: { Category: 'Source', Provider: 'CodeStarSourceConnection' },
      Configuration: { ConnectionArn: 'arn:aws:codeconnections:us-east-1:333333333333:connection/00000000-0000-4000-8000-000000000000', FullRepositoryId: 'example-org/gigascale', BranchName: 'main' },
    });
    expect(buildCommands('Synth')).toContain('npm ci --no-audit --no-fund');
    expect(buildCommands('Synth')).toContain('npx cdk synth');
    expect(buildCommands('SelfMutate')).toContain(`npm install -g aws-cdk@${(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies['aws-cdk']}`);
  });

  it('reviews a production region\'s change sets, then asks for approval, before it deploys; gates every region on its probe after', () => {
    const order = (stage: string) =>
      stages
        .find((s) => s.Name === stage)!
        .Actions.map((a) => ({ name: a.Name.replace(/^[a-z-]+\.Deploy$/, 'deploy'), at: a.RunOrder }))
        .filter((a, i, all) => a.name !== 'deploy' || all.findIndex((b) => b.name === 'deploy') === i)
        .sort((a, b) => a.at - b.at)
        .map((a) => `${a.at} ${a.name}`);
    const deployAt = (stage: string) => Math.min(...stages.find((s) => s.Name === stage)!.Actions.filter((a) => a.Name.endsWith('.Deploy')).map((a) => a.RunOrder));
    const gateAt = (stage: string) => stages.find((s) => s.Name === stage)!.Actions.find((a) => a.Name === `ProbeGate-${stage}`)!.RunOrder;
    const lastDeployAt = (stage: string) => Math.max(...stages.find((s) => s.Name === stage)!.Actions.filter((a) => a.Name.endsWith('.Deploy')).map((a) => a.RunOrder));
    expect(order('prod-us-east-1').slice(0, 3)).toEqual(['1 ReviewChangeSets-prod-us-east-1', '2 Promote-prod', '3 deploy']);
    expect(order('prod-us-west-2').slice(0, 2)).toEqual(['1 ReviewChangeSets-prod-us-west-2', '2 deploy']);
    expect(order('dev-us-east-1')[0]).toBe('1 deploy');
    for (const stage of ['dev-us-east-1', 'prod-us-east-1', 'prod-us-west-2', 'prod-eu-west-1', 'prod-ap-southeast-1']) {
      expect(gateAt(stage), stage).toBeGreaterThan(lastDeployAt(stage));
      expect(deployAt(stage), stage).toBeGreaterThanOrEqual(1);
    }
    expect(stages.find((s) => s.Name === 'prod-us-east-1')!.Actions.find((a) => a.Name === 'Promote-prod')!.ActionTypeId).toMatchObject({ Category: 'Approval', Provider: 'Manual' });
  });

  it('deploys each stack into its environment\'s account and region through that account\'s bootstrap roles', () => {
    const network = stages.find((s) => s.Name === 'prod-eu-west-1')!.Actions.find((a) => a.Name === 'network.Deploy')!;
    expect(network).toMatchObject({ ActionTypeId: { Category: 'Deploy', Provider: 'CloudFormation' }, Configuration: { StackName: 'prod-eu-west-1-network', ActionMode: 'CREATE_UPDATE' } });
    expect(JSON.stringify(network.RoleArn)).toContain(':iam::222222222222:role/cdk-hnb659fds-deploy-role-222222222222-eu-west-1');
    expect(JSON.stringify(network.Configuration!.RoleArn)).toContain('cdk-hnb659fds-cfn-exec-role-222222222222-eu-west-1');
  });

  it('runs the change-set review and the probe gate as documented, on the region\'s own alarms', () => {
    const region = prod.regions.find((r) => r.name === 'eu-west-1')!;
    // First CDK Pipelines' own: the synth's cloud assembly linked in as cdk.out, which the review reads.
    const [link, ...review] = buildCommands('ReviewChangeSets-prod-eu-west-1');
    expect(link).toContain('ln -s -- "$CODEBUILD_SRC_DIR_Synth_Output" "cdk.out"');
    expect(review).toEqual([
      'npm ci --no-audit --no-fund',
      'aws configure set profile.target.role_arn arn:aws:iam::222222222222:role/cdk-hnb659fds-deploy-role-222222222222-eu-west-1',
      'aws configure set profile.target.credential_source EcsContainer',
      `AWS="aws --profile target" review/change-sets.sh 'prod-eu-west-1/*' gigascale-review`,
    ]);
    expect(buildCommands('ProbeGate-prod-eu-west-1')).toEqual([
      'npm ci --no-audit --no-fund',
      'sleep 600',
      'aws configure set profile.target.role_arn arn:aws:iam::222222222222:role/cdk-hnb659fds-lookup-role-222222222222-eu-west-1',
      'aws configure set profile.target.credential_source EcsContainer',
      `aws cloudwatch describe-alarms --profile target --region eu-west-1 --alarm-types MetricAlarm CompositeAlarm --output json --alarm-names ${probeGateAlarmNames(prod, region).join(' ')} > alarms.json`,
      'npm run -s probe-gate -- --env prod --region eu-west-1 --alarms alarms.json',
    ]);
  });

  it('starts itself every Monday 09:00 UTC, as a role that may start this pipeline only', () => {
    const schedule = Object.values(resources).find((r) => r.Type === 'AWS::Scheduler::Schedule')!.Properties;
    expect(schedule).toMatchObject({
      Name: 'gigascale-weekly',
      ScheduleExpression: 'cron(0 9 ? * MON *)',
      ScheduleExpressionTimezone: 'UTC',
      State: 'ENABLED',
      Target: { Arn: 'arn:aws:scheduler:::aws-sdk:codepipeline:startPipelineExecution', Input: '{"Name":"gigascale"}', RetryPolicy: { MaximumRetryAttempts: 0 } },
    });
    const policy = Object.values(resources).find((r) => r.Type === 'AWS::IAM::ManagedPolicy' && r.Properties.Description === 'Start gigascale, and nothing else')!;
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      { Sid: 'StartPipeline', Effect: 'Allow', Action: 'codepipeline:StartPipelineExecution', Resource: expect.objectContaining({ 'Fn::Join': expect.any(Array) }) },
    ]);
  });
});

describe('the probe gate', () => {
  const region = () => prod.regions[0];
  const answer = (states: Record<string, string>) => ({
    MetricAlarms: Object.entries(states).filter(([n]) => !n.endsWith('region-unhealthy')).map(([AlarmName, StateValue]) => ({ AlarmName, StateValue })),
    CompositeAlarms: Object.entries(states).filter(([n]) => n.endsWith('region-unhealthy')).map(([AlarmName, StateValue]) => ({ AlarmName, StateValue })),
  });
  const allOk = () => Object.fromEntries(probeGateAlarmNames(prod, region()).map((n) => [n, 'OK']));

  it('reads the region composite, each probe check\'s P95 and error rate, and each flow\'s alarm', () => {
    const names = probeGateAlarmNames(prod, region());
    // 10 checks; 6 flows have in-cluster checks standing for them (lib/views/flow-probes.ts).
    expect(names.length).toBe(1 + 10 * 2 + 6);
    expect(names.slice(0, 3)).toEqual(['gigascale-prod-us-east-1-region-unhealthy', 'gigascale-prod-us-east-1-probe-postgres.select1-p95', 'gigascale-prod-us-east-1-probe-postgres.select1-error-rate']);
    expect(names.at(-1)).toBe('gigascale-prod-us-east-1-probe-flow-profile.read.replica-read-p95');
  });

  it('passes only when every alarm exists and is OK', () => {
    const names = probeGateAlarmNames(prod, region());
    expect(probeGateVerdict(names, answer(allOk())).ok).toBe(true);
    const states: Record<string, string> = { ...allOk(), [names[1]]: 'ALARM', [names[2]]: 'INSUFFICIENT_DATA' };
    delete states[names[5]];
    const verdict = probeGateVerdict(names, answer(states));
    expect(verdict.ok).toBe(false);
    expect(verdict.rows.filter((r) => r.state !== 'OK')).toEqual([
      { alarm: names[1], state: 'ALARM' },
      { alarm: names[2], state: 'INSUFFICIENT_DATA' },
      { alarm: names[5], state: 'missing' },
    ]);
    expect(() => probeGateVerdict(names, { Alarms: [] })).toThrow('is not the JSON of aws cloudwatch describe-alarms --alarm-types MetricAlarm CompositeAlarm (MetricAlarms and CompositeAlarms arrays)');
  });

  it('exits 0 on a healthy region, 1 naming what is not OK, 2 on a file that is not an answer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gigascale-probe-gate-'));
    const names = probeGateAlarmNames(prod, region());
    writeFileSync(join(dir, 'ok.json'), JSON.stringify(answer(allOk())));
    writeFileSync(join(dir, 'alarm.json'), JSON.stringify(answer({ ...allOk(), [names[0]]: 'ALARM' })));
    writeFileSync(join(dir, 'bad.json'), '{"Alarms": []}');
    const gate = (file: string) => runTsx(['bin/probe-gate.ts', '--env', 'prod', '--region', 'us-east-1', '--alarms', join(dir, file)], { cwd: ROOT });
    const [ok, alarm, bad] = await Promise.all([gate('ok.json'), gate('alarm.json'), gate('bad.json')]);
    expect([ok.code, ok.stdout.trim().split('\n').at(-1)]).toEqual([0, 'probe gate passed: 27 alarms of prod us-east-1 OK']);
    expect([alarm.code, alarm.stdout.trim().split('\n').at(-1)]).toEqual([
      1,
      'probe gate failed: 1 of 27 alarms of prod us-east-1 not OK (gigascale-prod-us-east-1-region-unhealthy ALARM); the promotion stops here',
    ]);
    expect([bad.code, bad.stderr]).toEqual([
      2,
      `gigascale: Unreadable alarms (1 problem):\n  - ${join(dir, 'bad.json')}: is not the JSON of aws cloudwatch describe-alarms --alarm-types MetricAlarm CompositeAlarm (MetricAlarms and CompositeAlarms arrays)\n`,
    ]);
  });
});
