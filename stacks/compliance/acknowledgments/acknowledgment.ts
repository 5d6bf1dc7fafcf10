import { CfnResource, Stack } from 'aws-cdk-lib';

/** One accepted cdk-nag finding: which rule, on which resources, and why. */
export interface NagAcknowledgment {
  /** Rule as cdk-nag prints it after "Acknowledge with" (without the `[Resource::...]` part when `wildcardResources` is set). */
  readonly rule: string;
  /**
   * For a rule reported per wildcard resource: the wildcard ARNs (as literal strings in the policy) this entry accepts.
   * @default - the rule is acknowledged as written
   */
  readonly wildcardResources?: RegExp;
  /** Why the finding is acceptable, for the reviewer and the auditor. */
  readonly reason: string;
  /** CloudFormation type of the resources covered. */
  readonly resourceType: string;
  /** Covers only resources whose construct path matches. */
  readonly pathPattern: RegExp;
}

/** Whether an acknowledgment covers a resource: its CloudFormation type and its construct path both match. */
export function covers(a: NagAcknowledgment, resource: CfnResource): boolean {
  return resource.cfnResourceType === a.resourceType && a.pathPattern.test(resource.node.path);
}

/**
 * The finding ids an acknowledgment accepts on one resource: its rule, or with `wildcardResources` one id per
 * matching wildcard ARN in the resource's policy document (`<rule>[Resource::<arn>]`, as cdk-nag prints it).
 */
export function acknowledgedFindings(node: CfnResource, a: NagAcknowledgment): string[] {
  if (a.wildcardResources === undefined) return [a.rule];
  const document = Stack.of(node).resolve((node as unknown as { policyDocument?: unknown }).policyDocument) as
    | { Statement?: { Resource?: unknown }[] }
    | undefined;
  const resources = (document?.Statement ?? []).flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource])).map(asNagPrintsIt);
  const wildcards = resources.filter((r): r is string => typeof r === 'string' && r.includes('*') && a.wildcardResources!.test(r));
  return [...new Set(wildcards)].map((arn) => `${a.rule}[Resource::${arn}]`);
}

/**
 * A resource as cdk-nag prints it in a finding id: a string as is, an `Fn::Join` of strings and `Ref`s joined with each
 * reference as `<Name>` (`arn:<AWS::Partition>:ec2:...`); anything else is left as it is and matches no pattern.
 */
function asNagPrintsIt(resource: unknown): unknown {
  const join = (resource as { 'Fn::Join'?: [string, unknown[]] } | undefined)?.['Fn::Join'];
  if (!join) return resource;
  const parts = join[1].map((p) => (typeof p === 'string' ? p : typeof (p as { Ref?: unknown }).Ref === 'string' ? `<${(p as { Ref: string }).Ref}>` : undefined));
  return parts.every((p) => p !== undefined) ? parts.join(join[0]) : resource;
}
