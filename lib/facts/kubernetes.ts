/**
 * The Kubernetes version of every cluster and the libraries that must agree with it.
 *
 * - EKS: aws-cdk-lib 2.276's aws-eks-v2 knows versions up to 1.37, but the CDK applies manifests through a kubectl
 *   Lambda layer, and the newest one published is @aws-cdk/lambda-layer-kubectl-v35. So the clusters run 1.35, the
 *   newest version both support.
 * - Manifests: cdk8s-plus-33 is the newest cdk8s-plus line published (there is no -34 or -35). Every API it emits
 *   here (apps/v1, batch/v1, autoscaling/v2, policy/v1, networking.k8s.io/v1, core v1) is GA and unchanged in 1.35,
 *   and the rendered objects are validated against the 1.33 OpenAPI schema (test/k8s-schema.test.ts): a GA API only
 *   gains fields between minors, so what 1.33 accepts 1.35 serves.
 *
 * And what the names of Kubernetes objects may hold (DNS-1123), which the charts check their names against.
 */

/**
 * Tag EKS puts on the cluster security group (value: the cluster name), which every node uses: the managed nodes get
 * it from EKS, Karpenter's select it by this tag, and the load balancer controller may change only its rules.
 */
export const CLUSTER_SECURITY_GROUP_TAG = 'aws:eks:cluster-name';

/** `1.35`: the EKS version of every cluster (aws-eks-v2 `KubernetesVersion.of`). */
export const KUBERNETES_VERSION = '1.35';

/** The cdk8s-plus line the charts use (package `cdk8s-plus-33`), and the schema version manifests are validated against. */
export const CDK8S_PLUS_KUBERNETES_VERSION = '1.33';

/** DNS-1123 label: what a Job name must be (≤ 63, so the `job-name` label of its pods can carry it). */
export const DNS_LABEL = /^(?=.{1,63}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** DNS-1123 subdomain: what a Secret name must be. */
export const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * The `kubernetes` Service's cluster IP (the API server inside the cluster): the first address of the service CIDR
 * EKS assigns when none is configured, 172.20.0.0/16 for a VPC inside 10.0.0.0/8 and 10.100.0.0/16 otherwise, so that
 * the two never overlap (Amazon EKS User Guide, "Create an Amazon EKS cluster": Kubernetes service IPv4 range).
 */
export function kubernetesApiServiceIp(vpcCidr: string): string {
  return vpcCidr.startsWith('10.') ? '172.20.0.1' : '10.100.0.1';
}

/** Where the API server listens, behind its Service and at its endpoints (the control plane's network interfaces in the VPC). */
export const KUBERNETES_API_PORT = 443;
