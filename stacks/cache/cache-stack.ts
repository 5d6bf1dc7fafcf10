import { ArnFormat, CfnOutput, Duration, Fn } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { CACHE_PORT } from '../../lib/facts/valkey';
import { cacheEndpointName, cacheKeyAlias, cacheLogGroupName, cachePolicyName, cacheReplicationGroupId, cacheZoneName } from '../../lib/facts/names/cache';
import { PROBE } from '../../lib/facts/names/k8s';
import { pascalCase } from '../../lib/util/strings';
import { serviceParameterName } from '../../lib/facts/names/services';
import type { ServiceName } from '../../lib/facts/services';
import { allowLogsToUseKey } from '../logs-key-grant';
import { RegionalStack, type RegionalStackProps } from '../regional-stack';
import { ValkeyCluster } from './valkey-cluster';
import { ValkeyUsers } from './valkey-users';
import { customerKey } from '../customer-key';
import { TierAlarms } from '../observability/tier-alarms';
import { regionAlarmCatalog } from '../../lib/views/alarm-catalog';

export interface CacheStackProps extends Omit<RegionalStackProps, 'concern'> {
  /** The region's VPC (from the network stack); the cache lives in its isolated subnets. */
  readonly vpc: ec2.IVpc;
}

/**
 * `<env>-<region>-cache`: the region's L2 cache, a Valkey cluster (cluster mode, Multi-AZ, TLS required, encrypted
 * with the region's cache key) that services reach only from the compute subnets and only as their own
 * IAM-authenticated RBAC user. It publishes its configuration endpoint in SSM and as outputs, and one managed policy
 * per service that the compute stacks attach to the service's pod role. Nothing here refers to another region.
 */
export class CacheStack extends RegionalStack {
  /** Customer-managed key of the region's cache: node storage, snapshots, logs, the default user's secret. */
  readonly key: kms.Key;
  /** Attached to every node: admits the cache port from the compute subnets only. */
  readonly securityGroup: ec2.SecurityGroup;
  /** The RBAC user group: the disabled `default` user and one IAM-authenticated user per cache service. */
  readonly users: ValkeyUsers;
  /** The replication group with its parameter group, subnet group and log groups. */
  readonly cluster: ValkeyCluster;
  /** Per service with a cache user: `elasticache:Connect` to this cluster as that user, nothing else. */
  readonly connectPolicies: ReadonlyMap<ServiceName, iam.ManagedPolicy>;
  /** The probe's: `elasticache:Connect` to this cluster as its own user (the probe's pod role carries it). */
  readonly probeConnectPolicy: iam.ManagedPolicy;
  /** Private zone holding `cacheEndpointName(env)`, an alias of the configuration endpoint. */
  readonly zone: route53.PrivateHostedZone;
  /** `<address>:<port>` of the configuration endpoint, also in SSM (`serviceParameterName(env, 'cache/configuration-endpoint')`). */
  readonly configurationEndpoint: string;
  /** Every node's hit rate, CPU, memory, evictions and replication lag (lib/views/alarm-catalog.ts), and their composite. */
  readonly alarms: TierAlarms;

