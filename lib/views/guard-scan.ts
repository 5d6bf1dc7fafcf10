/**
 * The second scanner's pure half: which CloudFormation Guard rules of AWS Control Tower's proactive controls apply to
 * a set of templates, what cfn-guard reads (each template cut down to the resource types the rules inspect, one
 * resource per line), and the findings in its SARIF output, named by control and resource. Running cfn-guard is
 * stacks/compliance/cfn-guard.ts.
 *
 * Why cut the templates: cfn-guard evaluates every rule file against every data file, re-reading the document for
 * each, so its time grows with rules x template size. A rule only reaches resources through a `Type == 'AWS::...'`
 * filter, or through a `Ref` or `Fn::GetAtt` of such a resource (its `query_for_resource` helpers look the target up
 * by logical id and check its type), so the resources of other types that none of those reference, and the rules of
 * types absent from the templates, change no finding; dropping both took the default prod's first region from 22 s
 * to 7 s with the same findings.
 */
import { isRecord } from '../util/json';

/** One Control Tower proactive control as a cfn-guard rule file. */
export interface GuardRule {
  /** The rule file, relative to the rules folder (`s3/ct-s3-pr-2.guard`). */
  readonly file: string;
  /** Control Tower's id of the control (`CT.S3.PR.2`), from the file name. */
  readonly control: string;
  /** The rule's name as cfn-guard reports it in SARIF (`S3_BUCKET_LOGGING_ENABLED_CHECK`). */
  readonly ruleId: string;
  /** CloudFormation types the rule's text names: a resource of another type cannot fail it. */
  readonly types: readonly string[];
}

/** What Control Tower's metadata file of a control says of it (its `DisplayName` and `RemediationMessage`). */
export interface GuardControlText {
  readonly title: string;
  readonly fix: string;
}

const CONTROL_FILE = /(?:^|\/)ct-([a-z0-9-]+)-pr-(\d+)\.guard$/;
const TYPE = /AWS::[A-Za-z0-9]+::[A-Za-z0-9]+/g;

/** A rule file's control, SARIF rule id and inspected types; a file that is not a Control Tower control is refused. */
export function guardRule(file: string, text: string): GuardRule {
  const control = CONTROL_FILE.exec(file);
  // The first top-level rule is the control's entry point; the others are its helpers.
  const name = /^rule\s+([a-z0-9_]+)\s+when\b/m.exec(text);
  if (!control || !name) throw new Error(`${file}: not a Control Tower proactive control (ct-<service>-pr-<n>.guard with a top-level "rule <name> when ...")`);
  return {
    file,
    control: `CT.${control[1].toUpperCase()}.PR.${control[2]}`,
    ruleId: name[1].toUpperCase(),
    types: [...new Set(text.match(TYPE) ?? [])].sort(),
  };
}

/** The rules that can fail on a resource of one of `types`, in file order. */
export function rulesFor(rules: readonly GuardRule[], types: ReadonlySet<string>): GuardRule[] {
  return rules.filter((r) => r.types.some((t) => types.has(t))).sort((a, b) => a.file.localeCompare(b.file));
}

/** The resource types of a template. */
export function templateTypes(template: unknown): string[] {
  const resources = isRecord(template) && isRecord(template.Resources) ? template.Resources : {};
  return [...new Set(Object.values(resources).flatMap((r) => (isRecord(r) && typeof r.Type === 'string' ? [r.Type] : [])))].sort();
}

/** Logical ids a value refers to with `Ref` or `Fn::GetAtt`, anywhere inside it. */
function referencedIds(value: unknown, into: Set<string>): Set<string> {
  if (Array.isArray(value)) for (const v of value) referencedIds(v, into);
  else if (isRecord(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'Ref' && typeof v === 'string') into.add(v);
      else if (k === 'Fn::GetAtt' && Array.isArray(v) && typeof v[0] === 'string') into.add(v[0]);
      else if (k === 'Fn::GetAtt' && typeof v === 'string') into.add(v.split('.')[0]);
      else referencedIds(v, into);
    }
  }
  return into;
}

/**
 * The template as cfn-guard reads it: its parameters and conditions, the resources of `types` and those they
 * reference, each on a line of its own (so a finding's line names its resource even when the message does not), in
 * the template's order.
 */
