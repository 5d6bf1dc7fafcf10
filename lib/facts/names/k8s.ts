/**
 * Names of gigascale's Kubernetes objects in every cluster (k8s/ charts): namespaces, workloads and their service
 * accounts, ConfigMaps and Secrets. The migrations Jobs' names are in lib/facts/names/data.ts; what a Kubernetes name
 * may hold is in lib/facts/kubernetes.ts.
 */

import { PROJECT } from './stage';

/** Kubernetes namespace of gigascale's workloads. */
export const K8S_NAMESPACE = PROJECT;

/** Namespace of the TURN relay: it takes UDP from the internet, so it shares nothing with the services. */
export const TURN_NAMESPACE = `${PROJECT}-turn`;

/** The label that names a workload's pods (`app.kubernetes.io/name: gigascale-chat`): their selector everywhere. */
export const WORKLOAD_LABEL = 'app.kubernetes.io/name';

/** `gigascale-chat`: the Kubernetes name of a workload (Deployment, Service, ServiceAccount, HPA, PDB). */
export function workloadName(workload: string): string {
  return `${PROJECT}-${workload}`;
}

/**
 * `gigascale-chat`: the ServiceAccount a workload's pods run as (k8s/workload.ts). The compute stack's EKS Pod
 * Identity association names it, with K8S_NAMESPACE, to bind the workload's role (lib/facts/names/compute.ts
 * podRoleName).
 */
export function workloadServiceAccountName(workload: string): string {
  return workloadName(workload);
}

/** The probe CronJob's workload name: its CronJob, ServiceAccount and pod labels are `workloadName(PROBE)`. */
export const PROBE = 'probe';

/**
 * ConfigMap holding a region's service config: the shard map document (lib/views/shard-map-document.ts) and the cache,
 * media and bus document (lib/views/service-config-document.ts).
 */
export const SERVICE_CONFIG_CONFIGMAP = `${PROJECT}-service-config`;

/** ConfigMap holding the gateway's Envoy bootstrap (`envoy.json`, lib/views/envoy-config.ts). */
export const GATEWAY_ENVOY_CONFIGMAP = `${PROJECT}-gateway-envoy`;

/** ConfigMap holding the in-cluster probe's target file (`target.json`). */
export const PROBE_TARGET_CONFIGMAP = `${PROJECT}-probe-target`;

/** Kubernetes Secret (and its SecretProviderClass) the TURN relay reads its static auth secret from, key `secret`. */
export const TURN_AUTH_SECRET = `${PROJECT}-turn-auth`;

/**
 * The failure experiments' identity in the workloads' namespace (k8s/fis-chart.ts): the ServiceAccount and Role
 * `workloadName(FIS)` FIS's pod runs with, and the labels it is given (its NetworkPolicy selects them).
 */
export const FIS = 'fis';

/**
 * `gigascale-fis-experiment`: the Kubernetes user a pod experiment's role is mapped to by its EKS access entry; the
 * namespace's RoleBinding names it (AWS FIS User Guide, "Use the AWS FIS aws:eks:pod actions").
 */
export const FIS_KUBERNETES_USER = `${PROJECT}-fis-experiment`;
