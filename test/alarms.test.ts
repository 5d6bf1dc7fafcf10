/**
 * Tier alarms (lib/views/alarm-catalog.ts, stacks/observability/tier-alarms.ts): every stage of the default config has
 * every tier's alarms, with thresholds equal to the plan's figures, notifying the region's topic; composites roll them
 * up per tier and per region; the topics have the config's subscriptions; and the config refuses a production
 * environment whose alarms would reach nobody.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- CloudFormation properties are read as parsed JSON */
import { beforeAll, describe, expect, it } from 'vitest';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { EnvironmentPlan, Plan } from '../lib/plan';
import { ALARM_TIERS, MAX_COMPOSITE_CHILDREN } from '../lib/facts/alarms';
import { alarmTopicName, canaryAlarmName, flowAlarmName, probeAlarmName, regionCompositeName } from '../lib/facts/names/observability';
import { FLOW_NAMES } from '../lib/facts/flows';
import { regionFlowProbes } from '../lib/views/flow-probes';
import { IN_CLUSTER_PROBE_CHECKS } from '../lib/views/probe-target';
import { alarmSets, regionAlarmCatalog, type AlarmSet, type AlarmSpec } from '../lib/views/alarm-catalog';
import { TierAlarms } from '../stacks/observability/tier-alarms';
import type { RegionStage } from '../stacks/stage';
import { configWith, env, problems } from './support/config';
import { planOf, stagesOf } from './support/synth';

type Resource = { Type: string; Properties: Record<string, any>; DependsOn?: string[] };

let plan: Plan;
let stages: RegionStage[];
/** Per stage: every CloudWatch alarm and composite of every stack, by alarm name, with the stack that holds it. */
const alarmsByStage = new Map<string, Map<string, { stack: string; resource: Resource }>>();
const subscriptionsByStage = new Map<string, Resource[]>();

beforeAll(() => {
  plan = planOf();
  stages = stagesOf(plan).stages;
  for (const s of stages) {
    const alarms = new Map<string, { stack: string; resource: Resource }>();
    const subscriptions: Resource[] = [];
    for (const stack of s.node.children.filter((c): c is Stack => c instanceof Stack)) {
      const resources = Template.fromStack(stack).toJSON().Resources as Record<string, Resource>;
      for (const r of Object.values(resources)) {
        if (r.Type === 'AWS::CloudWatch::Alarm' || r.Type === 'AWS::CloudWatch::CompositeAlarm') alarms.set(r.Properties.AlarmName, { stack: stack.stackName, resource: r });
        if (r.Type === 'AWS::SNS::Subscription') subscriptions.push(r);
      }
    }
    alarmsByStage.set(s.stageName, alarms);
    subscriptionsByStage.set(s.stageName, subscriptions);
  }
});

const envOf = (name: string): EnvironmentPlan => plan.environments.find((e) => e.name === name)!;
const catalogOf = (s: RegionStage) => {
  const e = envOf(s.stageName.split('-')[0]);
  return regionAlarmCatalog(e, e.regions.find((r) => `${e.name}-${r.name}` === s.stageName)!);
};
const thresholds = (stageName: string, suffix: string) =>
  [...alarmsByStage.get(stageName)!].filter(([name]) => name.endsWith(suffix)).map(([, a]) => a.resource.Properties.Threshold as number);

