/** test/support/k8s-schema.ts: the schema check the chart tests run on every rendered object. */
import { describe, expect, it } from 'vitest';
import { Testing } from 'cdk8s';
import { validateK8sObject } from './support/k8s-schema';
import { NodePoolsChart } from '../k8s/node-pools-chart';
import { ConsumersChart } from '../k8s/consumers-chart';

const IMAGE = `123456789012.dkr.ecr.us-east-1.amazonaws.com/gigascale/chat@sha256:${'a'.repeat(64)}`;

/** A Deployment as cdk8s-plus renders one, with `container` merged into its only container and `labels` into its labels. */
function deployment(container: Record<string, unknown> = {}, labels: Record<string, string> = {}): Record<string, unknown> {
  const selector = { 'app.kubernetes.io/name': 'chat' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'chat', namespace: 'gigascale', labels: { ...selector, 'app.kubernetes.io/part-of': 'gigascale', ...labels } },
    spec: {
      replicas: 2,
      selector: { matchLabels: selector },
      template: {
        metadata: { labels: selector },
        spec: {
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000 },
          containers: [
            {
              name: 'main',
              image: IMAGE,
              ports: [{ containerPort: 8080, name: 'http' }],
              resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '256Mi' } },
              securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
              ...container,
            },
          ],
        },
      },
    },
  };
}

function targetGroupBinding(spec: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: 'elbv2.k8s.aws/v1beta1', kind: 'TargetGroupBinding', metadata: { name: 'chat', namespace: 'gigascale' }, spec };
}

function secretProviderClass(spec: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: 'secrets-store.csi.x-k8s.io/v1', kind: 'SecretProviderClass', metadata: { name: 'shard-secrets', namespace: 'gigascale' }, spec };
}

const TARGET_GROUP_ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/chat/0123456789abcdef';

describe('validateK8sObject', () => {
  it('passes a valid Deployment', () => {
    expect(validateK8sObject(deployment())).toEqual([]);
  });

  it('refuses a string containerPort and names the path', () => {
    expect(validateK8sObject(deployment({ ports: [{ containerPort: '80' }] }))).toEqual([
      'Deployment/chat: spec.template.spec.containers[0].ports[0].containerPort must be integer',
    ]);
  });

  it('refuses a field the built-in schema does not have', () => {
    expect(validateK8sObject(deployment({ imagePullPolicyy: 'Always' }))).toEqual([
      'Deployment/chat: spec.template.spec.containers[0].imagePullPolicyy unknown field (not in the Kubernetes 1.33 schema)',
    ]);
  });

  it('refuses a kind it has no schema for and says where to add one', () => {
    expect(validateK8sObject({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'gigascale' } })).toEqual([
      'Widget/w: no schema for example.com/v1 Widget; add it to test/support/k8s-schema.ts',
    ]);
  });

  it('passes a TargetGroupBinding with the fields of the CRD', () => {
    const tgb = targetGroupBinding({ serviceRef: { name: 'chat', port: 8080 }, targetGroupARN: TARGET_GROUP_ARN, targetType: 'ip' });
    expect(validateK8sObject(tgb)).toEqual([]);
  });

  it('refuses a TargetGroupBinding with a misspelled field', () => {
    const tgb = targetGroupBinding({ serviceRef: { name: 'chat', port: 8080 }, targetGroupArn: TARGET_GROUP_ARN, targetType: 'ip' });
    expect(validateK8sObject(tgb)).toEqual(['TargetGroupBinding/chat: spec.targetGroupArn unknown field (not in the schema)']);
  });

  it('passes a SecretProviderClass with the fields of the CRD', () => {
    const spc = secretProviderClass({
      provider: 'aws',
      parameters: { objects: '- objectName: "gigascale/prod/shard-0000"\n  objectType: "secretsmanager"\n' },
      secretObjects: [{ secretName: 'shard-0000', type: 'Opaque', data: [{ objectName: 'gigascale/prod/shard-0000', key: 'password' }] }],
    });
    expect(validateK8sObject(spc)).toEqual([]);
  });

  it('refuses a SecretProviderClass with a misspelled field', () => {
    const spc = secretProviderClass({
      provider: 'aws',
      secretObjects: [{ secretName: 'shard-0000', type: 'Opaque', data: [{ objectname: 'gigascale/prod/shard-0000', key: 'password' }] }],
    });
    expect(validateK8sObject(spc)).toEqual(['SecretProviderClass/shard-secrets: spec.secretObjects[0].data[0].objectname unknown field (not in the schema)']);
  });

  it('refuses a label value that is not a valid label value', () => {
    expect(validateK8sObject(deployment({}, { 'gigascale/owner': 'chat team' }))).toEqual([
      `Deployment/chat: metadata.labels["gigascale/owner"] must be a label value (at most 63 characters: alphanumerics, '-', '_' and '.', starting and ending alphanumeric, or empty), got "chat team"`,
    ]);
  });

  it('refuses an image tagged latest', () => {
    expect(validateK8sObject(deployment({ image: 'gigascale/chat:latest' }))).toEqual([
      'Deployment/chat: spec.template.spec.containers[0].image must not use the tag latest (a deploy would not say what runs); pin a release tag or a digest, got "gigascale/chat:latest"',
    ]);
  });

  it('refuses a Service whose name has upper-case letters', () => {
    const service = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'Chat', namespace: 'gigascale' },
      spec: { selector: { 'app.kubernetes.io/name': 'chat' }, ports: [{ port: 80, targetPort: 8080 }] },
    };
    expect(validateK8sObject(service)).toEqual([
      `Service/Chat: metadata.name must be a DNS-1035 label (lower-case alphanumerics and '-', starting with a letter, ending alphanumeric, at most 63 characters), got "Chat"`,
    ]);
  });

  it('refuses a namespace-scoped object without a namespace', () => {
    const sa = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'chat' } };
    expect(validateK8sObject(sa)).toEqual([
      'ServiceAccount/chat: metadata.namespace is required: ServiceAccount is namespace-scoped (a manifest without one lands in whatever namespace kubectl defaults to)',
    ]);
  });
});

