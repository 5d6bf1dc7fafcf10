/**
 * KEDA objects as the charts write them (keda.sh/v1alpha1): a ScaledObject that scales a Deployment between the
 * planned bounds at the platform's rates (lib/facts/workloads.ts SCALE_UP, SCALE_DOWN), and the TriggerAuthentication
 * of the KEDA operator's own AWS credentials.
 */
import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import { KEDA_AWS_AUTHENTICATION, KEDA_COOLDOWN_SECONDS, KEDA_POLLING_SECONDS } from '../lib/facts/keda';
import { SCALE_DOWN, SCALE_UP, type ScalingRules } from '../lib/facts/workloads';

/** One trigger of a ScaledObject: its type and metadata (every value a string, as KEDA reads them). */
export interface KedaTrigger {
  readonly type: string;
  /** A name of the trigger's own, unique in the ScaledObject (KEDA names the HPA's metric after it). */
  readonly name: string;
  readonly metadata: Readonly<Record<string, string>>;
  /** `Utilization` for the cpu trigger; the others use AverageValue, KEDA's default. */
  readonly metricType?: 'Utilization' | 'AverageValue';
  /** The trigger authenticates with the KEDA operator's AWS credentials (KEDA_AWS_AUTHENTICATION). */
  readonly aws?: boolean;
}

export interface ScaledObjectProps {
  /** Name of the ScaledObject and of the Deployment it scales. */
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly triggers: readonly KedaTrigger[];
}

/** An HPA's scaling rules in the autoscaling/v2 form the ScaledObject passes on. */
function behavior(rules: ScalingRules): Record<string, unknown> {
  return { stabilizationWindowSeconds: rules.stabilizationWindowSeconds, selectPolicy: 'Max', policies: rules.policies.map((p) => ({ ...p })) };
}

export function scaledObject(scope: Construct, id: string, props: ScaledObjectProps): ApiObject {
  return new ApiObject(scope, id, {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: { name: props.name, labels: { ...props.labels } },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: props.name },
      minReplicaCount: props.minReplicas,
      maxReplicaCount: props.maxReplicas,
      pollingInterval: KEDA_POLLING_SECONDS,
      cooldownPeriod: KEDA_COOLDOWN_SECONDS,
      advanced: { horizontalPodAutoscalerConfig: { behavior: { scaleUp: behavior(SCALE_UP), scaleDown: behavior(SCALE_DOWN) } } },
      triggers: props.triggers.map((t) => ({
        type: t.type,
        name: t.name,
        ...(t.metricType === undefined ? {} : { metricType: t.metricType }),
        metadata: { ...t.metadata },
        ...(t.aws ? { authenticationRef: { name: KEDA_AWS_AUTHENTICATION } } : {}),
      })),
    },
  });
}

/** The TriggerAuthentication KEDA's AWS triggers use: the operator's own Pod Identity credentials. */
export function awsTriggerAuthentication(scope: Construct, id: string, labels: Readonly<Record<string, string>>): ApiObject {
  return new ApiObject(scope, id, {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'TriggerAuthentication',
    metadata: { name: KEDA_AWS_AUTHENTICATION, labels: { ...labels } },
    spec: { podIdentity: { provider: 'aws', identityOwner: 'keda' } },
  });
}
