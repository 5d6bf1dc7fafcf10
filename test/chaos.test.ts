/**
 * The failure experiments (lib/views/chaos-plan.ts, stacks/chaos): which each region has, what FIS would refuse and
 * the construct refuses with it, the weekly window they run in, the config that turns it on, and the templates and
 * schedules the chaos stack renders, through the stage bin/app.ts deploys.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Match, Template } from 'aws-cdk-lib/assertions';
import defaultConfig from '../regions.config';
import type { EnvironmentPlan } from '../lib/plan';
import { FIS_ACTIONS } from '../lib/facts/fis-actions';
import { regionCompositeName } from '../lib/facts/names/observability';
import { environmentChaosPlan, experimentProblems, rebootCandidates, type ExperimentSpec } from '../lib/views/chaos-plan';
import { weeklyCron, weeklyTime } from '../lib/facts/week';
import { chaosPlanJson, formatChaosPlan } from '../lib/views/chaos-report';
import { Experiment } from '../stacks/chaos/experiment';
import { Testing } from 'cdk8s';
import { FisChart } from '../k8s/fis-chart';
import type { RegionStage } from '../stacks/stage';
import { configWith, env, problems } from './support/config';
import { defaultSynth } from './support/default-synth';
import { runTsx } from './support/process';
import { newApp, planOf, ROOT, stage, stagesOf } from './support/synth';

type Resource = { Type: string; Properties: Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any

let prod: EnvironmentPlan;
let dev: EnvironmentPlan;
beforeAll(() => {
  [dev, prod] = planOf().environments;
});

const experimentsOf = (e: EnvironmentPlan) => environmentChaosPlan(e).flatMap((r) => r.experiments);

describe('the experiments of each region', () => {
  it('gives every prod region its experiments, the write region the failover and the others the cut from it', () => {
    expect(Object.fromEntries(environmentChaosPlan(prod).map((r) => [r.region, r.experiments.map((e) => e.key)]))).toEqual({
      'us-east-1': ['aurora-failover', 'aurora-reader-reboot', 'cache-az-power', 'az-node-loss', 'chat-pod-delete', 'az-network-cut', 'media-replication-pause'],
      'us-west-2': ['aurora-reader-reboot', 'cache-az-power', 'az-node-loss', 'chat-pod-delete', 'az-network-cut', 'write-region-cut', 'media-replication-pause'],
      'eu-west-1': ['aurora-reader-reboot', 'cache-az-power', 'az-node-loss', 'chat-pod-delete', 'az-network-cut', 'write-region-cut', 'media-replication-pause'],
      'ap-southeast-1': ['aurora-reader-reboot', 'cache-az-power', 'az-node-loss', 'chat-pod-delete', 'az-network-cut', 'write-region-cut', 'media-replication-pause'],
    });
    // One region: nothing to cut it from, nowhere to replicate to.
    expect(environmentChaosPlan(dev).map((r) => r.experiments.map((e) => e.key))).toEqual([['aurora-failover', 'aurora-reader-reboot', 'cache-az-power', 'az-node-loss', 'chat-pod-delete', 'az-network-cut']]);
  });

  it('stops every experiment on its region composite, with at most 5 stop conditions, and finds nothing FIS or gigascale would refuse', () => {
    for (const r of environmentChaosPlan(prod)) {
      for (const e of r.experiments) {
        expect(e.stopAlarms[0], e.name).toBe(regionCompositeName('prod', r.region));
        expect(e.stopAlarms.length, e.name).toBeLessThanOrEqual(5);
        expect(experimentProblems(e), e.name).toEqual([]);
      }
    }
    expect(experimentsOf(prod).find((e) => e.name === 'gigascale-prod-us-west-2-cache-az-power')!.stopAlarms).toEqual([
      'gigascale-prod-us-west-2-region-unhealthy',
      'gigascale-prod-us-west-2-probe-redis.get-error-rate',
      'gigascale-prod-us-west-2-probe-redis.get-p95',
      'gigascale-prod-us-west-2-probe-redis.set-error-rate',
      'gigascale-prod-us-west-2-probe-redis.set-p95',
    ]);
  });

  // The ids and resource types of the FIS actions reference (https://docs.aws.amazon.com/fis/latest/userguide/fis-actions-reference.html),
  // as lib/facts/fis-actions.ts cites it: every action an experiment uses is one of these, on its resource type.
  const REFERENCE: Record<string, string | null> = {
    'aws:fis:wait': null,
    'aws:rds:failover-db-cluster': 'aws:rds:cluster',
    'aws:rds:reboot-db-instances': 'aws:rds:db',
    'aws:elasticache:replicationgroup-interrupt-az-power': 'aws:elasticache:replicationgroup',
    'aws:ec2:terminate-instances': 'aws:ec2:instance',
    'aws:eks:pod-delete': 'aws:eks:pod',
    'aws:network:disrupt-connectivity': 'aws:ec2:subnet',
    'aws:network:route-table-disrupt-cross-region-connectivity': 'aws:ec2:subnet',
    'aws:s3:bucket-pause-replication': 'aws:s3:bucket',
  };

  it('uses only actions of the FIS reference, each on the resource type the reference gives it', () => {
    expect(Object.fromEntries(Object.entries(FIS_ACTIONS).map(([id, a]) => [id, a.resourceType]))).toEqual(REFERENCE);
    const used = new Set<string>();
    for (const e of experimentsOf(prod)) {
      for (const a of Object.values(e.actions)) {
        used.add(a.actionId);
        expect(Object.keys(REFERENCE), e.name).toContain(a.actionId);
        expect(a.target === undefined ? null : e.targets[a.target].resourceType, `${e.name} ${a.actionId}`).toBe(REFERENCE[a.actionId]);
      }
    }
    expect([...used].sort()).toEqual(Object.keys(REFERENCE).sort());
  });

  it('fails over 2 shards picked at each run and fails them back, and reboots one of 5 named readers of the first shards', () => {
    const failover = experimentsOf(prod).find((e) => e.key === 'aurora-failover')!;
    expect(Object.entries(failover.actions).map(([n, a]) => `${n}: ${a.actionId} ${a.parameters.duration ?? ''} after ${a.startAfter?.join() ?? '-'}`)).toEqual([
      'failover: aws:rds:failover-db-cluster  after -',
      'settle: aws:fis:wait PT5M after failover',
      'failback: aws:rds:failover-db-cluster  after settle',
    ]);
    expect(failover.targets.shards).toMatchObject({ resourceType: 'aws:rds:cluster', selectionMode: 'COUNT(2)', resourceTags: { project: 'gigascale', env: 'prod' } });
    expect(failover.maxMinutes).toBe(10);
    const [writeRegion, secondary] = prod.regions;
    // The first 5 shards; the write region's first reader (-1), elsewhere -0 (every instance reads).
    expect(rebootCandidates(prod, writeRegion)).toEqual(['0000', '0001', '0002', '0003', '0004'].map((s) => `gigascale-prod-shard-${s}-1`));
    expect(rebootCandidates(prod, secondary)).toEqual(['0000', '0001', '0002', '0003', '0004'].map((s) => `gigascale-prod-shard-${s}-0`));
    expect(rebootCandidates(dev, dev.regions[0])).toEqual(['gigascale-dev-shard-0000-1', 'gigascale-dev-shard-0001-1']);
  });

  it('neither fails over nor reboots a reader in a write region without readers', () => {
    const noReaders = planOf({}, configWith(env({ sizes: { database: { writeRegionReaders: 0 } } }))).environments[0];
    expect(environmentChaosPlan(noReaders).map((r) => `${r.region}: ${r.experiments.map((e) => e.key).join(', ')}`)).toEqual([
      'us-east-1: cache-az-power, az-node-loss, chat-pod-delete, az-network-cut, media-replication-pause',
      'eu-west-1: aurora-reader-reboot, cache-az-power, az-node-loss, chat-pod-delete, az-network-cut, write-region-cut, media-replication-pause',
    ]);
  });
});

describe('the pod experiment', () => {
  it('deletes one chat pod, found by its label in the cluster, through FIS\'s pod running as the namespace\'s FIS identity', () => {
    const pods = experimentsOf(prod).find((e) => e.name === 'gigascale-prod-eu-west-1-chat-pod-delete')!;
    expect(pods.actions.delete).toEqual({
      actionId: 'aws:eks:pod-delete',
      description: 'delete one chat pod with no grace period',
      parameters: {
        kubernetesServiceAccount: 'gigascale-fis',
        gracePeriodSeconds: '0',
        fisPodSecurityPolicy: 'restricted',
        fisPodLabels: '{"app.kubernetes.io/name":"gigascale-fis"}',
      },
      target: 'pods',
    });
    expect(pods.targets.pods).toEqual({
      resourceType: 'aws:eks:pod',
      selectionMode: 'COUNT(1)',
      parameters: { clusterIdentifier: 'gigascale-prod-eu-west-1', namespace: 'gigascale', selectorType: 'labelSelector', selectorValue: 'app.kubernetes.io/name=gigascale-chat' },
      iamResources: ['arn:aws:eks:eu-west-1:222222222222:cluster/gigascale-prod-eu-west-1'],
      scope: '1 pod of gigascale-chat in gigascale-prod-eu-west-1',
    });
    expect(experimentProblems({ ...pods, targets: { pods: { ...pods.targets.pods, resourceTags: { app: 'chat' }, parameters: { namespace: 'gigascale' } } } })).toEqual([
      { at: `${pods.name} action delete`, message: 'aws:eks:pod-delete finds its targets by their parameters only: give target pods neither resourceArns nor resourceTags' },
      { at: `${pods.name} action delete`, message: 'target pods of aws:eks:pod-delete needs the parameter "clusterIdentifier"' },
      { at: `${pods.name} action delete`, message: 'target pods of aws:eks:pod-delete needs the parameter "selectorType"' },
      { at: `${pods.name} action delete`, message: 'target pods of aws:eks:pod-delete needs the parameter "selectorValue"' },
    ]);
  });
});

describe('the FIS identity in the workloads\' namespace', () => {
  it('gives FIS\'s pod and the experiment\'s user the Role AWS documents, in the namespace only', () => {
    const objects = Testing.synth(new FisChart(Testing.app(), 'fis')).map((o) => ({ kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace, rules: o.rules, roleRef: o.roleRef, subjects: o.subjects }));
    expect(objects).toEqual([
      { kind: 'ServiceAccount', name: 'gigascale-fis', namespace: 'gigascale', rules: undefined, roleRef: undefined, subjects: undefined },
      {
        kind: 'Role',
        name: 'gigascale-fis',
        namespace: 'gigascale',
        rules: [
          { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'create', 'patch', 'delete'] },
          { apiGroups: [''], resources: ['pods'], verbs: ['create', 'list', 'get', 'delete', 'deletecollection'] },
          { apiGroups: [''], resources: ['pods/ephemeralcontainers'], verbs: ['update'] },
          { apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] },
          { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] },
        ],
        roleRef: undefined,
        subjects: undefined,
      },
      {
        kind: 'RoleBinding',
        name: 'gigascale-fis',
        namespace: 'gigascale',
        rules: undefined,
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'gigascale-fis' },
        subjects: [
          { kind: 'ServiceAccount', name: 'gigascale-fis', namespace: 'gigascale' },
          { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'gigascale-fis-experiment' },
        ],
      },
    ]);
  });
});

describe('what an experiment is refused for', () => {
  const good = (): ExperimentSpec => experimentsOf(prod).find((e) => e.name === 'gigascale-prod-us-west-2-cache-az-power')!;
  const name = 'gigascale-prod-us-west-2-cache-az-power';

  it('refuses one no alarm stops, and one with more stop conditions than FIS allows', () => {
    expect(experimentProblems({ ...good(), stopAlarms: [] })).toEqual([
      { at: name, message: 'has no stop condition: name at least one CloudWatch alarm that stops the experiment when the region suffers' },
    ]);
    expect(experimentProblems({ ...good(), stopAlarms: ['a', 'b', 'c', 'd', 'e', 'f'] })).toEqual([
      { at: name, message: 'has 6 stop conditions, FIS allows 5: keep the alarms closest to the fault' },
    ]);
  });

  it('refuses a timed fault without a duration, and faults that outlast the bound', () => {
    const e = good();
    const interrupt = e.actions.interrupt;
    expect(experimentProblems({ ...e, actions: { interrupt: { ...interrupt, parameters: {} } } })).toEqual([
      { at: `${name} action interrupt`, message: 'aws:elasticache:replicationgroup-interrupt-az-power requires the parameter "duration"' },
    ]);
    expect(experimentProblems({ ...e, actions: { interrupt: { ...interrupt, parameters: { duration: 'PT1H' } } } })).toEqual([
      { at: `${name} action interrupt`, message: 'duration "PT1H" is not whole minutes in ISO 8601 (PT5M)' },
    ]);
    expect(
      experimentProblems({
        ...e,
        actions: { interrupt, again: { ...interrupt, startAfter: ['interrupt'] } },
      }),
    ).toEqual([{ at: name, message: 'its timed actions run 10 minutes in sequence, beyond its bound of 5' }]);
    expect(experimentProblems({ ...e, maxMinutes: 45 })).toEqual([
      { at: name, message: 'may run 45 minutes: bound it to whole minutes, 1 to 30 (its slot in the weekly window)' },
    ]);
  });

  it('refuses what FIS would: an unknown action, a wrong target, ARNs where it takes tags, more targets than its quota, an unbounded ALL', () => {
    const e = good();
    const cache = e.targets.cache;
    expect(
      experimentProblems({
        ...e,
        actions: {
          interrupt: { ...e.actions.interrupt, startAfter: ['nothing'] },
          typo: { actionId: 'aws:elasticache:interrupt-az' as never, description: '', parameters: {} },
        },
        targets: {
          cache: { ...cache, resourceTags: undefined, resourceArns: ['arn:aws:elasticache:us-west-2:222222222222:replicationgroup:gigascale-prod'], parameters: { zone: 'a' } },
          spare: { ...cache, selectionMode: 'SOME' },
        },
      }),
    ).toEqual([
      { at: `${name} action interrupt`, message: 'starts after "nothing", which is not an action of the experiment' },
      { at: `${name} action interrupt`, message: 'aws:elasticache:replicationgroup-interrupt-az-power finds its targets by tags only: give target cache resourceTags, not resourceArns' },
      { at: `${name} action interrupt`, message: 'target cache of aws:elasticache:replicationgroup-interrupt-az-power takes no parameter "zone"' },
      { at: `${name} action typo`, message: '"aws:elasticache:interrupt-az" is not an action gigascale knows: add it to lib/facts/fis-actions.ts with its source' },
      { at: `${name} target spare`, message: 'is not the target of any action: remove it' },
      { at: `${name} target spare`, message: 'selection mode "SOME" is not ALL, COUNT(n) or PERCENT(n)' },
    ]);
    const nodes = experimentsOf(prod).find((x) => x.key === 'az-node-loss')!;
    expect(experimentProblems({ ...nodes, targets: { nodes: { ...nodes.targets.nodes, selectionMode: 'COUNT(6)' } } })).toEqual([
      { at: `${nodes.name} action terminate`, message: 'target nodes picks 6 resources, FIS allows aws:ec2:terminate-instances 5' },
    ]);
    expect(experimentProblems({ ...nodes, targets: { nodes: { ...nodes.targets.nodes, selectionMode: 'ALL', filters: undefined, resourceTags: { project: 'gigascale', env: 'prod' }, iamResources: ['*'] } } })).toEqual([
      {
        at: `${nodes.name} target nodes`,
        message: "selects ALL of the environment's resources of its type: pick COUNT(n) or PERCENT(n), or narrow it with filters, a target parameter or a finer tag",
      },
      { at: `${nodes.name} target nodes`, message: 'must name the resources its role may act on (IAM ARNs), not *' },
    ]);
  });

  it('is refused by the construct at synth, with every problem', () => {
    const stack = new Stack(newApp(), 'Test', { env: { account: '222222222222', region: 'us-west-2' } });
    const logGroup = new logs.LogGroup(stack, 'Logs');
    expect(() => new Experiment(stack, 'Bad', { spec: { ...good(), stopAlarms: [], maxMinutes: 0 }, logGroup })).toThrow(
      [
        `Experiment ${name} refused (3 problems):`,
        `  - ${name}: has no stop condition: name at least one CloudWatch alarm that stops the experiment when the region suffers`,
        `  - ${name}: may run 0 minutes: bound it to whole minutes, 1 to 30 (its slot in the weekly window)`,
        `  - ${name}: its timed actions run 5 minutes in sequence, beyond its bound of 0`,
      ].join('\n'),
    );
    expect(() => new Experiment(stack, 'Good', { spec: good(), logGroup })).not.toThrow();
  });
});

describe('the weekly window', () => {
  it('runs one experiment at a time, 30 minutes each, the write region first', () => {
    const times = environmentChaosPlan(prod).flatMap((r) => r.experiments.map((e) => `${r.region} ${e.key} ${weeklyCron(e.schedule)}`));
    expect(times.slice(0, 7)).toEqual([
      'us-east-1 aurora-failover cron(0 14 ? * TUE *)',
      'us-east-1 aurora-reader-reboot cron(30 14 ? * TUE *)',
      'us-east-1 cache-az-power cron(0 15 ? * TUE *)',
      'us-east-1 az-node-loss cron(30 15 ? * TUE *)',
      'us-east-1 chat-pod-delete cron(0 16 ? * TUE *)',
      'us-east-1 az-network-cut cron(30 16 ? * TUE *)',
      'us-east-1 media-replication-pause cron(0 17 ? * TUE *)',
    ]);
    expect(times[7]).toBe('us-west-2 aurora-reader-reboot cron(30 17 ? * TUE *)');
    expect(times.at(-1)).toBe('ap-southeast-1 media-replication-pause cron(30 3 ? * WED *)');
    expect(new Set(times.map((t) => t.split(' ').slice(2).join(' '))).size).toBe(times.length);
  });

  it('wraps around the week', () => {
    expect(weeklyTime('SUN', 23, 90)).toEqual({ day: 'MON', hour: 0, minute: 30 });
    expect(weeklyTime('MON', 0, 0)).toEqual({ day: 'MON', hour: 0, minute: 0 });
  });

  it('is on by default before phase 4, off from phase 4 until the config turns it on, and opens when the config says', () => {
    expect([dev.chaos.schedule, prod.chaos.schedule]).toEqual([
      { enabled: true, day: 'TUE', startHourUtc: 14 },
      { enabled: false, day: 'TUE', startHourUtc: 14 },
    ]);
    const config = { ...defaultConfig, environments: { prod: { ...defaultConfig.environments.prod, chaos: { schedule: { enabled: true, day: 'SUN', startHourUtc: 23 } } } } } as const;
    const on = planOf({}, config).environments[0];
    expect(on.chaos.schedule).toEqual({ enabled: true, day: 'SUN', startHourUtc: 23 });
    expect(environmentChaosPlan(on)[0].experiments.map((e) => weeklyCron(e.schedule)).slice(0, 3)).toEqual(['cron(0 23 ? * SUN *)', 'cron(30 23 ? * SUN *)', 'cron(0 0 ? * MON *)']);
  });

  it('refuses a bad window, naming each field', () => {
    expect(problems(configWith(env({ chaos: { schedule: { enabled: 'yes' as never, day: 'FUNDAY' as never, startHourUtc: 24 } } })))).toEqual([
      'environments.test.chaos.schedule.enabled: must be true or false, got "yes"',
      'environments.test.chaos.schedule.day: must be one of MON, TUE, WED, THU, FRI, SAT, SUN, got "FUNDAY"',
      'environments.test.chaos.schedule.startHourUtc: must be an integer in 0..23, got 24',
    ]);
  });
});

describe('the chaos stack', () => {
  let devStage: RegionStage;
  let template: Template;
  beforeAll(() => {
    devStage = stage(stagesOf(planOf({ env: 'dev' })).stages, 'dev-us-east-1');
    template = Template.fromStack(devStage.chaos);
  });
  const resources = (type: string) => template.findResources(type) as Record<string, Resource>;

  it('renders each experiment as a template with its stop conditions, log and Name, and a role only FIS may assume for it', () => {
    const templates = Object.values(resources('AWS::FIS::ExperimentTemplate'));
    expect(templates.map((t) => t.Properties.Tags.Name)).toEqual(experimentsOf(dev).map((e) => e.name));
    const failover = templates[0].Properties;
    expect(failover.StopConditions.map((s: { Source: string; Value: string }) => `${s.Source} ${s.Value}`)).toEqual(
      experimentsOf(dev)[0].stopAlarms.map((a) => `aws:cloudwatch:alarm arn:aws:cloudwatch:us-east-1:111111111111:alarm:${a}`),
    );
    const logGroup = Object.keys(resources('AWS::Logs::LogGroup'))[0];
    expect(failover.LogConfiguration).toEqual({ LogSchemaVersion: 2, CloudWatchLogsConfiguration: { LogGroupArn: { 'Fn::GetAtt': [logGroup, 'Arn'] } } });
    expect(failover.ExperimentOptions).toEqual({ AccountTargeting: 'single-account', EmptyTargetResolutionMode: 'fail' });
    expect(failover.Actions.failback).toEqual({ ActionId: 'aws:rds:failover-db-cluster', Description: 'promote the planned writer again', StartAfter: ['settle'], Targets: { Clusters: 'shards' } });
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'gigascale-dev-us-east-1-aurora-failover',
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { Service: 'fis.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' }, ArnLike: { 'aws:SourceArn': 'arn:aws:fis:us-east-1:111111111111:experiment/*' } },
          },
        ],
      },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/gigascale/dev/us-east-1/fis', RetentionInDays: 365, KmsKeyId: Match.anyValue() });
  });

  it('lets each role inject its own fault on its own targets only', () => {
    const policy = (experiment: string) =>
      Object.entries(resources('AWS::IAM::ManagedPolicy')).find(([id]) => id.startsWith(experiment))![1].Properties.PolicyDocument.Statement as { Sid: string; Action: string | string[]; Resource: unknown; Condition?: unknown }[];
    expect(policy('AuroraFailover').filter((s) => s.Sid.endsWith('OnTargets'))).toEqual([
      { Sid: 'failoverOnTargets', Effect: 'Allow', Action: 'rds:FailoverDBCluster', Resource: 'arn:aws:rds:us-east-1:111111111111:cluster:gigascale-dev-shard-*' },
    ]);
    expect(policy('AzNodeLoss').find((s) => s.Sid === 'terminateOnTargets')).toEqual({
      Sid: 'terminateOnTargets',
      Effect: 'Allow',
      Action: 'ec2:TerminateInstances',
      Resource: 'arn:aws:ec2:us-east-1:111111111111:instance/*',
      Condition: { StringEquals: { 'aws:ResourceTag/kubernetes.io/cluster/gigascale-dev-us-east-1': 'owned' } },
    });
    expect(policy('AzNetworkCut').find((s) => s.Sid === 'cutChangeTagged')).toMatchObject({
      Action: ['ec2:CreateNetworkAclEntry', 'ec2:DeleteNetworkAcl'],
      Condition: { StringEquals: { 'aws:ResourceTag/managedByFIS': 'true' } },
    });
  });

  it('schedules each experiment weekly through the FIS API, enabled in dev, never retried', () => {
    const schedules = Object.values(resources('AWS::Scheduler::Schedule')).map((s) => s.Properties);
    expect(schedules.map((s) => `${s.Name} ${s.ScheduleExpression} ${s.State}`)).toEqual(
      experimentsOf(dev).map((e) => `${e.name} ${weeklyCron(e.schedule)} ENABLED`),
    );
    expect(schedules[0]).toMatchObject({
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: { Arn: 'arn:aws:scheduler:::aws-sdk:fis:startExperiment', RetryPolicy: { MaximumRetryAttempts: 0 } },
    });
    expect(JSON.stringify(schedules[0].Target.Input)).toContain('{\\"ClientToken\\":\\"<aws.scheduler.execution-id>\\",\\"ExperimentTemplateId\\":\\"');
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: [{ Sid: 'StartExperiments', Action: 'fis:StartExperiment', Resource: Match.arrayWith(['arn:aws:fis:us-east-1:111111111111:experiment/*']) }] },
    });
  });

  it('maps the pod experiment\'s role, and no other, to the Kubernetes user the namespace\'s RoleBinding names', () => {
    const entries = Object.values(resources('AWS::EKS::AccessEntry')).map((r) => r.Properties);
    expect(entries).toEqual([
      { ClusterName: 'gigascale-dev-us-east-1', PrincipalArn: { 'Fn::GetAtt': [expect.stringMatching(/^ChatPodDeleteRole/), 'Arn'] }, Type: 'STANDARD', Username: 'gigascale-fis-experiment', Tags: expect.any(Array) },
    ]);
  });

  it('deploys after the observability stack whose alarms stop the experiments and the compute stack whose cluster it enters', () => {
    expect(devStage.chaos.dependencies.map((s) => s.stackName)).toEqual(expect.arrayContaining(['dev-us-east-1-observability', 'dev-us-east-1-compute']));
  });

  it('renders prod\'s schedules disabled, and tags the media bucket FIS pauses by tag', async () => {
    const dir = join((await defaultSynth()).outdir, 'assembly-prod-us-west-2');
    // The assembly names a stack's template after its construct path: `produswest2Chaos<hash>.template.json`.
    const read = (stack: string) => {
      const file = readdirSync(dir).find((f) => new RegExp(`^produswest2${stack}[0-9A-F]{8}\\.template\\.json$`).test(f))!;
      return JSON.parse(readFileSync(join(dir, file), 'utf8')) as { Resources: Record<string, Resource> };
    };
    const chaos = read('Chaos');
    const states = Object.values(chaos.Resources).filter((r) => r.Type === 'AWS::Scheduler::Schedule').map((r) => r.Properties.State);
    expect(states).toEqual(Array(7).fill('DISABLED'));
    const cut = Object.values(chaos.Resources).find((r) => r.Type === 'AWS::FIS::ExperimentTemplate' && r.Properties.Tags.Name === 'gigascale-prod-us-west-2-write-region-cut')!;
    expect(cut.Properties.Actions.cut.Parameters).toEqual({ duration: 'PT5M', region: 'us-east-1' });
    const media = Object.values(read('Media').Resources).find((r) => r.Type === 'AWS::S3::Bucket' && r.Properties.BucketName === 'gigascale-prod-media-222222222222-us-west-2')!;
    expect(media.Properties.Tags).toContainEqual({ Key: 'bucket', Value: 'media' });
  });
});

describe('npm run -s chaos -- plan', () => {
  it('prints every experiment of an environment offline, as text and as JSON, from the plan', async () => {
    const [text, json] = await Promise.all([runTsx(['bin/chaos.ts', 'plan', '--env', 'prod'], { cwd: ROOT }), runTsx(['bin/chaos.ts', 'plan', '--env', 'dev', '--json'], { cwd: ROOT })]);
    expect([text.code, text.stderr, json.code, json.stderr]).toEqual([0, '', 0, '']);
    expect(text.stdout).toBe(`${formatChaosPlan(prod)}\n`);
    expect(text.stdout.split('\n')[0]).toBe(
      'prod: 28 experiments in 4 regions, weekly from TUE 14:00 UTC, one at a time; schedules disabled (phase 4 and on: set chaos.schedule.enabled to turn it on)',
    );
    expect(text.stdout).toContain(
      [
        'gigascale-prod-us-west-2-write-region-cut  TUE 20:00 UTC, at most 5 min',
        "  Cuts the region's private subnets off from us-east-1, the write region, for 5 minutes: what the pods send there fails while reads go on",
        '  action cut: aws:network:route-table-disrupt-cross-region-connectivity on subnets (duration=PT5M, region=us-east-1)',
        "  target subnets: aws:ec2:subnet ALL by tags project=gigascale, env=prod, concern=network, aws-cdk:subnet-type=Private: the VPC's 3 private subnets, to us-east-1 only",
        '  stops on: gigascale-prod-us-west-2-region-unhealthy, gigascale-prod-us-west-2-probe-profile.read.origin-error-rate, gigascale-prod-us-west-2-probe-profile.read.origin-p95, gigascale-prod-us-west-2-probe-postgres.memory_read-error-rate, gigascale-prod-us-west-2-probe-postgres.memory_read-p95',
      ].join('\n'),
    );
    expect(JSON.parse(json.stdout)).toEqual(JSON.parse(JSON.stringify(chaosPlanJson(dev))));
    expect(JSON.parse(json.stdout).regions[0].experiments[0]).toMatchObject({ name: 'gigascale-dev-us-east-1-aurora-failover', cron: 'cron(0 14 ? * TUE *)', maxMinutes: 10 });
  });

  it('refuses a missing or unknown command and an unknown environment with exit 2', async () => {
    const runs = await Promise.all([[], ['run'], ['plan', '--env', 'nope']].map((args) => runTsx(['bin/chaos.ts', ...args], { cwd: ROOT })));
    expect(runs.map((r) => [r.code, r.stdout, r.stderr])).toEqual([
      [2, '', 'gigascale: Invalid arguments (1 problem):\n  - <command>: is missing: the command is plan\nusage: npm run -s chaos -- plan [--env <name>] [--json] [--config <file>]\n'],
      [2, '', 'gigascale: Invalid arguments (1 problem):\n  - run: is not a command: the command is plan\nusage: npm run -s chaos -- plan [--env <name>] [--json] [--config <file>]\n'],
      [2, '', 'gigascale: Unknown environment (1 problem):\n  - nope: regions.config.ts has no environment "nope"; pass --env with one of dev, prod\n'],
    ]);
  });
});
