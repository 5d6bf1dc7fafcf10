/**
 * NetworkPolicies of both namespaces, derived from the workload list (lib/facts/workloads.ts) so a new service or
 * dependency changes them without an edit here. Everything is denied unless a rule below allows it:
 *
 * - every pod: DNS to kube-dns (UDP and TCP 53: responses over 512 bytes retry on TCP);
 * - gateway: in from the VPC CIDR on GATEWAY_PORT; out to each HTTP service's pods on SERVICE_PORT;
 * - each service: in only from the gateway pods on SERVICE_PORT; out only to the ports of its dependencies
 *   (DEPENDENCY_PORTS: postgres, cache and bus inside the VPC CIDR, https anywhere for AWS APIs and OpenAI) and to the
 *   EKS Pod Identity agent, where the AWS SDK gets the pod role's credentials;
 * - migrations Jobs: out to postgres in the VPC CIDR only (credentials come from a synced Secret, not an AWS call);
 * - probe CronJob (k8s/probe-chart.ts): out to postgres and the cache in the VPC CIDR (the shards' proxies, Valkey)
 *   and to the EKS Pod Identity agent (the credentials its IAM tokens are signed with). Out to the gateway pods on
 *   GATEWAY_PORT, reached through the gateway's ClusterIP Service: the VPC CNI's policy controller adds a Service's
 *   cluster IP to an egress rule only when the Service's selector matches the rule's pod selector
 *   (aws/amazon-network-policy-controller-k8s pkg/resolvers/endpoints.go), which is why the rule selects exactly the
 *   gateway Service's selector. Out to the VPC CIDR on EMF_AGENT_PORT: the CloudWatch agent listens on its node's
 *   address (hostNetwork), which no pod selector matches. And out to anywhere on 443, for the edge hostname it reads
 *   a profile through. Nothing in; the gateway's ingress from the VPC CIDR already admits the probe's pod addresses;
 * - the pod FIS creates for a pod experiment (k8s/fis-chart.ts): out to the API server (its Service's cluster IP and
 *   the VPC CIDR, where its endpoints are) on 443; nothing in;
 * - TURN relay: in on 3478 UDP/TCP and the relay ports from anywhere; out UDP to public addresses only.
 *
 * Not subject to policies: traffic from the pod's own node, which the VPC CNI's network policy agent always allows
 * (kubelet probes; aws-network-policy-agent#56, #65), and hostNetwork pods such as the CSI secrets provider.
 *
 * Written with the generated `kplus.k8s.KubeNetworkPolicy` rather than cdk8s-plus `NetworkPolicy`: the latter needs a construct
 * per peer (Pods.select, NetworkPolicyIpBlock) and says nothing about `except`, while these read like the YAML a
 * reviewer sees in the diff.
 */
import { CONSUMER_SPECS, CONSUMERS, consumerWorkload } from '../lib/facts/consumers';
import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-33';
import type { Construct } from 'constructs';
import { DEPENDENCY_PORTS, GATEWAY, GATEWAY_PORT, HTTP_SERVICES, SERVICE_PORT, SERVICE_SPECS, type Dependency } from '../lib/facts/workloads';
import { GigascaleError, type Issue } from '../lib/util/errors';
import { parseCidr } from '../lib/plan/cidr';
import { DNS_LABEL, KUBERNETES_API_PORT, kubernetesApiServiceIp } from '../lib/facts/kubernetes';
import { FIS, K8S_NAMESPACE, PROBE, TURN_NAMESPACE, workloadName } from '../lib/facts/names/k8s';
import { TURN_PORT, TURN_RELAY_MAX_PORT, TURN_RELAY_MIN_PORT } from '../lib/facts/workloads';
import { EMF_AGENT_PORT } from '../lib/views/probe-target';
import { TURN_DENIED_PEER_CIDRS } from './turn-chart';
import { workloadSelector } from './workload';

/** Chart id, and the file name cdk8s writes (`network-policies.k8s.yaml`). */
export const NETWORK_POLICIES_CHART_ID = 'network-policies';
/** Where the EKS Pod Identity agent listens on every node (EKS user guide, "Set up the Amazon EKS Pod Identity Agent"). */
export const POD_IDENTITY_AGENT_CIDR = '169.254.170.23/32';
/** The agent serves `http://169.254.170.23/v1/credentials` (AWS_CONTAINER_CREDENTIALS_FULL_URI): plain HTTP, port 80. */
export const POD_IDENTITY_AGENT_PORT = 80;
export const DNS_PORT = 53;
const ANYWHERE = '0.0.0.0/0';

