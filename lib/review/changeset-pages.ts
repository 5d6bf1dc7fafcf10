/**
 * Pages into change sets: DescribeChangeSet returns a change set's Changes in pages, each file one page; pages of one
 * change set (same ChangeSetId) are merged, and a change set that cannot be checked (a page missing, still being
 * created, failed, deleted) is refused with the command that fixes it.
 */
import { EXIT_BAD_INPUT, GigascaleError, type Issue } from '../util/errors';
import { defined, parseChangeSetPage, type ChangeSet, type ChangeSetInput, type ChangeSetPage } from './changeset';

/** The region of a CloudFormation ARN (`arn:aws:cloudformation:us-east-1:...`), for the commands an error suggests. */
const regionOf = (arn: string): string | undefined => /^arn:[^:]+:cloudformation:([a-z0-9-]+):/.exec(arn)?.[1];

/** `aws cloudformation <verb> --region R --stack-name S --change-set-name C`, as far as the change set tells. */
function awsCommand(verb: string, cs: Pick<ChangeSetPage, 'ChangeSetId' | 'StackName' | 'ChangeSetName'>): string {
  const region = regionOf(cs.ChangeSetId);
  return `aws cloudformation ${verb}${region ? ` --region ${region}` : ''} --stack-name ${cs.StackName} --change-set-name ${cs.ChangeSetName}`;
}

/**
 * What CloudFormation says when a change set changes nothing. `cdk deploy --method=prepare-change-set` keeps such a
 * change set (toolkit-lib's changeSetHasNoChanges matches the same two texts), so it is a complete, empty one.
 */
const NO_CHANGES = ["The submitted information didn't contain changes.", 'No updates are to be performed.'];
const hasNoChanges = (cs: Pick<ChangeSetPage, 'Status' | 'StatusReason'>): boolean =>
  cs.Status === 'FAILED' && NO_CHANGES.some((p) => (cs.StatusReason ?? '').startsWith(p));

/** Why a change set cannot be checked (still being created, failed, deleted), or undefined when it can. */
function statusProblem(cs: ChangeSet): string | undefined {
  const which = `change set ${cs.ChangeSetName} of stack ${cs.StackName}`;
  switch (cs.Status) {
    case 'CREATE_COMPLETE':
      return undefined;
    case 'CREATE_PENDING':
    case 'CREATE_IN_PROGRESS':
      return `${which} is still being created (Status ${cs.Status}), so its changes are not final: wait with ${awsCommand('wait change-set-create-complete', cs)}, then describe it again`;
    case 'FAILED':
      return hasNoChanges(cs)
        ? undefined
        : `${which} failed (${JSON.stringify(cs.StatusReason ?? 'no StatusReason')}): CloudFormation cannot execute it, so there is nothing to check; fix the cause and prepare it again`;
    default:
      return `${which} is deleted or being deleted (Status ${cs.Status}): prepare it again (review/change-sets.sh)`;
  }
}

/** Pages of one change set (same ChangeSetId) merged; issues when a page is missing or given twice. */
function mergePages(pages: readonly ChangeSetPage[]): { changeSet: ChangeSet; issues: Issue[] } {
  const first = pages[0];
  const files = pages.map((p) => p.file);
  const at = files.join(', ');
  const issues: Issue[] = [];
  const which = `change set ${first.ChangeSetName} of stack ${first.StackName}`;
  const last = pages.filter((p) => p.NextToken === undefined);
  const tokens = pages.flatMap((p) => (p.NextToken === undefined ? [] : [p.NextToken]));
  for (const p of pages.slice(1)) {
    if (p.StackName !== first.StackName) {
      issues.push({ at: p.file, message: `has the ChangeSetId of ${first.file} but StackName ${JSON.stringify(p.StackName)}, not ${JSON.stringify(first.StackName)}: pass the pages of one describe-change-set` });
    }
  }
  if (last.length === 0) {
    // Pagination: DescribeChangeSet returns at most 1 MB of Changes per call, and NextToken names the next page. A
    // page with NextToken is never the last one, so without a page lacking it, changes are missing.
    issues.push({
      at,
      message:
        `${which} is incomplete: every page given has a NextToken, so its last page is missing. Fetch every page: ` +
        `run review/change-sets.sh, or ${awsCommand('describe-change-set', first)} --output json (the AWS CLI follows ` +
        'NextToken itself unless --no-paginate is given), or pass each NextToken to --next-token until a page has none; ' +
        'then pass every page',
    });
  } else if (last.length > 1) {
    issues.push({ at: last.map((p) => p.file).join(', '), message: `are each the last page of ${which} (no NextToken): the same page was given twice; pass each page once` });
  }
  const repeated = tokens.filter((t, i) => tokens.indexOf(t) !== i);
  if (repeated.length > 0) {
    issues.push({ at, message: `give the same page of ${which} twice (NextToken ${JSON.stringify(repeated[0])}); pass each page once` });
  }
  // The last page's status is the latest, should the change set have moved on between two calls.
  const final = last[0] ?? first;
  const changeSet: ChangeSet = defined({
    ChangeSetName: final.ChangeSetName,
    ChangeSetId: final.ChangeSetId,
    StackName: final.StackName,
    Status: final.Status,
    StatusReason: final.StatusReason,
    ExecutionStatus: final.ExecutionStatus,
    files,
    Changes: pages.flatMap((p) => p.Changes),
  });
  return { changeSet, issues };
}

/**
 * The change sets in the files: each file parsed and checked, pages of one change set (same ChangeSetId) merged, in
 * the order first given. Throws one GigascaleError (exit 2) with every problem: a bad field, a missing or repeated
 * page, a change set still being created, failed or deleted.
 */
export function loadChangeSets(inputs: readonly ChangeSetInput[]): ChangeSet[] {
  const issues: Issue[] = [];
  const pages: ChangeSetPage[] = [];
  const seen = new Set<string>();
  for (const input of inputs) {
    if (seen.has(input.file)) {
      issues.push({ at: input.file, message: 'is given twice; pass each file once' });
      continue;
    }
    seen.add(input.file);
    if ('unreadable' in input) {
      issues.push({ at: input.file, message: `cannot be read: ${input.unreadable}` });
      continue;
    }
    const { page, problems } = parseChangeSetPage(input.file, input.text);
    issues.push(...problems.map((message) => ({ at: input.file, message })));
    if (page) pages.push(page);
  }
  // Pagination is judged on valid files only: with one unreadable, "incomplete" would be a guess.
  if (issues.length > 0) throw new GigascaleError('Invalid change sets', issues, EXIT_BAD_INPUT);

  const byId = new Map<string, ChangeSetPage[]>();
  for (const p of pages) byId.set(p.ChangeSetId, [...(byId.get(p.ChangeSetId) ?? []), p]);
  const changeSets: ChangeSet[] = [];
  for (const group of byId.values()) {
    const merged = mergePages(group);
    issues.push(...merged.issues);
    const status = merged.issues.length === 0 ? statusProblem(merged.changeSet) : undefined;
    if (status) issues.push({ at: merged.changeSet.files.join(', '), message: status });
    changeSets.push(merged.changeSet);
  }
  if (issues.length > 0) throw new GigascaleError('Invalid change sets', issues, EXIT_BAD_INPUT);
  return changeSets;
}
