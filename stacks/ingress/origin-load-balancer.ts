import { Duration } from 'aws-cdk-lib';
import type * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { GATEWAY_HEALTH_PATH, GATEWAY_PORT } from '../../lib/facts/workloads';

/** Prefix of the ALB's access logs in the log bucket. */
export const ALB_LOG_PREFIX = 'alb';
/** Path pattern the ALB sends to the sticky `chat` target group: Socket.io's polling and WebSocket transports. */
export const SOCKET_IO_PATH = '/socket.io/*';
/** Priority of the Socket.io rule on the HTTPS listener (the only rule; the gateway takes everything else). */
export const SOCKET_IO_RULE_PRIORITY = 10;
/**
 * TLS policy of the HTTPS listener: TLS 1.3 and 1.2 with forward-secret ciphers only, plus post-quantum hybrid key
 * exchange (ML-KEM) for clients that offer it. TLS 1.2 stays because Cloudflare's origin pulls may use it.
 */
export const ALB_SSL_POLICY = elbv2.SslPolicy.TLS13_12_PQ;

export interface OriginLoadBalancerProps {
  /** The region's VPC; the ALB sits in its public subnets, the targets in its private ones. */
  readonly vpc: ec2.IVpc;
  /** CIDR of the VPC (the plan's literal): the ALB's only egress destination. */
  readonly vpcCidr: string;
  /** IPv4 sources admitted on 80 and 443 (the edge's published ranges). */
  readonly edgeIpv4Cidrs: readonly string[];
  /**
   * Managed prefix list admitted on 443 only: the region's NAT gateway addresses (the network stack's), the source of
   * the origin canary (stacks/observability), which runs in the private subnets. Like the edge's, requests from there
   * pass the web ACL only with the origin token; everything in the private subnets shares those addresses.
   * @default - none: only the edge reaches the ALB
   */
  readonly natPrefixListId?: string;
  /** Certificate of the HTTPS listener. */
  readonly certificate: acm.ICertificate;
  /** Idle timeout of client connections (also how long an idle WebSocket survives). */
  readonly idleTimeout: Duration;
  /** Refuse deletion while on; turn it off in the console or template before deleting the stack. */
  readonly deletionProtection: boolean;
  /** Bucket the access logs go to, under `ALB_LOG_PREFIX`. */
  readonly logBucket: s3.IBucket;
}

/**
 * A region's internet-facing ALB, the origin the edge pulls from: IPv4 in the public subnets, reachable only from the
 * edge's ranges, HTTP redirected to HTTPS, HTTPS forwarded to the gateway pods. Socket.io goes to a second target
 * group of the same gateway pods with a stickiness cookie, so a session's requests keep reaching the gateway pod that
 * pins it to one chat pod; every request passes the gateway's authorization. Targets are pod IPs, registered by the
 * AWS Load Balancer Controller from TargetGroupBinding manifests (k8s/target-group-bindings-chart.ts), so the target
 * groups are created empty.
 *
 * IPv4 only: the VPC has no IPv6 CIDR (stacks/network), and Cloudflare connects to an IPv4-only origin over IPv4, so
 * the edge's IPv6 ranges have nothing to reach.
 */
export class OriginLoadBalancer extends Construct {
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  /** Admits 80 and 443 from the edge ranges, 443 from the NAT gateways; lets out only the gateway port into the VPC. */
  readonly securityGroup: ec2.SecurityGroup;
  readonly httpListener: elbv2.ApplicationListener;
  readonly httpsListener: elbv2.ApplicationListener;
  /** Default target of the HTTPS listener: the gateway (Envoy) pods. */
  readonly gatewayTargetGroup: elbv2.ApplicationTargetGroup;
  /** Target of `SOCKET_IO_PATH`: the gateway pods again, with ALB stickiness (chat pods are never ALB targets). */
  readonly chatTargetGroup: elbv2.ApplicationTargetGroup;