/** Where each dependency lives: the stores inside the region's VPC, HTTPS endpoints anywhere (AWS APIs, OpenAI). */
const DEPENDENCY_PEERS: Readonly<Record<Dependency, 'vpc' | 'anywhere'>> = { postgres: 'vpc', cache: 'vpc', bus: 'vpc', https: 'anywhere' };

/** Traffic a policy admits: from (ingress) or to (egress) any of the peers, on any of the ports. */
interface Rule {
  readonly peers: kplus.k8s.NetworkPolicyPeer[];
  readonly ports: kplus.k8s.NetworkPolicyPort[];
}

export interface NetworkPoliciesChartProps {
  /**
   * The region's VPC CIDR (RegionPlan.cidr). The ALB targets pod IPs directly and its nodes live in the VPC's public
   * subnets, so the gateway sees ALB node addresses from this range (the client's address only in X-Forwarded-For);
   * the plan names no public-subnet CIDRs, and the ALB's security group already admits only the edge. The stores
   * (Aurora and RDS Proxy, Valkey, MSK) have their addresses in it too.
   */
  readonly vpcCidr: string;
  /** Namespace of the gateway, the services and the migrations Jobs. @default 'gigascale' */
  readonly namespace?: string;
  /** Namespace of the TURN relay. @default 'gigascale-turn' */
  readonly turnNamespace?: string;
}

export class NetworkPoliciesChart extends Chart {
  readonly policies: readonly kplus.k8s.KubeNetworkPolicy[];

  constructor(scope: Construct, id: string, props: NetworkPoliciesChartProps) {
    const namespace = props.namespace ?? K8S_NAMESPACE;
    const turnNamespace = props.turnNamespace ?? TURN_NAMESPACE;
    super(scope, id, { namespace, disableResourceNameHashes: true });
    validate(this.node.path, props, namespace, turnNamespace);
    const vpc = props.vpcCidr;
    const policies: kplus.k8s.KubeNetworkPolicy[] = [];
    const policy = (ns: string, name: string, podSelector: kplus.k8s.LabelSelector, rules: { ingress?: Rule[]; egress?: Rule[] }) => {
      policies.push(
        new kplus.k8s.KubeNetworkPolicy(this, `${ns}-${name}`, {
          metadata: { name, namespace: ns, labels: { 'app.kubernetes.io/part-of': 'gigascale' } },
          spec: {
            podSelector,
            // Both types on every policy: a type listed without rules denies that direction for the selected pods,
            // which the namespace's default-deny does anyway; listing both keeps each policy readable on its own.
            policyTypes: ['Ingress', 'Egress'],
            ...(rules.ingress === undefined ? {} : { ingress: rules.ingress.map((r) => ({ from: r.peers, ports: r.ports })) }),
            ...(rules.egress === undefined ? {} : { egress: rules.egress.map((r) => ({ to: r.peers, ports: r.ports })) }),
          },
        }),
      );
    };

    for (const ns of [namespace, turnNamespace]) {
      policy(ns, 'default-deny', {}, {});
      policy(ns, 'allow-dns', {}, { egress: [{ peers: [kubeDns()], ports: [udp(DNS_PORT), tcp(DNS_PORT)] }] });
    }

    policy(namespace, workloadName(GATEWAY), workloadPods(GATEWAY), {
      ingress: [{ peers: [cidr(vpc)], ports: [tcp(GATEWAY_PORT)] }],
      egress: [{ peers: HTTP_SERVICES.map((service) => ({ podSelector: workloadPods(service) })), ports: [tcp(SERVICE_PORT)] }],
    });

    for (const service of HTTP_SERVICES) {
      policy(namespace, workloadName(service), workloadPods(service), {
        ingress: [{ peers: [{ podSelector: workloadPods(GATEWAY) }], ports: [tcp(SERVICE_PORT)] }],
        egress: [
          ...SERVICE_SPECS[service].dependencies.map((dependency) => dependencyRule(dependency, vpc)),
          { peers: [cidr(POD_IDENTITY_AGENT_CIDR)], ports: [tcp(POD_IDENTITY_AGENT_PORT)] },
          // Chat reports its open sockets to the CloudWatch agent on its node (KEDA scales it on them).
          ...(service === 'chat' ? [{ peers: [cidr(vpc)], ports: [tcp(EMF_AGENT_PORT)] }] : []),
        ],
      });
    }

    // The event consumers: nothing calls them; out to their dependencies and the Pod Identity agent, like the services.
    for (const consumer of CONSUMERS) {
      const workload = consumerWorkload(consumer);
      policy(namespace, workloadName(workload), workloadPods(workload), {
        egress: [
          ...CONSUMER_SPECS[consumer].dependencies.map((dependency) => dependencyRule(dependency, vpc)),
          { peers: [cidr(POD_IDENTITY_AGENT_CIDR)], ports: [tcp(POD_IDENTITY_AGENT_PORT)] },
        ],
      });
    }

    policy(namespace, workloadName('migrations'), workloadPods('migrations'), { egress: [dependencyRule('postgres', vpc)] });

    // The pod FIS creates for a pod experiment (k8s/fis-chart.ts), labelled as the experiment's fisPodLabels says: out
    // to the API server only, at its Service's cluster IP and at its endpoints in the VPC.
    policy(namespace, workloadName(FIS), workloadPods(FIS), {
      egress: [{ peers: [cidr(`${kubernetesApiServiceIp(vpc)}/32`), cidr(vpc)], ports: [tcp(KUBERNETES_API_PORT)] }],
    });

    policy(namespace, workloadName(PROBE), workloadPods(PROBE), {
      egress: [
        dependencyRule('postgres', vpc),
        dependencyRule('cache', vpc),
        { peers: [cidr(POD_IDENTITY_AGENT_CIDR)], ports: [tcp(POD_IDENTITY_AGENT_PORT)] },
        { peers: [{ podSelector: workloadPods(GATEWAY) }], ports: [tcp(GATEWAY_PORT)] },
        { peers: [cidr(vpc)], ports: [tcp(EMF_AGENT_PORT)] },
        // The edge hostname: Cloudflare's addresses, which change without notice, so anywhere on 443.
        dependencyRule('https', vpc),
      ],
    });

    policy(turnNamespace, workloadName('turn'), workloadPods('turn'), {
      // The NLB preserves client addresses on UDP (always) and the relay ports take peers' media directly.
      ingress: [
        { peers: [cidr(ANYWHERE)], ports: [udp(TURN_PORT), tcp(TURN_PORT)] },
        { peers: [cidr(ANYWHERE)], ports: [{ protocol: 'UDP', port: kplus.k8s.IntOrString.fromNumber(TURN_RELAY_MIN_PORT), endPort: TURN_RELAY_MAX_PORT }] },
      ],
      // Relayed media, to public addresses only: the same ranges coturn's --denied-peer-ip refuses are excepted here.
      egress: [{ peers: [cidr(ANYWHERE, TURN_DENIED_PEER_CIDRS)], ports: [{ protocol: 'UDP' }] }],
    });

    this.policies = policies;
  }
}

