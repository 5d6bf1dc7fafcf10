/**
 * The review's guard on change sets: a stateful resource (lib/review/stateful.ts) that the change set removes,
 * replaces (Replacement True) or may replace (Replacement Conditional, or an action CloudFormation cannot determine),
 * with the details that force it as the cause, at the construct path the assembly's template records.
 */
import { EXIT_BAD_INPUT, GigascaleError, type Issue } from '../util/errors';
import { resourcePath, type StackInput } from './cfn';
import type { ChangeAction, ChangeSet, ResourceChange, ResourceChangeDetail } from './changeset';
import type { DestructiveChange, DestructiveFinding } from './guard';
import { isStateful } from './stateful';

/** `Properties.DBClusterIdentifier requires recreation Always (Static, DirectModification)`. */
function detailCause(d: ResourceChangeDetail): string {
  const target = d.Target ?? {};
  const name = [target.Attribute ?? 'an attribute', target.Name].filter((x) => x !== undefined).join('.');
  const source = [d.Evaluation, [d.ChangeSource, d.CausingEntity].filter((x) => x !== undefined).join(' ')].filter((x) => x);
  return `${name} requires recreation ${target.RequiresRecreation}${source.length > 0 ? ` (${source.join(', ')})` : ''}`;
}

/** The details that force (or may force) a new resource, each once, most intrusive first. */
function forcingCauses(rc: ResourceChange): string[] {
  const forcing = rc.Details.filter((d) => d.Target?.RequiresRecreation === 'Always' || d.Target?.RequiresRecreation === 'Conditionally');
  const ordered = [...forcing.filter((d) => d.Target?.RequiresRecreation === 'Always'), ...forcing.filter((d) => d.Target?.RequiresRecreation !== 'Always')];
  return [...new Set(ordered.map(detailCause))];
}

const policy = (rc: ResourceChange): string => (rc.PolicyAction ? `; PolicyAction ${rc.PolicyAction}` : '');

/** The guard's verdict on one resource change: its destructive change and cause, or undefined when it keeps state. */
export function destructiveChange(rc: ResourceChange): { change: DestructiveChange; cause: string } | undefined {
  if (!isStateful(rc.ResourceType)) return undefined;
  if (rc.Action === 'Remove') return { change: 'remove', cause: `the change set removes it${policy(rc)}` };
  if (rc.Action !== 'Modify' && rc.Action !== 'Dynamic') return undefined;
  const causes = forcingCauses(rc);
  const forcing = causes.length > 0 ? causes.join('; ') : `Replacement ${rc.Replacement}, with no detail naming a property that requires recreation`;
  if (rc.Replacement === 'True') return { change: 'replace', cause: `${forcing}${policy(rc)}` };
  if (rc.Replacement === 'Conditional') return { change: 'may replace', cause: `${forcing}${policy(rc)}` };
  // Dynamic: CloudFormation cannot tell before executing what it will do to the resource, so a stateful one may be
  // replaced as far as anyone can say.
  if (rc.Action === 'Dynamic') return { change: 'may replace', cause: `the change set cannot determine the action (Action Dynamic)${policy(rc)}` };
  return undefined;
}

/** Actions whose resource is in the template the change set was created from (a Remove's is not). */
const IN_TEMPLATE: readonly ChangeAction[] = ['Add', 'Modify', 'Import'];

/**
 * The destructive changes of each change set, with stage and construct path from the stack of the assembly that has
 * its StackName. Throws one GigascaleError (exit 2) when a change set's stack is not in the assembly, or names a
 * resource its template lacks: then the change set was created from another synth, and paths would be guesses.
 */
export function changeSetFindings(changeSets: readonly ChangeSet[], stacks: readonly StackInput[], assembly: string): Map<ChangeSet, DestructiveFinding[]> {
  const issues: Issue[] = [];
  const byName = new Map<string, StackInput[]>();
  for (const s of stacks) byName.set(s.stackName, [...(byName.get(s.stackName) ?? []), s]);
  const stages = [...new Set(stacks.map((s) => s.stage))];
  const out = new Map<ChangeSet, DestructiveFinding[]>();
  for (const cs of changeSets) {
    const at = cs.files.join(', ');
    const matches = byName.get(cs.StackName) ?? [];
    if (matches.length !== 1) {
      issues.push({
        at,
        message:
          matches.length === 0
            ? `change set ${cs.ChangeSetName} is for stack ${cs.StackName}, which assembly ${assembly} does not hold (its stages: ${stages.join(', ') || 'none'}); pass --assembly with the synth output the change set was created from`
            : `change set ${cs.ChangeSetName} is for stack ${cs.StackName}, which assembly ${assembly} holds ${matches.length} times (${matches.map((m) => m.path).join(', ')}); pass --assembly with one synth output`,
      });
      continue;
    }
    const stack = matches[0];
    const resources = stack.template.Resources ?? {};
    const strangers = cs.Changes.filter((rc) => IN_TEMPLATE.includes(rc.Action) && !Object.hasOwn(resources, rc.LogicalResourceId)).map((rc) => rc.LogicalResourceId);
    if (strangers.length > 0) {
      issues.push({
        at,
        message: `change set ${cs.ChangeSetName} changes ${strangers.join(', ')}, which the template of ${stack.path} in ${assembly} does not have: it was created from another synth; pass --assembly with the synth output it was created from`,
      });
      continue;
    }
    out.set(
      cs,
      cs.Changes.flatMap((rc) => {
        const verdict = destructiveChange(rc);
        if (!verdict) return [];
        const resource = resources[rc.LogicalResourceId];
        // A removed resource is no longer in the template, and the change set carries no metadata: its path can only
        // be `<stack path>/<logical id>`, which no construct has, so only an allowance of the stack or above covers it.
        const cause = resource ? verdict.cause : `${verdict.cause} (gone from the synthesized template, so its construct path is unknown here: only an allowance of the stack or above covers it)`;
        const path = resourcePath(stack.path, rc.LogicalResourceId, resource);
        return [{ stage: stack.stage, stack: cs.StackName, logicalId: rc.LogicalResourceId, path, type: rc.ResourceType, change: verdict.change, cause }];
      }),
    );
  }
  if (issues.length > 0) throw new GigascaleError('Change sets not from this assembly', issues, EXIT_BAD_INPUT);
  return out;
}
