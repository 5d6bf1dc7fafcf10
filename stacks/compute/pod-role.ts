import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/**
 * The principal every EKS Pod Identity role trusts: the Pod Identity service, allowed `sts:AssumeRole` and
 * `sts:TagSession` (it tags each session with the cluster, namespace and service account).
 */
export function podIdentityPrincipal(): iam.IPrincipal {
  return new iam.ServicePrincipal('pods.eks.amazonaws.com').withSessionTags();
}

export interface PodRoleProps {
  /** Name of the cluster whose pods assume the role. */
  readonly clusterName: string;
  /** IAM role name (lib/facts/names/compute.ts podRoleName). */
  readonly roleName: string;
  /** What the role is for, shown in IAM. */
  readonly description: string;
  /** Namespace of the service account. */
  readonly namespace: string;
  /** The service account whose pods receive the role's credentials. */
  readonly serviceAccount: string;
  /** What the pods may do. @default - nothing but what is added later */
  readonly statements?: readonly iam.PolicyStatement[];
  /** Customer-managed policies of other stacks, attached by reference. @default - none */
  readonly managedPolicies?: readonly iam.IManagedPolicy[];
}

/**
 * An IAM role for one Kubernetes service account through EKS Pod Identity: the role, trusted by the Pod Identity
 * service only, and the association binding it to `<namespace>/<serviceAccount>` of the cluster. No OIDC trust.
 */
export class PodRole extends Construct {
  readonly role: iam.Role;
  /** What the pods may do besides the attached managed policies; absent when the statements are none. */
  readonly policy?: iam.ManagedPolicy;
  readonly association: eks.CfnPodIdentityAssociation;

  constructor(scope: Construct, id: string, props: PodRoleProps) {
    super(scope, id);
    this.role = new iam.Role(this, 'Role', {
      roleName: props.roleName,
      description: props.description,
      assumedBy: podIdentityPrincipal(),
      managedPolicies: [...(props.managedPolicies ?? [])],
    });
    // A customer-managed policy rather than an inline one: NIST 800-53 (AC-6) wants permissions reviewable and
    // attachable as policies of their own.
    if ((props.statements ?? []).length > 0) {
      this.policy = new iam.ManagedPolicy(this, 'Policy', {
        description: `Pods of ${props.namespace}/${props.serviceAccount} on ${props.clusterName}`,
        statements: [...props.statements!],
        roles: [this.role],
      });
    }

    this.association = new eks.CfnPodIdentityAssociation(this, 'Association', {
      clusterName: props.clusterName,
      namespace: props.namespace,
      serviceAccount: props.serviceAccount,
      roleArn: this.role.roleArn,
    });
  }
}
