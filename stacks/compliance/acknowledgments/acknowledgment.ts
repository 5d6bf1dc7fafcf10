import { CfnResource, Stack } from 'aws-cdk-lib';

/** One accepted cdk-nag finding: which rule, on which resources, and why. */
export interface NagAcknowledgment {
  /** Rule as cdk-nag prints it after "Acknowledge with" (without the `[Resource::...]` or `[Action::...]` part when `wildcardResources` or `wildcardActions` is set). */
  readonly rule: string;
  /**
   * For a rule reported per wildcard resource: the wildcard ARNs (as literal strings in the policy) this entry accepts.
   * @default - the rule is acknowledged as written
   */
  readonly wildcardResources?: RegExp;
  /**
   * For a rule reported per wildcard action: the wildcard actions (`kms:GenerateDataKey*`) this entry accepts, each
   * acknowledged as `<rule>[Action::<action>]`; with `wildcardResources`, the entry accepts both kinds.
   * @default - none
   */
  readonly wildcardActions?: RegExp;
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
  if (a.wildcardResources === undefined && a.wildcardActions === undefined) return [a.rule];
  const document = Stack.of(node).resolve((node as unknown as { policyDocument?: unknown }).policyDocument) as
    | { Statement?: { Resource?: unknown; Action?: unknown }[] }
    | undefined;
  const statements = document?.Statement ?? [];
  const listed = (key: 'Resource' | 'Action'): unknown[] => statements.flatMap((s) => (Array.isArray(s[key]) ? s[key] : [s[key]]));
  const wildcards = (values: unknown[], pattern: RegExp | undefined): string[] =>
    pattern === undefined ? [] : [...new Set(values.filter((r): r is string => typeof r === 'string' && r.includes('*') && pattern.test(r)))];
  return [
    ...wildcards(listed('Resource').map(asNagPrintsIt), a.wildcardResources).map((arn) => `${a.rule}[Resource::${arn}]`),
    ...wildcards(listed('Action'), a.wildcardActions).map((action) => `${a.rule}[Action::${action}]`),
  ];
}

/**
 * A resource as cdk-nag prints it in a finding id: a string as is, an `Fn::Join` of strings, `Ref`s and
 * `Fn::GetAtt`s joined with each reference as `<Name>` or `<Name.Attribute>` (`arn:<AWS::Partition>:ec2:...`,
 * `<Bucket.Arn>/*`); anything else is left as it is and matches no pattern.
 */
function asNagPrintsIt(resource: unknown): unknown {
  const join = (resource as { 'Fn::Join'?: [string, unknown[]] } | undefined)?.['Fn::Join'];
  if (!join) return resource;
  const reference = (p: unknown): string | undefined => {
    if (typeof p === 'string') return p;
    const { Ref: ref, 'Fn::GetAtt': att } = p as { Ref?: unknown; 'Fn::GetAtt'?: unknown };
    if (typeof ref === 'string') return `<${ref}>`;
    if (Array.isArray(att) && att.length === 2 && att.every((x) => typeof x === 'string')) return `<${att.join('.')}>`;
    return undefined;
  };
  const parts = join[1].map(reference);
  return parts.every((p) => p !== undefined) ? parts.join(join[0]) : resource;
}