describe('tier alarms in the default stages', () => {
  it('renders every alarm of the catalog, in its tier\'s stack, notifying the region\'s topic on ALARM and OK', () => {
    const counts: string[] = [];
    for (const s of stages) {
      const [envName, ...rest] = s.stageName.split('-');
      const region = rest.join('-');
      const alarms = alarmsByStage.get(s.stageName)!;
      const catalog = catalogOf(s);
      const topic = `arn:aws:sns:${region}:${envOf(envName).account}:${alarmTopicName(envName, region)}`;
      const stackOf = (set: AlarmSet) => `${s.stageName}-${set.tier === 'data' ? set.scope.replace('data-shards', 'shard-alarms') : set.tier}`;
      for (const set of alarmSets(catalog)) {
        for (const spec of set.alarms) {
          const found = alarms.get(spec.name);
          expect(found, spec.name).toBeDefined();
          expect(found!.stack).toBe(stackOf(set));
          const p = found!.resource.Properties;
          expect([p.Threshold, p.ComparisonOperator, p.EvaluationPeriods, p.DatapointsToAlarm, p.TreatMissingData], spec.name).toEqual([
            spec.threshold,
            spec.comparison === 'above' ? 'GreaterThanThreshold' : 'LessThanThreshold',
            spec.evaluationPeriods,
            spec.datapointsToAlarm,
            'notBreaching',
          ]);
          expect([p.AlarmActions, p.OKActions, p.AlarmDescription]).toEqual([[topic], [topic], spec.description]);
          expect(spec.description).toMatch(/\. Runbook: \S/);
        }
      }
      const perTier = ALARM_TIERS.map((t) => `${t} ${alarmSets(catalog).filter((x) => x.tier === t).reduce((n, x) => n + x.alarms.length, 0)}`);
      counts.push(`${s.stageName}: ${perTier.join(', ')}`);
    }
    console.log(`tier alarms per stage:\n${counts.join('\n')}`);
  });

  it('has no alarm but the catalog\'s, the probe\'s, the canary\'s and the composites', () => {
    for (const s of stages) {
      const [envName, ...rest] = s.stageName.split('-');
      const region = rest.join('-');
      const catalog = catalogOf(s);
      const expected = new Set([
        ...alarmSets(catalog).flatMap((set) => [...set.alarms.map((a) => a.name), set.compositeName]),
        ...IN_CLUSTER_PROBE_CHECKS.flatMap((c) => [probeAlarmName(envName, region, c, 'p95'), probeAlarmName(envName, region, c, 'error-rate')]),
        ...regionFlowProbes(envOf(envName), region, IN_CLUSTER_PROBE_CHECKS).map((p) => flowAlarmName(envName, region, p.flow)),
        canaryAlarmName(envName, region),
        regionCompositeName(envName, region),
      ]);
      const parts = [...alarmsByStage.get(s.stageName)!.keys()].filter((n) => !expected.has(n));
      // Composites over more than 100 alarms split into numbered parts (`<composite>-1`, ...).
      expect(parts.every((n) => /-unhealthy-\d+$/.test(n)), parts.join(', ')).toBe(true);
    }
  });

  it('holds the data tier to the plan: RPO, saturation, memory floor, the proxies\' connections and the hop budgets', () => {
    const prod = envOf('prod');
    expect(prod.observability.rpoSeconds).toBe(5);
    expect(prod.capacities.headroom).toBe(1.3);
    // Global and RPO lag exist only where Aurora reports them: the secondary regions.
    expect(thresholds('prod-us-east-1', '-global-replication-lag')).toEqual([]);
    expect(thresholds('prod-us-west-2', '-global-replication-lag')).toEqual(Array(prod.shards).fill(5000));
    expect(thresholds('prod-eu-west-1', '-rpo-lag')).toEqual(Array(prod.shards).fill(5000));
    expect(thresholds('prod-us-east-1', '-replica-lag')).toEqual(Array(prod.shards).fill(5000));
    expect(thresholds('prod-us-east-1', '-cpu-writer')).toEqual(Array(prod.shards).fill(76.9));
    expect(thresholds('prod-us-west-2', '-cpu-writer')).toEqual([]);
    expect(thresholds('prod-us-west-2', '-cpu-reader')).toEqual(Array(prod.shards).fill(76.9));
    // db.r7g.2xlarge: 64 GiB, 5 % of it.
    expect(prod.database.instanceClass).toBe('db.r7g.2xlarge');
    expect(thresholds('prod-us-east-1', '-freeable-memory')).toEqual(Array(prod.shards).fill(Math.round(64 * 1024 ** 3 * 0.05)));
    // 90 % of max_connections 2000: what the proxies may take.
    expect(prod.database.maxConnections).toBe(2000);
    expect(thresholds('prod-us-east-1', '-connections')).toEqual(Array(prod.shards).fill(1800));
    // Proxy latencies in microseconds: db.write in the write region, replica.read elsewhere (10 ms each by default).
    expect(thresholds('prod-us-east-1', '-proxy-query-latency')).toEqual(Array(prod.shards).fill(prod.latencyBudgets.hopsMs['db.write'] * 1000));
    expect(thresholds('prod-eu-west-1', '-proxy-borrow-latency')).toEqual(Array(prod.shards).fill(prod.latencyBudgets.hopsMs['replica.read'] * 1000));
    const statistic = alarmsByStage.get('prod-us-east-1')!.get('gigascale-prod-us-east-1-data-shard-0003-proxy-query-latency')!.resource.Properties;
    expect([statistic.ExtendedStatistic, statistic.Namespace, statistic.MetricName, statistic.Dimensions]).toEqual([
      'p95',
      'AWS/RDS',
      'QueryDatabaseResponseLatency',
      [{ Name: 'ProxyName', Value: 'gigascale-prod-shard-0003' }],
    ]);
  });

  it('holds every cache node to the phase\'s hit-rate target and the plan\'s saturation', () => {
    const prod = envOf('prod');
    const nodes = prod.cache.shards * (prod.cache.replicasPerShard + 1);
    expect(thresholds('prod-us-east-1', '-hit-rate')).toEqual(Array(nodes).fill(95));
    expect(thresholds('dev-us-east-1', '-hit-rate')).toEqual(Array(envOf('dev').cache.shards * (envOf('dev').cache.replicasPerShard + 1)).fill(90));
    expect(thresholds('prod-us-east-1', '-engine-cpu')).toEqual(Array(nodes).fill(76.9));
    expect(thresholds('prod-us-east-1', '-evictions')).toEqual(Array(nodes).fill(0));
    const node = alarmsByStage.get('prod-us-east-1')!.get('gigascale-prod-us-east-1-cache-node-0001-002-replication-lag')!.resource.Properties;
    expect([node.Threshold, node.Dimensions]).toEqual([5, [{ Name: 'CacheClusterId', Value: 'gigascale-prod-0001-002' }]]);
  });

  it('alarms on each consumer group\'s lag per topic, and on disk and partitions only for Standard brokers', () => {
    expect(thresholds('prod-us-east-1', '-consumer-lag')).toEqual(Array(5).fill(60));
    const lag = alarmsByStage.get('prod-us-east-1')!.get('gigascale-prod-us-east-1-bus-memory-user-actions-consumer-lag')!.resource.Properties;
    expect(lag.Dimensions).toEqual([
      { Name: 'Cluster Name', Value: 'gigascale-prod-bus' },
      { Name: 'Consumer Group', Value: 'gigascale.memory' },
      { Name: 'Topic', Value: 'user-actions' },
    ]);
    // prod runs Express brokers (managed storage): CPU only; dev's Standard brokers also get disk and partition alarms.
    expect(envOf('prod').bus.express).toBe(true);
    expect(thresholds('prod-us-east-1', '-cpu').length - thresholds('prod-us-east-1', '-engine-cpu').length).toBe(envOf('prod').regions[0].bus.brokers);
    expect(thresholds('prod-us-east-1', '-disk')).toEqual([]);
    const dev = envOf('dev').regions[0].bus.brokers;
    expect([thresholds('dev-us-east-1', '-disk').length, thresholds('dev-us-east-1', '-under-replicated').length, thresholds('dev-us-east-1', '-offline-partitions')]).toEqual([dev, dev, [0]]);
  });

  it('holds the ALB to the error-rate limit and the hops behind it, and target groups to the replica floors', () => {
    const prod = envOf('prod');
    // The slowest request behind the ALB is a memory write: gateway 2 + service 5 + db.write 10 + kafka.produce 5 ms,
    // plus the round trip to us-east-1 outside it.
    const rtt = (r: string) => prod.latencyBudgets.rttToWriteRegion[r].ms;
    for (const r of ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-1']) {
      expect(thresholds(`prod-${r}`, '-alb-target-p95'), r).toEqual([(22 + rtt(r)) / 1000]);
    }
    expect(thresholds('prod-us-east-1', '-5xx-rate')).toEqual([0.1]);
    expect(thresholds('prod-us-east-1', '-gateway-healthy-targets')).toEqual([prod.compute.workloads.gateway.minReplicas]);
    expect(thresholds('prod-us-east-1', '-turn-udp-healthy-targets')).toEqual([prod.compute.turn.minReplicas]);
  });

  it('evaluates every alarm but the canary\'s 3 of 5 minutes, and the origin token syncs\' on errors in three 5-minute runs in a row', () => {
    const byWindow = new Map<string, string[]>();
    for (const [name, a] of alarmsByStage.get('prod-us-east-1')!) {
      const p = a.resource.Properties;
      if (a.resource.Type !== 'AWS::CloudWatch::Alarm' || name === canaryAlarmName('prod', 'us-east-1')) continue;
      const key = `${p.Period ?? p.Metrics?.find((m: any) => m.MetricStat)?.MetricStat.Period} s, ${p.DatapointsToAlarm} of ${p.EvaluationPeriods}`;
      byWindow.set(key, [...(byWindow.get(key) ?? []), name]);
    }
    expect([...byWindow.keys()].sort()).toEqual(['300 s, 3 of 3', '60 s, 3 of 5']);
    expect(byWindow.get('300 s, 3 of 3')).toEqual(['gigascale-prod-us-east-1-ingress-origin-token-waf-sync-errors', 'gigascale-prod-us-east-1-ingress-origin-token-edge-sync-errors']);
    const edgeSync = alarmsByStage.get('prod-us-east-1')!.get('gigascale-prod-us-east-1-ingress-origin-token-edge-sync-errors')!.resource.Properties;
    expect([edgeSync.Namespace, edgeSync.MetricName, edgeSync.Dimensions, edgeSync.Statistic, edgeSync.Threshold]).toEqual([
      'AWS/Lambda',
      'Errors',
      [{ Name: 'FunctionName', Value: 'gigascale-prod-us-east-1-origin-token-edge-sync' }],
      'Sum',
      0,
    ]);
    expect(edgeSync.AlarmDescription).toMatch(/^prod us-east-1 origin-token: Errors of gigascale-prod-us-east-1-origin-token-edge-sync above 0: .*, in 3 of 3 5-minute periods\. Runbook: /);
    // The edge sync runs in the write region only.
    expect([...alarmsByStage.get('prod-eu-west-1')!.keys()].filter((n) => n.includes('origin-token'))).toEqual(['gigascale-prod-eu-west-1-ingress-origin-token-waf-sync-errors']);
  });

  it('holds the cluster to no failed node and each namespace to the sum of its pods\' planned floors', () => {
    const prod = envOf('prod');
    const services = [...Object.values(prod.compute.workloads), ...Object.values(prod.compute.consumers)].reduce((n, w) => n + w.minReplicas, 0);
    expect(thresholds('prod-eu-west-1', '-compute-cluster-failed-nodes')).toEqual([0]);
    expect(thresholds('prod-eu-west-1', '-compute-gigascale-running-pods')).toEqual([services]);
    expect(thresholds('prod-eu-west-1', '-compute-gigascale-turn-running-pods')).toEqual([prod.compute.turn.minReplicas]);
    const pods = alarmsByStage.get('prod-eu-west-1')!.get('gigascale-prod-eu-west-1-compute-gigascale-running-pods')!.resource.Properties;
    expect([pods.Namespace, pods.MetricName, pods.Statistic, pods.Dimensions]).toEqual([
      'ContainerInsights',
      'namespace_number_of_running_pods',
      'Minimum',
      [{ Name: 'ClusterName', Value: 'gigascale-prod-eu-west-1' }, { Name: 'Namespace', Value: 'gigascale' }],
    ]);
  });

  it('watches every media replication rule of prod, and none in dev (one region, nothing replicates)', () => {
    expect(thresholds('prod-eu-west-1', '-replication-latency')).toEqual([900, 900, 900]);
    expect(thresholds('prod-eu-west-1', '-replication-failed')).toEqual([0, 0, 0]);
    expect(catalogOf(stages.find((s) => s.stageName === 'dev-us-east-1')!).media).toBeNull();
  });

  it('rolls each tier up into a composite, and every tier, probe and canary alarm into the region\'s, which notifies', () => {
    for (const s of stages) {
      const alarms = alarmsByStage.get(s.stageName)!;
      const catalog = catalogOf(s);
      for (const set of alarmSets(catalog)) {
        const composite = alarms.get(set.compositeName)!.resource;
        const parts = [...alarms.keys()].filter((n) => n.startsWith(`${set.compositeName}-`));
        const ruleNames = [composite, ...parts.map((p) => alarms.get(p)!.resource)].flatMap((r) => [...(r.Properties.AlarmRule as string).matchAll(/ALARM\("([^"]+)"\)/g)].map((m) => m[1]));
        expect(new Set(ruleNames)).toEqual(new Set([...set.alarms.map((a) => a.name), ...parts]));
        expect(composite.Properties.AlarmActions).toBeUndefined();
      }
      const region = alarms.get(catalog.regionCompositeName)!.resource.Properties;
      const children = [...(region.AlarmRule as string).matchAll(/ALARM\("([^"]+)"\)/g)].map((m) => m[1]);
      expect(children.slice(0, alarmSets(catalog).length)).toEqual(alarmSets(catalog).map((x) => x.compositeName));
      // Every flow is measured in part by the in-cluster checks: an alarm each.
      expect(children.length).toBe(alarmSets(catalog).length + 2 * IN_CLUSTER_PROBE_CHECKS.length + FLOW_NAMES.length + 1);
      expect(region.AlarmDescription).toContain(`a tier's alarms (${ALARM_TIERS.join(', ')})`);
      expect(region.AlarmActions).toHaveLength(1);
      expect(region.OKActions).toEqual(region.AlarmActions);
    }
    // prod's write region: 16 shards x 7 alarms = 112, two parts of at most 100.
    expect(alarmsByStage.get('prod-us-east-1')!.has('gigascale-prod-us-east-1-data-shards-0-unhealthy-2')).toBe(true);
  });

  it('subscribes the config\'s recipients to every region\'s topic', () => {
    for (const s of stages) {
      const e = envOf(s.stageName.split('-')[0]);
      const subs = subscriptionsByStage.get(s.stageName)!.map((r) => [r.Properties.Protocol, r.Properties.Endpoint]);
      expect(subs).toEqual(e.observability.notifications.emails.map((m) => ['email', m]));
      expect(subs.length).toBeGreaterThan(0);
    }
  });
});

/** A dashboard's body as JSON, with every token (a weak reference, the region) as `<token>`. */
function dashboardBody(resource: Resource): any {
  const body = resource.Properties.DashboardBody;
  const parts: unknown[] = typeof body === 'string' ? [body] : body['Fn::Join'][1];
  return JSON.parse(parts.map((p) => (typeof p === 'string' ? p : '<token>')).join(''));
}

describe('tier dashboards', () => {
  const dashboards = (s: RegionStage) =>
    Object.values(Template.fromStack(s.observability).findResources('AWS::CloudWatch::Dashboard')) as Resource[];

  it('draws, per region, every kind of tier alarm: a line per subject and the alarms\' thresholds as lines', () => {
    for (const s of stages) {
      const tiers = dashboards(s).find((d) => (d.Properties.DashboardName as string).endsWith('-tiers'))!;
      const graphs = dashboardBody(tiers).widgets.filter((w: any) => w.type === 'metric');
      const expected = new Map<string, AlarmSpec[]>();
      for (const spec of alarmSets(catalogOf(s)).flatMap((x) => x.alarms)) expected.set(`${spec.tier} ${spec.what}`, [...(expected.get(`${spec.tier} ${spec.what}`) ?? []), spec]);
      expect(graphs.map((g: any) => g.properties.title)).toEqual([...expected.keys()]);
      for (const g of graphs) {
        const specs = expected.get(g.properties.title)!;
        const labels = g.properties.metrics.map((m: any[]) => m[m.length - 1]).filter((o: any) => o.label !== undefined).map((o: any) => o.label);
        expect(labels, g.properties.title).toEqual(specs.map((x) => x.subject));
        expect(g.properties.annotations.horizontal.map((a: any) => a.value)).toEqual([...new Set(specs.map((x) => x.threshold))].sort((a, b) => a - b));
      }
    }
  });

  it('puts one global dashboard per environment in its write region, with every region\'s composite and probe', () => {
    for (const s of stages) {
      const e = envOf(s.stageName.split('-')[0]);
      const global = dashboards(s).filter((d) => (d.Properties.DashboardName as string) === `gigascale-${e.name}-global`);
      const isWrite = s.stageName === `${e.name}-${e.writeRegion}`;
      expect(global).toHaveLength(isWrite ? 1 : 0);
      if (!isWrite) continue;
      const body = dashboardBody(global[0]);
      expect(body.widgets[0].properties.alarms).toEqual(e.regions.map((r) => `arn:aws:cloudwatch:${r.name}:${e.account}:alarm:${regionCompositeName(e.name, r.name)}`));
      const p95 = body.widgets.find((w: any) => (w.properties.title as string).startsWith(`${IN_CLUSTER_PROBE_CHECKS[0]}: P95 per region`));
      expect(p95.properties.metrics.map((m: any[]) => m[m.length - 1].region)).toEqual(e.regions.map((r) => r.name));
    }
  });
});

describe('observability config', () => {
  it('refuses a phase-4 environment without a recipient, naming the field', () => {
    expect(problems(configWith(env({ phase: 4, observability: {} })))).toEqual([
      'environments.test.observability.notifications: phase 4 serves production traffic, and its alarms would reach nobody: list at least one recipient, ' +
        "emails: ['oncall@example.com'], httpsEndpoints: ['https://...'] (an on-call service's SNS endpoint) or slackChannels: [{ workspaceId: 'T0123ABCD', channelId: 'C0123ABCD' }] (AWS Chatbot)",
    ]);
    // A Slack channel is a recipient too.
    const withSlack = problems(configWith(env({ phase: 4, observability: { notifications: { slackChannels: [{ workspaceId: 'T0123ABCDE', channelId: 'C0123ABCDE' }] } } })));
    expect(withSlack.filter((p) => p.includes('.observability.'))).toEqual([]);
  });

  it('refuses malformed recipients and RPOs, each with its path', () => {
    expect(problems(configWith(env({ observability: { notifications: { emails: ['oncall'], httpsEndpoints: ['http://events.example.com/x'] }, rpoSeconds: 0 } })))).toEqual([
      'environments.test.observability.notifications.emails[0]: must be an e-mail address like oncall@example.com, got "oncall"',
      'environments.test.observability.notifications.httpsEndpoints[0]: must be an https:// URL of an on-call service\'s SNS endpoint (alarms are not sent over plain http), got "http://events.example.com/x"',
      'environments.test.observability.rpoSeconds: must be an integer in 1..3600, got 0',
    ]);
    expect(problems(configWith(env({ observability: { notifications: { slackChannels: [{ workspaceId: 'acme', channelId: '#alarms' }] } } })))).toEqual([
      'environments.test.observability.notifications.slackChannels[0].workspaceId: must be a Slack workspace id like T0123ABCD, as the AWS Chatbot console shows it once the workspace is authorized, got "acme"',
      'environments.test.observability.notifications.slackChannels[0].channelId: must be a Slack channel id like C0123ABCD, the end of the channel\'s link, got "#alarms"',
    ]);
  });

  it('resolves recipients sorted and unique, and the RPO with its default', () => {
    const slack = (workspaceId: string, channelId: string) => ({ workspaceId, channelId });
    const notifications = {
      emails: ['b@example.com', 'a@example.com', 'b@example.com'],
      httpsEndpoints: ['https://x.example.com/h'],
      slackChannels: [slack('T0000000B', 'C0000000A'), slack('T0000000A', 'C0000000B'), slack('T0000000B', 'C0000000A')],
    };
    const plan = planOf({}, configWith(env({ observability: { notifications } })));
    expect(plan.environments[0].observability).toEqual({
      notifications: {
        emails: ['a@example.com', 'b@example.com'],
        httpsEndpoints: ['https://x.example.com/h'],
        slackChannels: [slack('T0000000A', 'C0000000B'), slack('T0000000B', 'C0000000A')],
      },
      rpoSeconds: 5,
    });
  });
});

describe('TierAlarms', () => {
  const spec = (i: number): AlarmSpec => ({
    tier: 'cache',
    subject: `s${i}`,
    what: 'w',
    id: `A${i}`,
    name: `a-${String(i).padStart(3, '0')}`,
    description: 'd. Runbook: r',
    metrics: { m: { namespace: 'N', metricName: 'M', dimensions: { D: String(i) }, statistic: 'Maximum' } },
    threshold: 1,
    comparison: 'above',
    periodSeconds: 60,
    evaluationPeriods: 5,
    datapointsToAlarm: 3,
  });
  const set = (n: number): AlarmSet => ({ tier: 'cache', scope: 'cache', compositeName: 'c-unhealthy', alarms: Array.from({ length: n }, (_, i) => spec(i)) });
  const stack = () => new Stack(new App(), 'S', { env: { account: '123456789012', region: 'eu-west-1' } });

  it('splits a composite over more than 100 alarms into parts of at most 100 and one over the parts', () => {
    const s = stack();
    new TierAlarms(s, 'Alarms', { set: set(250), environment: 'test' });
    const composites = Object.values(Template.fromStack(s).findResources('AWS::CloudWatch::CompositeAlarm')) as Resource[];
    const rules = Object.fromEntries(composites.map((c) => [c.Properties.AlarmName, (c.Properties.AlarmRule as string).split(' OR ').length]));
    expect(rules).toEqual({ 'c-unhealthy': 3, 'c-unhealthy-1': MAX_COMPOSITE_CHILDREN, 'c-unhealthy-2': MAX_COMPOSITE_CHILDREN, 'c-unhealthy-3': 50 });
  });

  it('refuses a set whose dimensions need a reference it was not given', () => {
    const withRef: AlarmSet = { ...set(1), alarms: [{ ...spec(0), metrics: { m: { ...spec(0).metrics.m, dimensions: { LoadBalancer: { ref: 'loadBalancer' } } } } }] };
    expect(() => new TierAlarms(stack(), 'Alarms', { set: withRef, environment: 'test' })).toThrow(
      'Invalid TierAlarms props (1 problem):\n  - S/Alarms refs.loadBalancer: is used by a dimension of the set\'s alarms and must be given',
    );
  });
});
