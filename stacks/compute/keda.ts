import type * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { KEDA_BUS_POLICY, KEDA_CHART_REPOSITORY, KEDA_NAMESPACE, KEDA_OPERATOR_SERVICE_ACCOUNT, KEDA_VERSION } from '../../lib/facts/keda';
import { busPolicyName } from '../../lib/facts/names/bus';
import { podRoleName } from '../../lib/facts/names/compute';
import { PodRole } from './pod-role';

export interface KedaProps {
  readonly cluster: eks.Cluster;
  /** The cluster's name as a literal (lib/facts/names/compute.ts clusterName). */
  readonly clusterName: string;
  readonly environment: string;
  readonly region: string;
}

/**
 * KEDA in one region's cluster: the Helm release in its own namespace and its operator's Pod Identity role, which
 * holds the bus stack's lag-reader policy (attached by name: the bus stack deploys first) and may read CloudWatch
 * metrics (chat's sockets). The
 * ScaledObjects and their TriggerAuthentication are manifests (k8s/consumers-chart.ts), applied after the release
 * has installed the CRDs.
 */
export class Keda extends Construct {
  readonly operator: PodRole;
  readonly chart: eks.HelmChart;

  constructor(scope: Construct, id: string, props: KedaProps) {
    super(scope, id);
    const { cluster, clusterName } = props;
    this.operator = new PodRole(this, 'Operator', {
      clusterName: cluster.clusterName,
      roleName: podRoleName(props.environment, props.region, 'keda'),
      description: `KEDA operator of ${clusterName}: read the event consumers' lag on the region's bus`,
      namespace: KEDA_NAMESPACE,
      serviceAccount: KEDA_OPERATOR_SERVICE_ACCOUNT,
      managedPolicies: [iam.ManagedPolicy.fromManagedPolicyName(this, 'BusPolicy', busPolicyName(props.environment, props.region, KEDA_BUS_POLICY))],
      // Chat's open sockets (CHAT_SOCKETS_METRIC), read by its ScaledObject's CloudWatch trigger.
      statements: [new iam.PolicyStatement({ sid: 'ReadMetrics', actions: ['cloudwatch:GetMetricData'], resources: ['*'] })],
    });
    this.chart = cluster.addHelmChart('Keda', {
      chart: 'keda',
      repository: KEDA_CHART_REPOSITORY,
      version: KEDA_VERSION,
      release: 'keda',
      namespace: KEDA_NAMESPACE,
      createNamespace: true,
      wait: true,
      values: {
        serviceAccount: { operator: { create: true, name: KEDA_OPERATOR_SERVICE_ACCOUNT } },
        // Pods cannot reach the instance metadata service (hop limit 1), where the SDK would find the region.
        env: [{ name: 'AWS_REGION', value: props.region }],
      },
    });
    this.chart.node.addDependency(this.operator.association);
  }
}
