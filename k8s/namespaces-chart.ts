/**
 * The namespaces gigascale runs in: the workloads' (`gigascale`) and the TURN relay's (`gigascale-turn`, which takes UDP
 * from the internet and so shares nothing with the services). Both enforce the `restricted` Pod Security Standard, so
 * the API server itself refuses a pod that runs as root, keeps a capability other than NET_BIND_SERVICE, allows
 * privilege escalation or lacks a seccomp profile, whatever chart created it.
 */
import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-33';
import type { Construct } from 'constructs';
import { DNS_LABEL, KUBERNETES_VERSION } from '../lib/facts/kubernetes';
import { GigascaleError, type Issue } from '../lib/util/errors';
import { K8S_NAMESPACE, TURN_NAMESPACE } from '../lib/facts/names/k8s';

/** The Pod Security Standard every gigascale namespace enforces. */
export const POD_SECURITY_LEVEL = 'restricted';

/**
 * Pod Security Admission labels: enforce, and also audit and warn so a violation is both logged and shown to whoever
 * applies it. The policy version is pinned to the clusters' Kubernetes minor (not `latest`), so a control-plane
 * upgrade does not tighten the policy under running workloads before this constant moves with KUBERNETES_VERSION.
 */
export function podSecurityLabels(): Record<string, string> {
  const version = `v${KUBERNETES_VERSION}`;
  const labels: Record<string, string> = {};
  for (const mode of ['enforce', 'audit', 'warn']) {
    labels[`pod-security.kubernetes.io/${mode}`] = POD_SECURITY_LEVEL;
    labels[`pod-security.kubernetes.io/${mode}-version`] = version;
  }
  return labels;
}

export interface NamespacesChartProps {
  /** Namespace of the gateway, the services, the service config and the migrations Jobs. @default 'gigascale' */
  readonly namespace?: string;
  /** Namespace of the TURN relay. @default 'gigascale-turn' */
  readonly turnNamespace?: string;
}

export class NamespacesChart extends Chart {
  /** The workloads' namespace, then the TURN relay's. */
  readonly namespaces: readonly kplus.Namespace[];

  constructor(scope: Construct, id: string, props: NamespacesChartProps = {}) {
    // Namespaces are cluster-scoped: the chart sets no namespace of its own.
    super(scope, id, { disableResourceNameHashes: true });
    const names = [props.namespace ?? K8S_NAMESPACE, props.turnNamespace ?? TURN_NAMESPACE];
    const issues: Issue[] = [];
    names.forEach((name, i) => {
      const prop = i === 0 ? 'namespace' : 'turnNamespace';
      if (!DNS_LABEL.test(name)) issues.push({ at: `${this.node.path} ${prop}`, message: `must be a DNS-1123 label, got "${name}"` });
    });
    if (names[0] === names[1]) {
      issues.push({ at: `${this.node.path} turnNamespace`, message: `must differ from namespace (the relay shares nothing with the services), got "${names[1]}" twice` });
    }
    if (issues.length > 0) throw new GigascaleError('Invalid NamespacesChart props', issues);

    this.namespaces = names.map(
      (name) =>
        new kplus.Namespace(this, name, {
          metadata: { name, labels: { 'app.kubernetes.io/part-of': 'gigascale', ...podSecurityLabels() } },
        }),
    );
  }
}