/* eslint-disable @typescript-eslint/no-explicit-any -- Karpenter manifests, changed field by field */
describe('validateK8sObject on the Karpenter objects (schemas written from the v1.11 API reference)', () => {
  const chart = new NodePoolsChart(Testing.app(), 'node-pools', {
    clusterName: 'gigascale-dev-us-east-1',
    azs: ['us-east-1a', 'us-east-1b'],
    instanceProfile: 'gigascale-dev-us-east-1-karpenter-node',
    pools: [
      { name: 'on-demand', nodes: 2, cpu: 8, memoryGiB: 32, arithmetic: 'two' },
      { name: 'spot', nodes: 1, cpu: 4, memoryGiB: 16, arithmetic: 'one' },
    ],
    amiAlias: 'al2023@latest',
    diskGiB: 50,
    tags: { project: 'gigascale' },
  });
  const [nodeClass, onDemand] = chart.toJson() as Record<string, any>[];
  const changed = (object: Record<string, any>, change: (o: any) => void) => {
    const copy = structuredClone(object);
    change(copy);
    return validateK8sObject(copy);
  };

  it('passes the EC2NodeClass and the NodePools as rendered', () => {
    expect((chart.toJson() as Record<string, unknown>[]).flatMap((o) => validateK8sObject(o))).toEqual([]);
  });

  it.each([
    ['a misspelt field', (p: any) => (p.spec.disruption.consolidatePolicy = 'WhenEmpty'), ['NodePool/on-demand: spec.disruption.consolidatePolicy unknown field (not in the schema)']],
    ['limits under the template instead of the spec', (p: any) => (p.spec.template.spec.limits = p.spec.limits), ['NodePool/on-demand: spec.template.spec.limits unknown field (not in the schema)']],
    ['a budget that is not a count or a percentage', (p: any) => (p.spec.disruption.budgets = [{ nodes: '10 percent' }]), ['NodePool/on-demand: spec.disruption.budgets[0].nodes must match pattern "^((100|[0-9]{1,2})%|[0-9]+)$"']],
    ['an unknown operator', (p: any) => (p.spec.template.spec.requirements[0].operator = 'Equals'), [
      'NodePool/on-demand: spec.template.spec.requirements[0].operator must be equal to one of the allowed values ["In","NotIn","Exists","DoesNotExist","Gt","Lt"]',
    ]],
    ['a weight above 100', (p: any) => (p.spec.weight = 500), ['NodePool/on-demand: spec.weight must be <= 100']],
  ])('refuses a NodePool with %s', (_, change, problems) => {
    expect(changed(onDemand, change)).toEqual(problems);
  });

  it.each([
    ['a misspelt field', (c: any) => (c.spec.instanceProfileName = c.spec.instanceProfile), ['EC2NodeClass/gigascale: spec.instanceProfileName unknown field (not in the schema)']],
    ['IMDS tokens neither required nor optional', (c: any) => (c.spec.metadataOptions.httpTokens = 'yes'), [
      'EC2NodeClass/gigascale: spec.metadataOptions.httpTokens must be equal to one of the allowed values ["required","optional"]',
    ]],
    ['a volume size without a unit', (c: any) => (c.spec.blockDeviceMappings[0].ebs.volumeSize = '50'), [
      expect.stringMatching(/^EC2NodeClass\/gigascale: spec\.blockDeviceMappings\[0\]\.ebs\.volumeSize must match pattern/),
    ]],
    ['an AMI family Karpenter does not know', (c: any) => (c.spec.amiSelectorTerms = [{ alias: 'ubuntu@latest' }]), [
      'EC2NodeClass/gigascale: spec.amiSelectorTerms[0].alias must match pattern "^(al2|al2023|bottlerocket|windows2019|windows2022)@.+$"',
    ]],
  ])('refuses an EC2NodeClass with %s', (_, change, problems) => {
    expect(changed(nodeClass, change)).toEqual(problems);
  });
});

