/** test/support/k8s-schema.ts: the schema check the chart tests run on every rendered object. */
import { describe, expect, it } from 'vitest';
import { validateK8sObject } from './support/k8s-schema';

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