/**
 * The pods of a workload, by the labels its chart selects them with (k8s/workload.ts workloadSelector:
 * `app.kubernetes.io/name: gigascale-chat`; the migrations Jobs label theirs `gigascale-migrations` the same way).
 */
export function workloadPods(workload: string): kplus.k8s.LabelSelector {
  return { matchLabels: workloadSelector(workload) };
}

function dependencyRule(dependency: Dependency, vpcCidr: string): Rule {
  return { peers: [cidr(DEPENDENCY_PEERS[dependency] === 'vpc' ? vpcCidr : ANYWHERE)], ports: [tcp(DEPENDENCY_PORTS[dependency])] };
}

function kubeDns(): kplus.k8s.NetworkPolicyPeer {
  return {
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
    podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
  };
}

function cidr(block: string, except?: readonly string[]): kplus.k8s.NetworkPolicyPeer {
  return { ipBlock: except === undefined ? { cidr: block } : { cidr: block, except: [...except] } };
}

function tcp(port: number): kplus.k8s.NetworkPolicyPort {
  return { protocol: 'TCP', port: kplus.k8s.IntOrString.fromNumber(port) };
}

function udp(port: number): kplus.k8s.NetworkPolicyPort {
  return { protocol: 'UDP', port: kplus.k8s.IntOrString.fromNumber(port) };
}

function validate(path: string, props: NetworkPoliciesChartProps, namespace: string, turnNamespace: string): void {
  const issues: Issue[] = [];
  const at = (prop: string) => `${path} ${prop}`;
  const parsed = parseCidr(props.vpcCidr);
  if (typeof parsed === 'string') issues.push({ at: at('vpcCidr'), message: parsed });
  for (const [prop, value] of [['namespace', namespace], ['turnNamespace', turnNamespace]] as const) {
    if (!DNS_LABEL.test(value)) issues.push({ at: at(prop), message: `must be a DNS-1123 label, got "${value}"` });
  }
  if (namespace === turnNamespace) issues.push({ at: at('turnNamespace'), message: `must differ from namespace, got "${turnNamespace}" twice` });
  if (issues.length > 0) throw new GigascaleError('Invalid NetworkPoliciesChart props', issues);
}
