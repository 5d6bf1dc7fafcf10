import { CfnOutput, Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { EnvironmentPlan } from '../../lib/plan';
import { ORIGIN_TOKEN_HEADER, ORIGIN_TOKEN_LENGTH, ORIGIN_TOKEN_ROTATION_DAYS, ORIGIN_TOKEN_SYNC_MINUTES } from '../../lib/facts/origin-protection';
import { GigascaleError, type Issue } from '../../lib/util/errors';
import {
  albLogAuditBucketName,
  INGRESS_METRIC_NAME_OUTPUTS,
  INGRESS_OUTPUTS,
  type IngressMetricName,
  albLogBucketName,
  apiHostname,
  ingressKeyAlias,
  originHostname,
  turnHostname,
  wafLogGroupName,
  webAclName,
} from '../../lib/facts/names/ingress';
import {
  edgeApiCredentialsSecretName,
  edgeMonitorDescription,
  edgeOriginTokenSecretName,
  originTokenFunctionName,
  originTokenLogGroupName,
  originTokenPatternSetName,
  type OriginTokenJob,
} from '../../lib/facts/names/edge';
import { customerKey } from '../customer-key';
import { RegionalStack, type RegionalStackProps } from '../regional-stack';
import { LoadBalancerLogBucket } from './load-balancer-log-bucket';
import { originCertificate } from './origin-certificate';
import { OriginLoadBalancer } from './origin-load-balancer';
import { OriginWebAcl } from './origin-web-acl';
import { OriginTokenPatterns } from './origin-token-patterns';
import { EdgeTokenSync } from './edge-token-sync';
import { SecretRotation } from '../secret-rotation';
import { encryptedLogGroup } from '../logs-key-grant';
import { TurnRelay } from './turn-relay';
import { TierAlarms } from '../observability/tier-alarms';
import { regionAlarmCatalog } from '../../lib/views/alarm-catalog';

export interface IngressStackProps extends Omit<RegionalStackProps, 'concern'> {
  /** The region's VPC (from the network stack); the load balancers sit in its public subnets. */
  readonly vpc: ec2.IVpc;
  /**
   * Prefix list of the region's NAT gateway addresses (the network stack's natPrefixList), admitted on the ALB's 443 so
   * the origin canary, running in the private subnets, reaches the ALB the way the edge does. @default - none
   */
  readonly natPrefixListId?: string;
}

/** The target groups the AWS Load Balancer Controller registers pods in (TargetGroupBinding manifests). */
export interface IngressTargetGroups {
  /** HTTPS listener's default: the gateway pods. */
  readonly gateway: elbv2.ApplicationTargetGroup;
  /** `/socket.io/*`, sticky: the gateway pods again (the gateway pins a session to its chat pod). */
  readonly chat: elbv2.ApplicationTargetGroup;
  /** TURN over UDP 3478: the relay pods on UDP 3478. */
  readonly turnUdp: elbv2.NetworkTargetGroup;
  /** TURN over TLS 5349, decrypted by the NLB: the relay pods on TCP 3478. */
  readonly turnTls: elbv2.NetworkTargetGroup;
}

/**
 * Days noncurrent log versions (left by expiry or deletion) are kept: long enough to notice and undo a deletion. The
 * plan has no ingress log sizes yet, so this is fixed here.
 */
export const NONCURRENT_LOG_VERSION_DAYS = 30;

/**
 * `<env>-<region>-ingress`: how traffic enters a region. The origin ALB the edge pulls from (edge ranges, plus the
 * region's NAT gateways on 443 for the origin canary; WAF, HTTPS with the region's certificate, the gateway pods behind
 * it, sticky for Socket.io), the TURN relay's NLB that WebRTC clients reach directly (UDP 3478, TLS 5349), the
 * certificate both use, their DNS names, and the bucket and log group their logs go to. The write region's stack also
 * holds the edge's origin token, replicated to the other regions, which the web ACL of every region requires on each
 * request: its rotation, and the sync that keeps Cloudflare sending its current value. Every region's stack keeps its
 * web ACL's accepted tokens equal to the secret (lib/facts/origin-protection.ts).
 *
 * Deletion protection is on from phase 4 (the phase that serves production traffic across regions); a phase-3
 * environment is a pilot that is torn down and rebuilt. Load balancer access logs and the WAF log are traffic records
 * like the VPC flow logs, and are kept as long (network.flowLogRetentionDays).
 */
export class IngressStack extends RegionalStack {
  /** The origin ALB. */
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  /** Security group of the ALB: 80 and 443 from the edge ranges, 443 from the NAT gateways; out to the VPC on the gateway port. */
  readonly albSecurityGroup: ec2.SecurityGroup;
  /** The TURN relay's NLB. */
  readonly turnLoadBalancer: elbv2.NetworkLoadBalancer;
  /** Security group of the NLB: UDP 3478 and TCP 5349 from anywhere; out to the VPC on 3478. */
  readonly nlbSecurityGroup: ec2.SecurityGroup;
  readonly targetGroups: IngressTargetGroups;
  /** Certificate of the ALB's HTTPS and the NLB's TLS listener: `origin-<region>.<domain>` and `turn-<region>.<domain>`. */
  readonly certificate: acm.ICertificate;
  /** Receives the ALB and NLB access logs. */
  readonly logBucket: LoadBalancerLogBucket;
  readonly webAcl: OriginWebAcl;
  /** Encrypts the WAF log group. */
  readonly key: kms.Key;
  /**
   * The edge's origin token (lib/facts/origin-protection.ts), in the write region only, replicated under the same name
   * to every other region of the environment; the web ACLs' syncs read it there.
   */
  readonly originTokenSecret?: secretsmanager.Secret;
  /** Rotates the origin token every ORIGIN_TOKEN_ROTATION_DAYS (write region only). */
  readonly originTokenRotation?: SecretRotation;
  /** Sets the token's current value at the edge (write region only). */
  readonly edgeTokenSync?: EdgeTokenSync;
  /** The tokens the region's web ACL accepts, and the function that keeps them equal to the secret. */
  readonly originTokens: OriginTokenPatterns;
  /** The ALB's 5xx share and target P95, healthy targets of every target group (lib/views/alarm-catalog.ts). */
  readonly alarms: TierAlarms;

  constructor(scope: Construct, id: string, props: IngressStackProps) {
    super(scope, id, { ...props, concern: 'ingress' });
    const { environment, region, vpc } = props;
    const { ingress, domain } = environment;
    const env = environment.name;
    validate(this, environment, region.name);

    const deletionProtection = environment.ingress.deletionProtection;
    const certificateArn = ingress.certificateArns[region.name] as string | undefined;
    const zone =
      ingress.hostedZoneId === null
        ? undefined
        : route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', { hostedZoneId: ingress.hostedZoneId, zoneName: domain });

    this.certificate = originCertificate(this, 'Certificate', {
      domainName: originHostname(domain, region.name),
      // The API name too: the edge sends origin-<region> as Host, and whichever of the two names Cloudflare puts in
      // SNI, Full (strict) TLS finds it on the certificate.
      subjectAlternativeNames: [apiHostname(domain), turnHostname(domain, region.name)],
      certificateArn,
      hostedZone: zone,
    });

    this.logBucket = new LoadBalancerLogBucket(this, 'Logs', {
      bucketName: albLogBucketName(env, environment.account, region.name),
      auditBucketName: albLogAuditBucketName(env, environment.account, region.name),
      logExpirationDays: environment.network.flowLogRetentionDays,
      noncurrentVersionExpirationDays: NONCURRENT_LOG_VERSION_DAYS,
    });

    const alb = new OriginLoadBalancer(this, 'Alb', {
      vpc,
      vpcCidr: region.cidr,
      edgeIpv4Cidrs: ingress.edgeIpv4Cidrs,
      natPrefixListId: props.natPrefixListId,
      certificate: this.certificate,
      idleTimeout: Duration.seconds(ingress.idleTimeoutSeconds),
      deletionProtection,
      logBucket: this.logBucket.bucket,
    });
    this.loadBalancer = alb.loadBalancer;
    this.albSecurityGroup = alb.securityGroup;

    const turn = new TurnRelay(this, 'Turn', {
      vpc,
      vpcCidr: region.cidr,
      certificate: this.certificate,
      deletionProtection,
      logBucket: this.logBucket.bucket,
    });
    this.turnLoadBalancer = turn.loadBalancer;
    this.nlbSecurityGroup = turn.securityGroup;

    this.targetGroups = {
      gateway: alb.gatewayTargetGroup,
      chat: alb.chatTargetGroup,
      turnUdp: turn.udpTargetGroup,
      turnTls: turn.tlsTargetGroup,
    };

    this.key = customerKey(this, 'IngressKey', {
      description: `Ingress of ${env} in ${region.name}: the WAF log group`,
      alias: ingressKeyAlias(env),
    });
    const logGroup = (job: OriginTokenJob, id: string) =>
      encryptedLogGroup(this, id, { logGroupName: originTokenLogGroupName(env, region.name, job), key: this.key, retentionDays: environment.compute.logRetentionDays });
    // Encrypted with the AWS-managed key: a replica under a customer key needs that key in the replica region before
    // this stack deploys, and the other regions' keys are created later by their own stacks.
    if (region.isWriteRegion) {
      const secret = new secretsmanager.Secret(this, 'EdgeOriginToken', {
        secretName: edgeOriginTokenSecretName(env),
        description: `Origin token of ${env}: the edge sends its current slot in ${ORIGIN_TOKEN_HEADER} and the ALBs' web ACLs accept every slot`,
        generateSecretString: { passwordLength: ORIGIN_TOKEN_LENGTH, excludePunctuation: true, includeSpace: false },
        replicaRegions: environment.regions.filter((r) => !r.isWriteRegion).map((r) => ({ region: r.name })),
        removalPolicy: RemovalPolicy.RETAIN,
      });
      this.originTokenSecret = secret;
      this.originTokenRotation = new SecretRotation(this, 'OriginTokenRotation', {
        secret,
        logGroup: logGroup('rotation', 'OriginTokenRotationLogs'),
        rotationDays: ORIGIN_TOKEN_ROTATION_DAYS,
        functionName: originTokenFunctionName(env, region.name, 'rotation'),
        subject: `the edge origin token of ${env}`,
      });
      this.edgeTokenSync = new EdgeTokenSync(this, 'EdgeTokenSync', {
        tokenSecret: secret,
        credentialsSecretName: edgeApiCredentialsSecretName(env),
        key: this.key,
        monitorDescription: edgeMonitorDescription(env),
        functionName: originTokenFunctionName(env, region.name, 'edge-sync'),
        logGroup: logGroup('edge-sync', 'EdgeTokenSyncLogs'),
        everyMinutes: ORIGIN_TOKEN_SYNC_MINUTES,
      });
    }

    // The sync reads the secret by name: here that is the secret above; the other regions read its replica, so the
    // write region's ingress stack deploys before theirs.
    this.originTokens = new OriginTokenPatterns(this, 'OriginTokens', {
      name: originTokenPatternSetName(env, region.name),
      secretName: edgeOriginTokenSecretName(env),
      secret: this.originTokenSecret,
      functionName: originTokenFunctionName(env, region.name, 'waf-sync'),
      logGroup: logGroup('waf-sync', 'OriginTokenSyncLogs'),
      everyMinutes: ORIGIN_TOKEN_SYNC_MINUTES,
    });
    this.webAcl = new OriginWebAcl(this, 'Waf', {
      name: webAclName(env, region.name),
      originTokenHeader: ORIGIN_TOKEN_HEADER,
      originTokens: this.originTokens,
      loadBalancerArn: this.loadBalancer.loadBalancerArn,
      rateLimitPer5Minutes: ingress.rateLimitPer5Minutes,
      logGroupName: wafLogGroupName(env, region.name),
      logRetentionDays: environment.network.flowLogRetentionDays,
      logKey: this.key,
    });

    // Without a Route 53 zone the records are the operator's to create (the config's certificateArns case).
    if (zone !== undefined) {
      // A only: the load balancers have no IPv6 addresses (see OriginLoadBalancer).
      new route53.ARecord(this, 'OriginRecord', {
        zone,
        recordName: originHostname(domain, region.name),
        target: route53.RecordTarget.fromAlias(new targets.LoadBalancerTarget(this.loadBalancer)),
      });
      new route53.ARecord(this, 'TurnRecord', {
        zone,
        recordName: turnHostname(domain, region.name),
        target: route53.RecordTarget.fromAlias(new targets.LoadBalancerTarget(this.turnLoadBalancer)),
      });
    }

    // Stable output ids: the compute stack and the TargetGroupBinding manifests read them as weak references.
    const outputs: Record<(typeof INGRESS_OUTPUTS)[keyof typeof INGRESS_OUTPUTS], { value: string; description: string }> = {
      [INGRESS_OUTPUTS.loadBalancerDnsName]: { value: this.loadBalancer.loadBalancerDnsName, description: `Origin ALB, ${originHostname(domain, region.name)}` },
      [INGRESS_OUTPUTS.turnLoadBalancerDnsName]: { value: this.turnLoadBalancer.loadBalancerDnsName, description: `TURN NLB, ${turnHostname(domain, region.name)}` },
      [INGRESS_OUTPUTS.albSecurityGroupId]: { value: this.albSecurityGroup.securityGroupId, description: 'Security group of the origin ALB' },
      [INGRESS_OUTPUTS.nlbSecurityGroupId]: { value: this.nlbSecurityGroup.securityGroupId, description: 'Security group of the TURN NLB' },
      [INGRESS_OUTPUTS.gatewayTargetGroupArn]: { value: this.targetGroups.gateway.targetGroupArn, description: 'Gateway pods (HTTPS default)' },
      [INGRESS_OUTPUTS.chatTargetGroupArn]: { value: this.targetGroups.chat.targetGroupArn, description: 'Gateway pods, sticky (/socket.io/*)' },
      [INGRESS_OUTPUTS.turnUdpTargetGroupArn]: { value: this.targetGroups.turnUdp.targetGroupArn, description: 'TURN relay pods, UDP 3478' },
      [INGRESS_OUTPUTS.turnTlsTargetGroupArn]: { value: this.targetGroups.turnTls.targetGroupArn, description: 'TURN relay pods, TCP 3478 (TLS 5349 at the NLB)' },
    };
    for (const [outputId, output] of Object.entries(outputs)) new CfnOutput(this, outputId, output);

    const metricNames: Record<IngressMetricName, string> = {
      loadBalancer: this.loadBalancer.loadBalancerFullName,
      gatewayTargetGroup: this.targetGroups.gateway.targetGroupFullName,
      chatTargetGroup: this.targetGroups.chat.targetGroupFullName,
      networkLoadBalancer: this.turnLoadBalancer.loadBalancerFullName,
      turnUdpTargetGroup: this.targetGroups.turnUdp.targetGroupFullName,
      turnTlsTargetGroup: this.targetGroups.turnTls.targetGroupFullName,
    };
    for (const [name, value] of Object.entries(metricNames) as [IngressMetricName, string][]) {
      new CfnOutput(this, INGRESS_METRIC_NAME_OUTPUTS[name], { value, description: `CloudWatch dimension value of the ${name} (its full name)` });
    }
    this.alarms = new TierAlarms(this, 'Alarms', { set: regionAlarmCatalog(environment, region).ingress, environment: environment.name, refs: metricNames });
  }
}

/** Every problem of the ingress slice this stack cannot build from, at once. */
function validate(scope: Construct, environment: EnvironmentPlan, region: string): void {
  const { ingress } = environment;
  const issues: Issue[] = [];
  if (ingress.edgeIpv4Cidrs.length === 0) {
    issues.push({
      at: scope.node.path,
      message:
        'ingress.edgeIpv4Cidrs must list at least one CIDR: the VPC has no IPv6, so the ALB admits IPv4 edge ranges only, ' +
        `got none (edgeIpv6Cidrs: ${ingress.edgeIpv6Cidrs.length})`,
    });
  }
  if (ingress.hostedZoneId === null && ingress.certificateArns[region] === undefined) {
    issues.push({
      at: scope.node.path,
      message: `ingress needs hostedZoneId (to validate a certificate) or certificateArns.${region}, got neither`,
    });
  }
  if (issues.length > 0) throw new GigascaleError('Invalid ingress', issues);
}
