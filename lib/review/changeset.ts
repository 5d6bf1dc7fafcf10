/**
 * The deploy-time backstop: CloudFormation's own change set, as `aws cloudformation describe-change-set --output json`
 * prints it, read and checked with the review's guard. A template diff can miss a replacement (aws-cdk#31426), so
 * before a change set is executed, CloudFormation's own `Replacement` and `Remove` are what count. Pure: the files'
 * texts come in, change sets and findings come out. This file reads one file's page; changeset-pages.ts merges
 * pages into change sets, changeset-guard.ts finds the destructive changes.
 *
 * Shapes follow the AWS CloudFormation API Reference (DescribeChangeSet, Change, ResourceChange,
 * ResourceChangeDetail, ResourceTargetDefinition); field names are AWS's own so each maps to its page.
 */
import { isRecord } from '../util/json';

// Valid values as the API Reference lists them. SyncWithActual is a drift-aware change set's action (the resource is
// not changed, only CloudFormation's record of it); it changes nothing, so the guard lets it pass.
export const CHANGE_ACTIONS = ['Add', 'Modify', 'Remove', 'Import', 'Dynamic', 'SyncWithActual'] as const;
export const REPLACEMENTS = ['True', 'False', 'Conditional'] as const;
export const RECREATIONS = ['Never', 'Conditionally', 'Always'] as const;
export const EVALUATIONS = ['Static', 'Dynamic'] as const;
export const POLICY_ACTIONS = ['Delete', 'Retain', 'Snapshot', 'ReplaceAndDelete', 'ReplaceAndRetain', 'ReplaceAndSnapshot'] as const;
export const CHANGE_SET_STATUSES = [
  'CREATE_PENDING',
  'CREATE_IN_PROGRESS',
  'CREATE_COMPLETE',
  'DELETE_PENDING',
  'DELETE_IN_PROGRESS',
  'DELETE_COMPLETE',
  'DELETE_FAILED',
  'FAILED',
] as const;
export const EXECUTION_STATUSES = ['UNAVAILABLE', 'AVAILABLE', 'EXECUTE_IN_PROGRESS', 'EXECUTE_COMPLETE', 'EXECUTE_FAILED', 'OBSOLETE'] as const;

export type ChangeAction = (typeof CHANGE_ACTIONS)[number];

/** ResourceTargetDefinition: the attribute a change touches and whether it recreates the resource. */
export interface ResourceTargetDefinition {
  /** `Properties`, `Tags`, `Metadata`, `DeletionPolicy`, ... */
  readonly Attribute?: string;
  /** The property, when Attribute is `Properties`. */
  readonly Name?: string;
  readonly RequiresRecreation?: (typeof RECREATIONS)[number];
  readonly Path?: string;
  readonly BeforeValue?: string;
  readonly AfterValue?: string;
  readonly AttributeChangeType?: string;
}

/** ResourceChangeDetail: one cause of a Modify. */
export interface ResourceChangeDetail {
  readonly Target?: ResourceTargetDefinition;
  readonly Evaluation?: (typeof EVALUATIONS)[number];
  /** `DirectModification`, `ParameterReference`, `ResourceReference`, `ResourceAttribute`, `Automatic`, ... */
  readonly ChangeSource?: string;
  /** The parameter or resource behind the change; absent for a DirectModification. */
  readonly CausingEntity?: string;
}

/** ResourceChange: what executing the change set does to one resource. */
export interface ResourceChange {
  readonly Action: ChangeAction;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceType: string;
  /** Set for a Modify: `True` replaces, `Conditional` may replace. */
  readonly Replacement?: (typeof REPLACEMENTS)[number];
  /** What happens to the physical resource (its DeletionPolicy or UpdateReplacePolicy at work). */
  readonly PolicyAction?: (typeof POLICY_ACTIONS)[number];
  readonly Scope: readonly string[];
  readonly Details: readonly ResourceChangeDetail[];
}