  constructor(scope: Construct, id: string, props: OriginLoadBalancerProps) {
    super(scope, id);
    const { vpc } = props;

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: 'Origin ALB: HTTP and HTTPS from the edge ranges only; out to the VPC on the gateway port',
      allowAllOutbound: false,
      allowAllIpv6Outbound: false,
    });
    // Literal CIDRs from the plan, so the rule a reviewer reads is the rule that applies.
    for (const cidr of props.edgeIpv4Cidrs) {
      this.securityGroup.addIngressRule(ec2.Peer.ipv4(cidr), ec2.Port.tcp(443), `HTTPS from edge ${cidr}`);
      this.securityGroup.addIngressRule(ec2.Peer.ipv4(cidr), ec2.Port.tcp(80), `HTTP (redirect) from edge ${cidr}`);
    }
    // A prefix list rather than one /32 rule per NAT: the addresses are known only at deploy, and a rule on a prefix
    // list follows the NAT gateways without a change here.
    if (props.natPrefixListId !== undefined) {
      this.securityGroup.addIngressRule(ec2.Peer.prefixList(props.natPrefixListId), ec2.Port.tcp(443), 'HTTPS from the NAT gateways (origin canary)');
    }
    this.securityGroup.addEgressRule(ec2.Peer.ipv4(props.vpcCidr), ec2.Port.tcp(GATEWAY_PORT), 'Gateway pods and their health checks');

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc,
      internetFacing: true,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      securityGroup: this.securityGroup,
      ipAddressType: elbv2.IpAddressType.IPV4,
      idleTimeout: props.idleTimeout,
      http2Enabled: true,
      dropInvalidHeaderFields: true,
      desyncMitigationMode: elbv2.DesyncMitigationMode.STRICTEST,
      deletionProtection: props.deletionProtection,
      xffHeaderProcessingMode: elbv2.XffHeaderProcessingMode.APPEND,
    });
    // WAF is the ALB's request filter: when it cannot answer, refuse rather than pass unfiltered requests. Set as an
    // attribute because the L2's `wafFailOpen: false` writes nothing to the template.
    this.loadBalancer.setAttribute('waf.fail_open.enabled', 'false');
    this.loadBalancer.logAccessLogs(props.logBucket, ALB_LOG_PREFIX);

    this.gatewayTargetGroup = new elbv2.ApplicationTargetGroup(this, 'GatewayTargetGroup', {
      vpc,
      targetType: elbv2.TargetType.IP,
      protocol: elbv2.ApplicationProtocol.HTTP,
      port: GATEWAY_PORT,
      healthCheck: httpHealthCheck(GATEWAY_HEALTH_PATH),
      deregistrationDelay: Duration.seconds(30),
    });
    this.chatTargetGroup = new elbv2.ApplicationTargetGroup(this, 'ChatTargetGroup', {
      vpc,
      targetType: elbv2.TargetType.IP,
      protocol: elbv2.ApplicationProtocol.HTTP,
      port: GATEWAY_PORT,
      healthCheck: httpHealthCheck(GATEWAY_HEALTH_PATH),
      // Socket.io's long-polling transport sends one session's requests separately: they must keep reaching the gateway
      // pod that pins the session to its chat pod (lib/facts/workloads `sticky` routes).
      stickinessCookieDuration: Duration.days(1),
      // Time for open sockets to drain (clients reconnect elsewhere) before a gateway pod leaves.
      deregistrationDelay: Duration.seconds(300),
    });

    this.httpListener = this.loadBalancer.addListener('Http', {
      port: 80,
      protocol: elbv2.ApplicationProtocol.HTTP,
      // The security group above decides who connects; `open` would add 0.0.0.0/0.
      open: false,
      defaultAction: elbv2.ListenerAction.redirect({ protocol: 'HTTPS', port: '443', permanent: true }),
    });
    this.httpsListener = this.loadBalancer.addListener('Https', {
      port: 443,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      open: false,
      certificates: [elbv2.ListenerCertificate.fromCertificateManager(props.certificate)],
      sslPolicy: ALB_SSL_POLICY,
      defaultAction: elbv2.ListenerAction.forward([this.gatewayTargetGroup]),
    });
    new elbv2.ApplicationListenerRule(this, 'SocketIoRule', {
      listener: this.httpsListener,
      priority: SOCKET_IO_RULE_PRIORITY,
      conditions: [elbv2.ListenerCondition.pathPatterns([SOCKET_IO_PATH])],
      action: elbv2.ListenerAction.forward([this.chatTargetGroup]),
    });
  }
}

function httpHealthCheck(path: string): elbv2.HealthCheck {
  return {
    enabled: true,
    protocol: elbv2.Protocol.HTTP,
    path,
    port: 'traffic-port',
    healthyHttpCodes: '200',
    interval: Duration.seconds(10),
    timeout: Duration.seconds(5),
    healthyThresholdCount: 2,
    unhealthyThresholdCount: 3,
  };
}
