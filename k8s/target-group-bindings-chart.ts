/**
 * TargetGroupBindings: the CDK owns the ALB, the NLB and their target groups; the AWS Load Balancer Controller
 * registers pod IPs of a Service into an existing target group and opens the pods' security group to the load
 * balancer's. Four bindings:
 *
 * - ALB gateway target group -> gateway Service, GATEWAY_PORT/TCP;
 * - ALB chat target group -> the gateway Service as well. That group has ALB stickiness on so a client's Socket.io
 *   requests keep reaching the same gateway pod, and the gateway pins them to one chat pod by its cookie hash
 *   (lib/facts/workloads.ts `sticky` routes); chat pods are never ALB targets themselves;
 * - NLB UDP target group -> turn Service port `turn-udp` (UDP 3478);
 * - NLB TLS target group (TLS 5349 ends at the NLB) -> turn Service port `turn-tcp` (TCP 3478).
 *
 * Field names: kubernetes-sigs/aws-load-balancer-controller config/crd/bases/elbv2.k8s.aws_targetgroupbindings.yaml
 * (v1beta1: spec.serviceRef {name, port}, spec.targetGroupARN, spec.targetType instance|ip, spec.networking.ingress[]
 * {from[] {securityGroup {groupID}} | {ipBlock {cidr}}, ports[] {port, protocol TCP|UDP}}).
 */
import { ApiObject, Chart, type ApiObjectMetadata } from 'cdk8s';
import type { Construct } from 'constructs';
import { GATEWAY, GATEWAY_PORT } from '../lib/facts/workloads';
import { GigascaleError, type Issue } from '../lib/util/errors';
import { DNS_LABEL } from '../lib/facts/kubernetes';
import { K8S_NAMESPACE, TURN_NAMESPACE, workloadName } from '../lib/facts/names/k8s';
import { TURN_PORT } from '../lib/facts/workloads';
import { TURN_TCP_PORT_NAME, TURN_UDP_PORT_NAME } from './turn-chart';

/** Chart id, and the file name cdk8s writes (`target-group-bindings.k8s.yaml`). */
export const TARGET_GROUP_BINDINGS_CHART_ID = 'target-group-bindings';

export interface TargetGroupBindingPort {
  /** Pod port (numeric or named) the load balancer reaches. */
  readonly port: number | string;
  /** @default 'TCP' */
  readonly protocol?: 'TCP' | 'UDP';
}

export interface TargetGroupBindingPeer {
  /** A security group peer (not combined with ipBlock). */
  readonly securityGroup?: { readonly groupID: string };
  /** A CIDR peer (not combined with securityGroup). */
  readonly ipBlock?: { readonly cidr: string };
}

export interface TargetGroupBindingSpec {
  /** The Service and its port (number or name) whose endpoints become targets. */
  readonly serviceRef: { readonly name: string; readonly port: number | string };
  readonly targetGroupARN: string;
  /** `ip` registers pod IPs; `instance` registers nodes on the Service's NodePort. @default - inferred from the group */
  readonly targetType?: 'ip' | 'instance';
  /** Security group rules the controller opens on the targets for the load balancer. @default - none */
  readonly networking?: {
    readonly ingress: readonly { readonly from: readonly TargetGroupBindingPeer[]; readonly ports: readonly TargetGroupBindingPort[] }[];
  };
}

export interface TargetGroupBindingProps {
  readonly metadata: ApiObjectMetadata;
  readonly spec: TargetGroupBindingSpec;
}

/** `elbv2.k8s.aws/v1beta1` TargetGroupBinding, typed (cdk8s `import` would generate the same shape). */
export class TargetGroupBinding extends ApiObject {
  static readonly GVK = { apiVersion: 'elbv2.k8s.aws/v1beta1', kind: 'TargetGroupBinding' } as const;

  constructor(scope: Construct, id: string, props: TargetGroupBindingProps) {
    super(scope, id, { ...TargetGroupBinding.GVK, ...props });
  }
}

/** ARNs of the CDK-owned target groups (CDK tokens when the chart is synthesized inside the stack). */
export interface TargetGroupArns {
  /** ALB target group of the gateway (every route but the sticky ones). */
  readonly gateway: string;
  /** ALB target group with stickiness for Socket.io, also targeting the gateway. */
  readonly chat: string;
  /** NLB UDP 3478 target group. */
  readonly turnUdp: string;
  /** NLB target group behind the TLS 5349 listener (TCP to 3478). */
  readonly turnTls: string;
}