/** One file: one page of a DescribeChangeSet response. */
export interface ChangeSetPage {
  readonly file: string;
  readonly ChangeSetName: string;
  readonly ChangeSetId: string;
  readonly StackName: string;
  readonly Status: (typeof CHANGE_SET_STATUSES)[number];
  readonly StatusReason?: string;
  readonly ExecutionStatus?: (typeof EXECUTION_STATUSES)[number];
  /** Present when more changes follow on another page. */
  readonly NextToken?: string;
  readonly Changes: readonly ResourceChange[];
}

/** A whole change set: its pages merged, in the order given. */
export interface ChangeSet extends Omit<ChangeSetPage, 'file' | 'NextToken'> {
  readonly files: readonly string[];
}

/** A file as the entry point read it: its text, or why it could not be read. */
export type ChangeSetInput = { readonly file: string; readonly text: string } | { readonly file: string; readonly unreadable: string };

const got = (v: unknown): string => {
  if (v === undefined) return 'nothing';
  const text = JSON.stringify(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
};

/** `A, B or C`. */
const listOf = (values: readonly string[]): string => (values.length === 1 ? values[0] : `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`);

/** Reads typed fields of one object, collecting a message per bad field; `prefix` locates the object (`Changes[3].`). */
class Fields {
  constructor(
    private readonly o: Record<string, unknown>,
    private readonly prefix: string,
    private readonly problems: string[],
  ) {}

  private absent(key: string, required: boolean): boolean {
    // The AWS CLI leaves unset fields out; other clients print them as null.
    const v = this.o[key];
    return v === undefined || (v === null && !required);
  }

  string(key: string, required: true): string;
  string(key: string, required: false): string | undefined;
  string(key: string, required: boolean): string | undefined {
    const v = this.o[key];
    if (this.absent(key, required)) {
      if (required) this.problems.push(`${this.prefix}${key} must be a non-empty string, got nothing`);
      return undefined;
    }
    if (typeof v !== 'string' || (required && v === '')) {
      this.problems.push(`${this.prefix}${key} must be a ${required ? 'non-empty ' : ''}string, got ${got(v)}`);
      return undefined;
    }
    return v;
  }

  oneOf<T extends string>(key: string, values: readonly T[], required: boolean, when = ''): T | undefined {
    const v = this.o[key];
    if (this.absent(key, required)) {
      if (required) this.problems.push(`${this.prefix}${key} must be ${listOf(values)}${when}, got nothing`);
      return undefined;
    }
    if (!values.includes(v as T)) {
      this.problems.push(`${this.prefix}${key} must be ${listOf(values)}${when}, got ${got(v)}`);
      return undefined;
    }
    return v as T;
  }

  /** An optional array; its items read by `item` (each at `<prefix><key>[i]`). */
  array<T>(key: string, item: (value: unknown, at: string) => T | undefined): T[] {
    const v = this.o[key];
    if (this.absent(key, false)) return [];
    if (!Array.isArray(v)) {
      this.problems.push(`${this.prefix}${key} must be an array, got ${got(v)}`);
      return [];
    }
    return v.flatMap((x, i) => {
      const read = item(x, `${this.prefix}${key}[${i}]`);
      return read === undefined ? [] : [read];
    });
  }

  /** An optional object read by `read`. */
  object<T>(key: string, read: (f: Fields) => T): T | undefined {
    const v = this.o[key];
    if (this.absent(key, false)) return undefined;
    if (!isRecord(v)) {
      this.problems.push(`${this.prefix}${key} must be an object, got ${got(v)}`);
      return undefined;
    }
    return read(new Fields(v, `${this.prefix}${key}.`, this.problems));
  }
}

/** Drops undefined fields, so a read object holds exactly what the file gave. */
export const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

function readDetail(value: unknown, at: string, problems: string[]): ResourceChangeDetail | undefined {
  if (!isRecord(value)) {
    problems.push(`${at} must be an object, got ${got(value)}`);
    return undefined;
  }
  const f = new Fields(value, `${at}.`, problems);
  return defined({
    Target: f.object('Target', (t) =>
      defined({
        Attribute: t.string('Attribute', false),
        Name: t.string('Name', false),
        RequiresRecreation: t.oneOf('RequiresRecreation', RECREATIONS, false),
        Path: t.string('Path', false),
        BeforeValue: t.string('BeforeValue', false),
        AfterValue: t.string('AfterValue', false),
        AttributeChangeType: t.string('AttributeChangeType', false),
      }),
    ),
    Evaluation: f.oneOf('Evaluation', EVALUATIONS, false),
    ChangeSource: f.string('ChangeSource', false),
    CausingEntity: f.string('CausingEntity', false),
  });
}

function readChange(value: unknown, at: string, problems: string[]): ResourceChange | undefined {
  if (!isRecord(value)) {
    problems.push(`${at} must be an object, got ${got(value)}`);
    return undefined;
  }
  const before = problems.length;
  new Fields(value, `${at}.`, problems).oneOf('Type', ['Resource'], true);
  const rc = value.ResourceChange;
  if (!isRecord(rc)) {
    problems.push(`${at}.ResourceChange must be an object, got ${got(rc)}`);
    return undefined;
  }
  const f = new Fields(rc, `${at}.ResourceChange.`, problems);
  const action = f.oneOf('Action', CHANGE_ACTIONS, true);
  const change = {
    Action: action,
    LogicalResourceId: f.string('LogicalResourceId', true),
    PhysicalResourceId: f.string('PhysicalResourceId', false),
    ResourceType: f.string('ResourceType', true),
    // CloudFormation sets Replacement on every Modify; a Modify without one cannot be judged, so it is refused as
    // bad input rather than read as "no replacement".
    Replacement: f.oneOf('Replacement', REPLACEMENTS, action === 'Modify', action === 'Modify' ? ' for a Modify' : ''),
    PolicyAction: f.oneOf('PolicyAction', POLICY_ACTIONS, false),
    Scope: f.array('Scope', (s, sat) => {
      if (typeof s === 'string') return s;
      problems.push(`${sat} must be a string, got ${got(s)}`);
      return undefined;
    }),
    Details: f.array('Details', (d, dat) => readDetail(d, dat, problems)),
  };
  return problems.length > before ? undefined : (defined(change) as ResourceChange);
}

/** One file's page, or the problems with it (each naming the field: `Changes[3].ResourceChange.Action must be ...`). */
export function parseChangeSetPage(file: string, text: string): { page?: ChangeSetPage; problems: string[] } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { problems: [`is not JSON (${(e as Error).message}): pass what aws cloudformation describe-change-set --output json prints`] };
  }
  if (!isRecord(value)) {
    return { problems: [`must be the JSON object aws cloudformation describe-change-set --output json prints, got ${got(value)}`] };
  }
  const problems: string[] = [];
  const f = new Fields(value, '', problems);
  const status = f.oneOf('Status', CHANGE_SET_STATUSES, true);
  const page = {
    file,
    ChangeSetName: f.string('ChangeSetName', true),
    ChangeSetId: f.string('ChangeSetId', true),
    StackName: f.string('StackName', true),
    Status: status,
    StatusReason: f.string('StatusReason', false),
    ExecutionStatus: f.oneOf('ExecutionStatus', EXECUTION_STATUSES, false),
    NextToken: f.string('NextToken', false),
    Changes: f.array('Changes', (c, at) => readChange(c, at, problems)),
  };
  // A change set that failed has no changes to list; every other one lists them, even when there are none.
  if ((value.Changes === undefined || value.Changes === null) && status !== 'FAILED') problems.push(`Changes must be an array, got ${got(value.Changes)}`);
  return problems.length > 0 ? { problems } : { page: defined(page) as ChangeSetPage, problems };
}
