/**
 * KEDA, the event-driven autoscaler of every cluster: the event consumers scale on their consumer groups' lag
 * (k8s/consumers-chart.ts). Installed by the compute stack (stacks/compute/keda.ts) from its Helm chart.
 */

/**
 * The KEDA release: chart `keda` of https://kedacore.github.io/charts at this version (app 2.21.1), with the
 * keda.sh/v1alpha1 API. Its ScaledObject and TriggerAuthentication schemas are test/fixtures/crds/keda.sh_*.json,
 * written from the 2.21 reference.
 */
export const KEDA_VERSION = '2.21.1';
export const KEDA_CHART_REPOSITORY = 'https://kedacore.github.io/charts';
/** KEDA's namespace and its operator's service account (its Pod Identity association names them). */
export const KEDA_NAMESPACE = 'keda';
export const KEDA_OPERATOR_SERVICE_ACCOUNT = 'keda-operator';
/**
 * The TriggerAuthentication every ScaledObject of the `gigascale` namespace uses: AWS credentials of the KEDA
 * operator's own Pod Identity role (`podIdentity.provider: aws`), which may read the consumer groups' offsets and
 * nothing else.
 */
export const KEDA_AWS_AUTHENTICATION = 'gigascale-aws';
/**
 * The bus stack's policy that lets KEDA read the consumers' lag, `busPolicyName(env, region, KEDA_BUS_POLICY)`,
 * attached to the operator's role by name.
 */
export const KEDA_BUS_POLICY = 'keda';
/** Seconds between KEDA's looks at a trigger, and before it scales an idle workload back to its floor. */
export const KEDA_POLLING_SECONDS = 15;
export const KEDA_COOLDOWN_SECONDS = 300;

/**
 * What chat publishes so it can scale on its open WebSockets: each pod sends, once a minute, the sockets it holds as
 * one EMF line to the CloudWatch agent on its node (HOST_IP, EMF_AGENT_PORT: both in its environment), in this
 * namespace and metric with one dimension, the stage. The Sum over a minute is then the region's sockets, and
 * KEDA's CloudWatch trigger keeps socketsPerChatPod / headroom of them per pod: the planner's own arithmetic.
 */
export const CHAT_SOCKETS_METRIC = { namespace: 'gigascale/chat', name: 'ConnectedSockets', dimension: 'Stage', periodSeconds: 60 } as const;
