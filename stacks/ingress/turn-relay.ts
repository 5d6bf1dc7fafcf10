import { Duration } from 'aws-cdk-lib';
import type * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { TURN_DEREGISTRATION_DELAY_SECONDS, TURN_PORT, TURN_TLS_PORT } from '../../lib/facts/workloads';

/** Prefix of the NLB's access logs (written for TLS listeners only) in the log bucket. */
export const NLB_LOG_PREFIX = 'nlb';
/** TLS policy of the TURN TLS listener: TLS 1.3 and 1.2, forward-secret ciphers, post-quantum key exchange offered. */
export const NLB_SSL_POLICY = elbv2.SslPolicy.TLS13_12_PQ;

export interface TurnRelayProps {
  /** The region's VPC; the NLB sits in its public subnets, the relay pods in its private ones. */
  readonly vpc: ec2.IVpc;
  /** CIDR of the VPC (the plan's literal): the NLB's only egress destination. */
  readonly vpcCidr: string;
  /** Certificate of the TLS listener; must cover the TURN hostname. */
  readonly certificate: acm.ICertificate;
  /** Refuse deletion while on. */
  readonly deletionProtection: boolean;
  /** Bucket the TLS listener's access logs go to, under `NLB_LOG_PREFIX`. */
  readonly logBucket: s3.IBucket;
}

/**
 * A region's TURN relay entry: an internet-facing NLB taking TURN over UDP on 3478 and TURN over TLS on 5349 (TLS
 * terminated here with the region's certificate), forwarding both to the relay pods on 3478. WebRTC clients connect
 * directly, not through the edge (Cloudflare's proxy carries no UDP), so the NLB admits the two ports from anywhere.
 * Targets are pod IPs registered by the AWS Load Balancer Controller (TargetGroupBinding); the groups start empty.
 */
export class TurnRelay extends Construct {
  readonly loadBalancer: elbv2.NetworkLoadBalancer;
  /** Admits UDP 3478 and TCP 5349 from anywhere; lets out only 3478 into the VPC. */
  readonly securityGroup: ec2.SecurityGroup;
  readonly udpListener: elbv2.NetworkListener;
  readonly tlsListener: elbv2.NetworkListener;
  /** TURN over UDP: relay pods on UDP 3478. */
  readonly udpTargetGroup: elbv2.NetworkTargetGroup;
  /** TURN over TLS, decrypted: relay pods on TCP 3478. */
  readonly tlsTargetGroup: elbv2.NetworkTargetGroup;

  constructor(scope: Construct, id: string, props: TurnRelayProps) {
    super(scope, id);
    const { vpc } = props;

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: 'TURN relay NLB: UDP 3478 and TLS 5349 from WebRTC clients anywhere; out to the VPC on 3478',
      allowAllOutbound: false,
      allowAllIpv6Outbound: false,
    });
    this.securityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.udp(TURN_PORT), 'TURN over UDP from WebRTC clients');
    this.securityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(TURN_TLS_PORT), 'TURN over TLS from WebRTC clients');
    this.securityGroup.addEgressRule(ec2.Peer.ipv4(props.vpcCidr), ec2.Port.udp(TURN_PORT), 'TURN over UDP to the relay pods');
    this.securityGroup.addEgressRule(ec2.Peer.ipv4(props.vpcCidr), ec2.Port.tcp(TURN_PORT), 'TURN over TCP and health checks to the relay pods');

    this.loadBalancer = new elbv2.NetworkLoadBalancer(this, 'LoadBalancer', {
      vpc,
      internetFacing: true,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      securityGroups: [this.securityGroup],
      ipAddressType: elbv2.IpAddressType.IPV4,
      // A client's AZ says nothing about where free relay capacity is.
      crossZoneEnabled: true,
      deletionProtection: props.deletionProtection,
    });
    this.loadBalancer.logAccessLogs(props.logBucket, NLB_LOG_PREFIX);

    // UDP target groups cannot health-check over UDP; the relay answers TCP on its listening port, the one the
    // listeners forward to, so a target is healthy only while coturn itself accepts there.
    const healthCheck: elbv2.HealthCheck = {
      enabled: true,
      protocol: elbv2.Protocol.TCP,
      port: String(TURN_PORT),
      interval: Duration.seconds(10),
      healthyThresholdCount: 2,
      unhealthyThresholdCount: 2,
    };
    this.udpTargetGroup = new elbv2.NetworkTargetGroup(this, 'UdpTargetGroup', {
      vpc,
      targetType: elbv2.TargetType.IP,
      protocol: elbv2.Protocol.UDP,
      port: TURN_PORT,
      healthCheck,
      deregistrationDelay: Duration.seconds(TURN_DEREGISTRATION_DELAY_SECONDS),
    });
    this.tlsTargetGroup = new elbv2.NetworkTargetGroup(this, 'TlsTargetGroup', {
      vpc,
      targetType: elbv2.TargetType.IP,
      protocol: elbv2.Protocol.TCP,
      port: TURN_PORT,
      healthCheck,
      deregistrationDelay: Duration.seconds(TURN_DEREGISTRATION_DELAY_SECONDS),
    });

    this.udpListener = this.loadBalancer.addListener('Udp', {
      port: TURN_PORT,
      protocol: elbv2.Protocol.UDP,
      defaultTargetGroups: [this.udpTargetGroup],
    });
    this.tlsListener = this.loadBalancer.addListener('Tls', {
      port: TURN_TLS_PORT,
      protocol: elbv2.Protocol.TLS,
      certificates: [elbv2.ListenerCertificate.fromCertificateManager(props.certificate)],
      sslPolicy: NLB_SSL_POLICY,
      defaultTargetGroups: [this.tlsTargetGroup],
    });
  }
}