  constructor(scope: Construct, id: string, props: CacheStackProps) {
    super(scope, id, { ...props, concern: 'cache' });
    const { environment, region, vpc } = props;
    const env = environment.name;
    const replicationGroupId = cacheReplicationGroupId(env);
    const logGroupNames = { engine: cacheLogGroupName(env, region.name, 'engine'), slow: cacheLogGroupName(env, region.name, 'slow') };

    this.key = customerKey(this, 'CacheKey', {
      description: `Cache of ${env} in ${region.name}: Valkey storage and snapshots, engine and slow logs, default user secret`,
      alias: cacheKeyAlias(env),
    });
    // CloudWatch Logs encrypts the cache's two log groups with this key, and no other group.
    allowLogsToUseKey(this.key, logGroupNames.engine);
    allowLogsToUseKey(this.key, logGroupNames.slow);

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: `Valkey cache ${replicationGroupId}: TLS on ${CACHE_PORT} from compute subnets only`,
      allowAllOutbound: false,
    });
    // Literal CIDRs from the plan, so the rule a reviewer reads is the rule that applies.
    for (const [i, cidr] of region.computeCidrs.entries()) {
      this.securityGroup.addIngressRule(ec2.Peer.ipv4(cidr), ec2.Port.tcp(CACHE_PORT), `Valkey from compute subnet ${i + 1}`);
    }

    this.users = new ValkeyUsers(this, 'Rbac', { environment: env, engine: environment.cache.engine, key: this.key });

    this.cluster = new ValkeyCluster(this, 'Valkey', {
      replicationGroupId,
      description: `L2 cache of ${env} in ${region.name}`,
      cache: environment.cache,
      vpc,
      securityGroup: this.securityGroup,
      key: this.key,
      userGroup: this.users.userGroup,
      engineLogGroupName: logGroupNames.engine,
      slowLogGroupName: logGroupNames.slow,
      port: CACHE_PORT,
    });

    // IAM authentication checks elasticache:Connect on both the replication group and the user (ElastiCache User
    // Guide, "Authenticating with IAM"). Literal ARNs: an auditor reads which user each policy names.
    const arn = (resource: 'replicationgroup' | 'user', name: string): string =>
      this.formatArn({ service: 'elasticache', resource, resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const connectPolicy = (who: string, user: elasticache.CfnUser): iam.ManagedPolicy =>
      new iam.ManagedPolicy(this, `${pascalCase(who)}ConnectPolicy`, {
        managedPolicyName: cachePolicyName(env, region.name, who),
        description: `${who}: connect to the ${env} cache in ${region.name} as ${user.userName}`,
        statements: [
          new iam.PolicyStatement({
            actions: ['elasticache:Connect'],
            resources: [arn('replicationgroup', replicationGroupId), arn('user', user.userId)],
          }),
        ],
      });
    this.connectPolicies = new Map([...this.users.serviceUsers].map(([service, user]) => [service, connectPolicy(service, user)]));
    this.probeConnectPolicy = connectPolicy(PROBE, this.users.probeUser);

    const rg = this.cluster.replicationGroup;
    this.configurationEndpoint = Fn.join(':', [rg.attrConfigurationEndPointAddress, rg.attrConfigurationEndPointPort]);
    new ssm.StringParameter(this, 'ConfigurationEndpointParameter', {
      parameterName: serviceParameterName(env, 'cache/configuration-endpoint'),
      description: `Configuration endpoint (address:port, TLS) of the ${env} cache in ${region.name}`,
      stringValue: this.configurationEndpoint,
    });
    // Stable output ids: other stacks read them with weak references (Fn::GetStackOutput), never imports.
    new CfnOutput(this, 'ConfigurationEndpoint', { value: this.configurationEndpoint, description: 'address:port of the configuration endpoint' });
    new CfnOutput(this, 'ConfigurationEndpointAddress', { value: rg.attrConfigurationEndPointAddress });
    new CfnOutput(this, 'ConfigurationEndpointPort', { value: rg.attrConfigurationEndPointPort });

    // A name the probe's target can carry before the cache exists (lib/views/probe-target.ts): an alias of the
    // configuration endpoint in a private zone of the VPC. Clients follow it to the endpoint's own name for TLS.
    this.zone = new route53.PrivateHostedZone(this, 'Zone', { zoneName: cacheZoneName(env), vpc, comment: `Cache endpoint of ${env} in ${region.name}` });
    new route53.CnameRecord(this, 'EndpointAlias', {
      zone: this.zone,
      recordName: cacheEndpointName(env),
      domainName: rg.attrConfigurationEndPointAddress,
      ttl: Duration.minutes(5),
      comment: `Configuration endpoint of ${replicationGroupId}`,
    });

    this.alarms = new TierAlarms(this, 'Alarms', { set: regionAlarmCatalog(environment, region).cache, environment: env });
  }
}