export function scanInput(template: unknown, types: ReadonlySet<string>): string {
  const t = isRecord(template) ? template : {};
  const all = isRecord(t.Resources) ? Object.entries(t.Resources) : [];
  const inspected = all.filter(([, r]) => isRecord(r) && typeof r.Type === 'string' && types.has(r.Type));
  const keep = referencedIds(inspected.map(([, r]) => r), new Set(inspected.map(([id]) => id)));
  const resources = all.filter(([id]) => keep.has(id));
  const head = Object.entries(t)
    .filter(([k]) => k !== 'Resources')
    .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)},`);
  const body = resources.map(([id, r], i) => `${JSON.stringify(id)}:${JSON.stringify(r)}${i < resources.length - 1 ? ',' : ''}`);
  return ['{', ...head, '"Resources":{', ...body, '}}', ''].join('\n');
}

/** One failed check: which rule, in which data file, on which resource. */
export interface GuardFinding {
  /** The data file as cfn-guard names it in the SARIF output. */
  readonly uri: string;
  readonly ruleId: string;
  readonly logicalId: string;
  /** Where in the resource the check failed (`/Resources/Bucket/Properties/LoggingConfiguration`), or the resource. */
  readonly location: string;
}

/**
 * The findings of cfn-guard's SARIF output (`--output-format sarif --structured`). A result names its resource in
 * the path of its message; one whose message names none is placed by its line in the data file (`resourceAtLine`,
 * over scanInput's text); one that can be placed neither way is dropped only beside a placed finding of its rule in
 * its file, and refused otherwise.
 */
export function findingsOfSarif(sarif: unknown, resourceAtLine: (uri: string, line: number) => string | undefined): GuardFinding[] {
  const runs = isRecord(sarif) && Array.isArray(sarif.runs) ? sarif.runs : undefined;
  if (!runs) throw new Error('cfn-guard output is not SARIF: no "runs"');
  const out = new Map<string, GuardFinding>();
  const unplaced: { uri: string; ruleId: string; text: string }[] = [];
  for (const run of runs) {
    const results = isRecord(run) && Array.isArray(run.results) ? run.results : [];
    for (const result of results) {
      if (!isRecord(result) || typeof result.ruleId !== 'string') continue;
      const text = isRecord(result.message) && typeof result.message.text === 'string' ? result.message.text : '';
      const physical = firstPhysicalLocation(result);
      const uri = physical?.uri ?? '';
      const path = /\/Resources\/([^/[\]\s]+)((?:\/[^[\]\s]*)?)/.exec(text);
      const logicalId = path?.[1] ?? (physical?.line === undefined ? undefined : resourceAtLine(uri, physical.line));
      if (logicalId === undefined) {
        unplaced.push({ uri, ruleId: result.ruleId, text });
        continue;
      }
      const location = path ? `/Resources/${path[1]}${path[2].replace(/\/$/, '')}` : `/Resources/${logicalId}`;
      out.set(`${uri}\0${result.ruleId}\0${logicalId}\0${location}`, { uri, ruleId: result.ruleId, logicalId, location });
    }
  }
  // cfn-guard also reports the inner clauses of a failed check (`[L:0,C:0] was not present in ...`), which name no
  // path: beside a placed finding of the same rule and file they add nothing; alone, they would hide a finding.
  for (const u of unplaced) {
    if (![...out.values()].some((f) => f.uri === u.uri && f.ruleId === u.ruleId)) throw new Error(`cfn-guard reported ${u.ruleId} in ${u.uri} without naming a resource: ${u.text}`);
  }
  return [...out.values()].sort((a, b) => a.uri.localeCompare(b.uri) || a.ruleId.localeCompare(b.ruleId) || a.logicalId.localeCompare(b.logicalId) || a.location.localeCompare(b.location));
}

function firstPhysicalLocation(result: Record<string, unknown>): { uri?: string; line?: number } | undefined {
  const first: unknown = Array.isArray(result.locations) ? result.locations[0] : undefined;
  const physical = isRecord(first) && isRecord(first.physicalLocation) ? first.physicalLocation : undefined;
  if (!physical) return undefined;
  const uri = isRecord(physical.artifactLocation) && typeof physical.artifactLocation.uri === 'string' ? physical.artifactLocation.uri : undefined;
  const line = isRecord(physical.region) && typeof physical.region.startLine === 'number' ? physical.region.startLine : undefined;
  return { uri, line };
}

/** The logical id of the resource on a line of scanInput's text (1-based), if that line holds one. */
export function resourceOnLine(input: string, line: number): string | undefined {
  const lines = input.split('\n');
  const first = lines.indexOf('"Resources":{') + 2;
  const last = lines.lastIndexOf('}}');
  if (first < 2 || line < first || line > last) return undefined;
  const text = lines[line - 1];
  return JSON.parse(text.slice(0, text.indexOf('":{') + 1)) as string;
}

/** A finding as a validation plugin reports it (aws-cdk-lib's PolicyViolation, one per control). */
export interface GuardViolation {
  readonly ruleName: string;
  readonly description: string;
  readonly fix: string;
  readonly violatingResources: { readonly resourceLogicalId: string; readonly templatePath: string; readonly locations: string[] }[];
}

/**
 * One violation per control, with every resource that fails it and where; `templateOf` turns a data file back into
 * the template it was cut from, so aws-cdk-lib names the construct and applies its acknowledgments.
 */
export function guardViolations(
  findings: readonly GuardFinding[],
  rules: readonly GuardRule[],
  controlText: (rule: GuardRule) => GuardControlText,
  templateOf: (uri: string) => string,
): GuardViolation[] {
  const byRuleId = new Map(rules.map((r) => [r.ruleId, r]));
  const grouped = new Map<string, Map<string, { templatePath: string; logicalId: string; locations: string[] }>>();
  for (const f of findings) {
    const rule = byRuleId.get(f.ruleId);
    if (!rule) throw new Error(`cfn-guard reported ${f.ruleId}, which is no rule it was given`);
    const templatePath = templateOf(f.uri);
    const resources = grouped.get(rule.control) ?? new Map();
    grouped.set(rule.control, resources);
    const key = `${templatePath}\0${f.logicalId}`;
    const entry = resources.get(key) ?? { templatePath, logicalId: f.logicalId, locations: [] };
    resources.set(key, entry);
    if (!entry.locations.includes(f.location)) entry.locations.push(f.location);
  }
  const controls = new Map(rules.map((r) => [r.control, r]));
  return [...grouped.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([control, resources]) => {
      const text = controlText(controls.get(control)!);
      return {
        ruleName: control,
        description: `[${control}] ${text.title}`,
        fix: text.fix,
        violatingResources: [...resources.values()].map((r) => ({ resourceLogicalId: r.logicalId, templatePath: r.templatePath, locations: r.locations })),
      };
    });
}