/* eslint-disable @typescript-eslint/no-explicit-any -- KEDA manifests, changed field by field */
describe('validateK8sObject on the KEDA objects (schemas written from the 2.21 reference)', () => {
  const chart = new ConsumersChart(Testing.app(), 'consumers', {
    environment: 'dev',
    region: 'us-east-1',
    images: { memory: 'example.com/m:1', analytics: 'example.com/a:1', push: 'example.com/p:1' },
    sizes: Object.fromEntries(['memory', 'analytics', 'push'].map((c) => [c, { minReplicas: 2, maxReplicas: 4, cpuMillis: 500, memoryMiB: 512 }])) as never,
    eventsPerPod: { memory: 5000, analytics: 5000, push: 5000 },
    bootstrapBrokers: 'b-1.example:9098',
  });
  const objects = chart.toJson() as Record<string, any>[];
  const scaler = objects.find((o) => o.kind === 'ScaledObject')!;
  const auth = objects.find((o) => o.kind === 'TriggerAuthentication')!;
  const changed = (object: Record<string, any>, change: (o: any) => void) => {
    const copy = structuredClone(object);
    change(copy);
    return validateK8sObject(copy);
  };

  it('passes every object of the consumers chart as rendered', () => {
    expect(objects.flatMap((o) => validateK8sObject(o))).toEqual([]);
  });

  it.each([
    ['a misspelt field', (s: any) => (s.spec.maxReplicas = s.spec.maxReplicaCount), ['ScaledObject/gigascale-memory-consumer: spec.maxReplicas unknown field (not in the schema)']],
    ['the behavior outside horizontalPodAutoscalerConfig', (s: any) => (s.spec.advanced.behavior = {}), ['ScaledObject/gigascale-memory-consumer: spec.advanced.behavior unknown field (not in the schema)']],
    ['a metadata value that is not a string', (s: any) => (s.spec.triggers[0].metadata.lagThreshold = 50000), ['ScaledObject/gigascale-memory-consumer: spec.triggers[0].metadata.lagThreshold must be string']],
    ['a trigger without metadata', (s: any) => delete s.spec.triggers[0].metadata, ["ScaledObject/gigascale-memory-consumer: spec.triggers[0] must have required property 'metadata'"]],
  ])('refuses a ScaledObject with %s', (_, change, problems) => {
    expect(changed(scaler, change)).toEqual(problems);
  });

  it('refuses a TriggerAuthentication with an identity owner KEDA does not know', () => {
    expect(changed(auth, (a) => (a.spec.podIdentity.identityOwner = 'operator'))).toEqual([
      'TriggerAuthentication/gigascale-aws: spec.podIdentity.identityOwner must be equal to one of the allowed values ["keda","workload"]',
    ]);
  });
});
