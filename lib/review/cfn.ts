/**
 * One stack's CloudFormation change, base -> head, from `@aws-cdk/cloudformation-diff` (the diff engine of `cdk diff`,
 * whose resource specification knows which property changes replace a resource), with the IAM and security-group
 * changes as `cdk diff` tabulates them, and the guard's findings: stateful resources replaced or removed, and Kafka
 * topics given fewer partitions.
 */
import { fullDiff, ResourceImpact, type PropertyDifference, type ResourceDifference } from '@aws-cdk/cloudformation-diff';
import { isRecord } from '../util/json';
import type { DestructiveChange, DestructiveFinding } from './guard';
import { isStateful } from './stateful';

/** A synthesized template, as much of it as the review reads. */
export interface CfnTemplate {
  readonly Resources?: Readonly<Record<string, CfnResource>>;
  readonly [section: string]: unknown;
}

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Readonly<Record<string, unknown>>;
  readonly Metadata?: Readonly<Record<string, unknown>>;
  readonly DeletionPolicy?: string;
  readonly [key: string]: unknown;
}

/** One stack of one side of the review. */
export interface StackInput {
  readonly stage: string;
  /** CloudFormation stack name (`prod-us-east-1-shards-0`): what identifies the deployed stack. */
  readonly stackName: string;
  /** Construct path of the stack (`prod-us-east-1/Shards0`). */
  readonly path: string;
  readonly template: CfnTemplate;
}

export type ResourceChangeKind = 'added' | 'removed' | 'replaced' | 'may be replaced' | 'modified';

export interface PropertyChangeJson {
  /** `Properties.<name>` or a resource attribute (`DeletionPolicy`, `DependsOn`, `Metadata`). */
  readonly name: string;
  /** `replace` / `may replace` when the change alone forces (or may force) a new resource. */
  readonly impact: 'update' | 'replace' | 'may replace';
  readonly before?: unknown;
  readonly after?: unknown;
}

export interface ResourceChangeJson {
  readonly logical_id: string;
  readonly type: string;
  /** Construct path, without trailing `/Resource` and `/Default` segments (the L1 of an L2, a custom resource's). */
  readonly path: string;
  readonly change: ResourceChangeKind;
  /** Removed resources: true when DeletionPolicy Retain leaves it in the account, outside CloudFormation. */
  readonly orphaned?: boolean;
  /** What changed, for replaced and modified resources. */
  readonly properties: readonly PropertyChangeJson[];
}

export type StackStatus = 'added' | 'removed' | 'changed' | 'unchanged';

export interface StackReviewJson {
  readonly stage: string;
  readonly stack: string;
  readonly path: string;
  readonly status: StackStatus;
  /** Changed resources by logical id. */
  readonly resources: readonly ResourceChangeJson[];
  /** Outputs, parameters, conditions and other template sections that changed, as `<section> <name> <change>`. */
  readonly other: readonly string[];
  /** `cdk diff`'s IAM statement table (header first), or empty when no statement changes. */
  readonly iam_statements: readonly (readonly string[])[];
  /** `cdk diff`'s managed policy table (header first), or empty. */
  readonly iam_managed_policies: readonly (readonly string[])[];
  /** `cdk diff`'s security group rule table (header first), or empty. */
  readonly security_group_rules: readonly (readonly string[])[];
}

/** Rows of a `cdk diff` table, without its header. */
const rowCount = (table: readonly (readonly string[])[]): number => Math.max(0, table.length - 1);
/** IAM statements and managed policies added or removed in a stack. */
export const iamChangeCount = (s: StackReviewJson): number => rowCount(s.iam_statements) + rowCount(s.iam_managed_policies);
/** Security-group rules added or removed in a stack. */
export const securityGroupChangeCount = (s: StackReviewJson): number => rowCount(s.security_group_rules);

export interface StackReview {
  readonly json: StackReviewJson;
  readonly findings: readonly DestructiveFinding[];
}

/** The construct path of a resource from its `aws:cdk:path` metadata, or `<stack path>/<logical id>` without it. */
export function resourcePath(stackPath: string, logicalId: string, resource: CfnResource | undefined): string {
  const recorded = resource?.Metadata?.['aws:cdk:path'];
  return typeof recorded === 'string' ? recorded.replace(/(\/(Resource|Default))+$/, '') : `${stackPath}/${logicalId}`;
}

