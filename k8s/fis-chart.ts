/**
 * What the failure experiments need inside the workloads' namespace (lib/views/chaos-plan.ts, `chat-pod-delete`):
 * FIS creates a pod there that deletes the target pods, running as the ServiceAccount `gigascale-fis`; the
 * experiment's role itself reaches the cluster as the Kubernetes user FIS_KUBERNETES_USER (its EKS access entry,
 * stacks/chaos). The Role and RoleBinding are the ones AWS documents for the aws:eks:pod actions (AWS FIS User Guide,
 * "Use the AWS FIS aws:eks:pod actions": configmaps, pods, ephemeral containers, exec, and reading deployments), in
 * this namespace only; the network-policies chart lets FIS's pod reach the API server and nothing else.
 */
import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-33';
import type { Construct } from 'constructs';
import { FIS, FIS_KUBERNETES_USER, K8S_NAMESPACE, workloadName, workloadServiceAccountName } from '../lib/facts/names/k8s';

/** Chart id, and the file name cdk8s writes (`fis.k8s.yaml`). */
export const FIS_CHART_ID = 'fis';

/** The rules of the Role FIS's pod and the experiment's user act with, as AWS documents them. */
export const FIS_ROLE_RULES: readonly kplus.k8s.PolicyRule[] = [
  { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'create', 'patch', 'delete'] },
  { apiGroups: [''], resources: ['pods'], verbs: ['create', 'list', 'get', 'delete', 'deletecollection'] },
  { apiGroups: [''], resources: ['pods/ephemeralcontainers'], verbs: ['update'] },
  { apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] },
  { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] },
];

export class FisChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id, { namespace: K8S_NAMESPACE, disableResourceNameHashes: true });
    const name = workloadName(FIS);
    const labels = { 'app.kubernetes.io/part-of': 'gigascale', 'app.kubernetes.io/component': 'chaos' };
    new kplus.k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata: { name: workloadServiceAccountName(FIS), namespace: K8S_NAMESPACE, labels } });
    new kplus.k8s.KubeRole(this, 'Role', { metadata: { name, namespace: K8S_NAMESPACE, labels }, rules: [...FIS_ROLE_RULES] });
    new kplus.k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata: { name, namespace: K8S_NAMESPACE, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [
        { kind: 'ServiceAccount', name: workloadServiceAccountName(FIS), namespace: K8S_NAMESPACE },
        { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: FIS_KUBERNETES_USER },
      ],
    });
  }
}