export interface TargetGroupBindingsChartProps {
  readonly targetGroupArns: TargetGroupArns;
  /** Security group of the ALB; the controller lets it reach the gateway pods on GATEWAY_PORT. */
  readonly albSecurityGroupId: string;
  /** Security group of the NLB; the controller lets it reach the relay pods on 3478 UDP and TCP. */
  readonly nlbSecurityGroupId: string;
  /** Namespace of the gateway Service. @default 'gigascale' */
  readonly namespace?: string;
  /** Namespace of the turn Service. @default 'gigascale-turn' */
  readonly turnNamespace?: string;
}

export class TargetGroupBindingsChart extends Chart {
  /** gateway, chat, turn UDP, turn TLS. */
  readonly bindings: readonly TargetGroupBinding[];

  constructor(scope: Construct, id: string, props: TargetGroupBindingsChartProps) {
    const namespace = props.namespace ?? K8S_NAMESPACE;
    const turnNamespace = props.turnNamespace ?? TURN_NAMESPACE;
    super(scope, id, { namespace, disableResourceNameHashes: true });
    validate(this.node.path, props, namespace, turnNamespace);

    const gateway = workloadName(GATEWAY);
    const turn = workloadName('turn');
    const labels = { 'app.kubernetes.io/part-of': 'gigascale' };
    const bind = (
      name: string,
      ns: string,
      service: string,
      servicePort: number | string,
      arn: string,
      securityGroup: string,
      port: TargetGroupBindingPort,
    ) =>
      new TargetGroupBinding(this, name, {
        metadata: { name, namespace: ns, labels },
        spec: {
          serviceRef: { name: service, port: servicePort },
          targetGroupARN: arn,
          targetType: 'ip',
          networking: { ingress: [{ from: [{ securityGroup: { groupID: securityGroup } }], ports: [port] }] },
        },
      });

    const arns = props.targetGroupArns;
    this.bindings = [
      bind(gateway, namespace, gateway, GATEWAY_PORT, arns.gateway, props.albSecurityGroupId, { port: GATEWAY_PORT, protocol: 'TCP' }),
      bind(`${gateway}-chat`, namespace, gateway, GATEWAY_PORT, arns.chat, props.albSecurityGroupId, { port: GATEWAY_PORT, protocol: 'TCP' }),
      // The turn Service has two ports numbered 3478 (UDP and TCP): only their names say which one a group binds.
      bind(`${turn}-udp`, turnNamespace, turn, TURN_UDP_PORT_NAME, arns.turnUdp, props.nlbSecurityGroupId, { port: TURN_PORT, protocol: 'UDP' }),
      bind(`${turn}-tls`, turnNamespace, turn, TURN_TCP_PORT_NAME, arns.turnTls, props.nlbSecurityGroupId, { port: TURN_PORT, protocol: 'TCP' }),
    ];
  }
}

/**
 * The ARNs and group ids are taken as given: at deploy time they are tokens of the ingress stack's resources, and the
 * rendered YAML shows readable placeholders in their place (k8s/compute-charts.ts renderedIngressRefs). Only an
 * empty value, which no reference resolves to, is refused.
 */
function validate(path: string, props: TargetGroupBindingsChartProps, namespace: string, turnNamespace: string): void {
  const issues: Issue[] = [];
  const at = (prop: string) => `${path} ${prop}`;
  for (const [key, arn] of Object.entries(props.targetGroupArns)) {
    if (arn === '') issues.push({ at: at(`targetGroupArns.${key}`), message: 'must name a target group ARN, got ""' });
  }
  for (const prop of ['albSecurityGroupId', 'nlbSecurityGroupId'] as const) {
    if (props[prop] === '') issues.push({ at: at(prop), message: 'must name a security group id, got ""' });
  }
  for (const [prop, value] of [['namespace', namespace], ['turnNamespace', turnNamespace]] as const) {
    if (!DNS_LABEL.test(value)) issues.push({ at: at(prop), message: `must be a DNS-1123 label, got "${value}"` });
  }
  if (issues.length > 0) throw new GigascaleError('Invalid TargetGroupBindingsChart props', issues);
}