// cloudformation-diff colours its tables with chalk; the review prints them as text, Markdown and JSON.
const ANSI = /\u001b\[[0-9;]*m/g;
const plainRows = (rows: string[][]): string[][] => (rows.length <= 1 ? [] : rows.map((r) => r.map((c) => c.replace(ANSI, ''))));

const IMPACT: Partial<Record<ResourceImpact, PropertyChangeJson['impact']>> = {
  [ResourceImpact.WILL_REPLACE]: 'replace',
  [ResourceImpact.MAY_REPLACE]: 'may replace',
};

function propertyChanges(diff: ResourceDifference): PropertyChangeJson[] {
  const out: PropertyChangeJson[] = [];
  diff.forEachDifference((kind, name, value) => {
    const impact = IMPACT[(value as PropertyDifference<unknown>).changeImpact as ResourceImpact] ?? 'update';
    out.push({ name: kind === 'Property' ? `Properties.${name}` : name, impact, before: value.oldValue, after: value.newValue });
  });
  return out;
}

function changeKind(diff: ResourceDifference): ResourceChangeKind {
  if (diff.isAddition) return 'added';
  if (diff.isRemoval) return 'removed';
  switch (diff.changeImpact) {
    case ResourceImpact.WILL_REPLACE:
      return 'replaced';
    case ResourceImpact.MAY_REPLACE:
      return 'may be replaced';
    default:
      return 'modified';
  }
}

const short = (v: unknown): string => {
  const text = JSON.stringify(v) ?? 'absent';
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
};

/** Why a removed stateful resource is gone, with the addition that looks like its successor (a renamed construct). */
function removalCause(logicalId: string, removed: CfnResource, added: ReadonlyMap<string, CfnResource>, stackPath: string): string {
  const twin = [...added].find(([, r]) => r.Type === removed.Type && JSON.stringify(r.Properties ?? {}) === JSON.stringify(removed.Properties ?? {}));
  const base = `logical id ${logicalId} is no longer in the template`;
  if (!twin) return `${base} (the resource or its construct was deleted)`;
  return `${base}; the same properties come back as ${twin[0]} (${resourcePath(stackPath, twin[0], twin[1])}): a construct renamed or moved, which CloudFormation does as create-new, delete-old`;
}

/**
 * The template without AWS::CDK::Metadata: the CDK's usage analytics, which change whenever the construct tree does
 * and deploy nothing (`cdk diff` leaves them out too).
 */
function withoutAnalytics(template: CfnTemplate): CfnTemplate {
  if (!template.Resources) return template;
  const Resources = Object.fromEntries(Object.entries(template.Resources).filter(([, r]) => r.Type !== 'AWS::CDK::Metadata'));
  return { ...template, Resources };
}

/** Compares one stack of the base with the same stack (by name) of the head; either may be absent. */
export function reviewStack(base: StackInput | undefined, head: StackInput | undefined): StackReview {
  const any = (head ?? base)!;
  const oldTemplate = withoutAnalytics(base?.template ?? {});
  const newTemplate = withoutAnalytics(head?.template ?? {});
  const diff = fullDiff(structuredClone(oldTemplate) as Record<string, unknown>, structuredClone(newTemplate) as Record<string, unknown>);
  const oldResources = oldTemplate.Resources ?? {};
  const newResources = newTemplate.Resources ?? {};
  const stackPath = any.path;
  const findings: DestructiveFinding[] = [];
  const resources: ResourceChangeJson[] = [];
  const addedResources = new Map<string, CfnResource>();
  diff.resources.forEachDifference((id, d) => {
    if (d.isAddition) addedResources.set(id, newResources[id]);
  });

  diff.resources.forEachDifference((logicalId, d) => {
    const change = changeKind(d);
    const resource = change === 'removed' ? oldResources[logicalId] : newResources[logicalId];
    const type = d.newResourceType ?? d.oldResourceType ?? resource?.Type ?? 'unknown';
    const path = resourcePath(stackPath, logicalId, resource ?? oldResources[logicalId]);
    const properties = change === 'added' || change === 'removed' ? [] : propertyChanges(d);
    resources.push({
      logical_id: logicalId,
      type,
      path,
      change,
      ...(change === 'removed' ? { orphaned: oldResources[logicalId]?.DeletionPolicy === 'Retain' } : {}),
      properties,
    });
    const finding = (destructive: DestructiveChange, cause: string): void => {
      findings.push({ stage: any.stage, stack: any.stackName, logicalId, path, type, change: destructive, cause });
    };
    const oldType = d.oldResourceType;
    if (change === 'removed' && isStateful(oldType)) {
      finding(head ? 'remove' : 'remove with stack', head ? removalCause(logicalId, oldResources[logicalId], addedResources, stackPath) : `stack ${any.stackName} is removed`);
    } else if ((change === 'replaced' || change === 'may be replaced') && (isStateful(oldType) || isStateful(d.newResourceType))) {
      const forcing = properties.filter((p) => p.impact !== 'update');
      const cause = forcing.length > 0 ? forcing.map((p) => `${p.name} ${short(p.before)} -> ${short(p.after)}`).join('; ') : 'the resource type changes';
      finding(change === 'replaced' ? 'replace' : 'may replace', `${cause} (${change === 'replaced' ? 'forces' : 'may force'} a replacement)`);
    } else if (change === 'modified' && type === 'AWS::MSK::Topic') {
      const count = properties.find((p) => p.name === 'Properties.PartitionCount');
      if (count && typeof count.before === 'number' && typeof count.after === 'number' && count.after < count.before) {
        finding('lower partitions', `Properties.PartitionCount ${count.before} -> ${count.after}: Kafka cannot remove partitions, and MSK refuses the update`);
      }
    }
  });

  const other: string[] = [];
  for (const [section, collection] of [
    ['Output', diff.outputs],
    ['Parameter', diff.parameters],
    ['Condition', diff.conditions],
    ['Mapping', diff.mappings],
  ] as const) {
    collection.forEachDifference((name, d) => other.push(`${section} ${name} ${d.isAddition ? 'added' : d.isRemoval ? 'removed' : 'changed'}`));
  }
  diff.unknown.forEachDifference((name) => other.push(`${name} changed`));

  const status: StackStatus = !base ? 'added' : !head ? 'removed' : diff.isEmpty ? 'unchanged' : 'changed';
  return {
    json: {
      stage: any.stage,
      stack: any.stackName,
      path: stackPath,
      status,
      resources,
      other,
      iam_statements: plainRows(diff.iamChanges.summarizeStatements()),
      iam_managed_policies: plainRows(diff.iamChanges.summarizeManagedPolicies()),
      security_group_rules: plainRows(diff.securityGroupChanges.summarize()),
    },
    findings,
  };
}

/** True when a value parsed from a template file looks like one (an object, with Resources an object if present). */
export function isCfnTemplate(value: unknown): value is CfnTemplate {
  return isRecord(value) && (value.Resources === undefined || isRecord(value.Resources));
}
