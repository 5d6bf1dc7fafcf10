/** Pieces the text and Markdown reports share: the summary rows, money deltas, resource and property lines. */
import { money, perUser } from '../views/cost-report';
import { iamChangeCount, securityGroupChangeCount, type PropertyChangeJson, type ResourceChangeJson } from './cfn';
import type { CostChangeJson } from './reports';
import type { DestructiveJson, ReviewJson, ReviewSide, StageReviewJson } from './review';
import { unifiedDiff } from './unified-diff';

export const sideName = (s: ReviewSide): string => (s.commit === null ? `${s.ref}` : s.ref === s.commit ? s.commit.slice(0, 12) : `${s.ref} (${s.commit.slice(0, 12)})`);

/** `+$112`, `-$40`, `$0`. */
export const moneyDelta = (n: number): string => (n > 0 ? `+${money(n)}` : n < 0 ? `-${money(-n)}` : '$0');

/**
 * `$3,198 -> $3,310 (+$112)`; one figure when only one side has it (a stage added or removed, which the status
 * says, or a side without cost.json, which the report names).
 */
export function costCell(c: CostChangeJson | null | undefined): string {
  if (!c || (c.before_usd === null && c.after_usd === null)) return 'n/a';
  if (c.before_usd === null) return money(c.after_usd!);
  if (c.after_usd === null) return `${money(c.before_usd)} before`;
  return c.delta_usd === 0 ? money(c.after_usd) : `${money(c.before_usd)} -> ${money(c.after_usd)} (${moneyDelta(c.delta_usd!)})`;
}

/** Per environment: `dev $3,198 -> $3,310 (+$112), $0.320 -> $0.331 per user`. */
export function environmentCostLine(c: CostChangeJson): string {
  const [before, after] = [c.before_usd_per_mau, c.after_usd_per_mau].map((v) => (v == null ? null : perUser(v)));
  const perMau = before === null || after === null ? '' : before === after ? `, ${after} per user` : `, ${before} -> ${after} per user`;
  return `${c.name} ${costCell(c)}${perMau}`;
}

const count = (xs: readonly { readonly change: string }[], ...kinds: string[]): number => xs.filter((x) => kinds.includes(x.change)).length;

/** The summary table's header and one row per stage. */
export function summaryRows(report: ReviewJson): string[][] {
  const rows = [['stage', 'status', 'stacks +/-/~', 'resources +/-/replaced/~', 'IAM', 'SG', 'manifests +/-/~', 'verdicts', 'destructive', 'USD/month']];
  for (const s of report.stages) rows.push(summaryRow(s, report.destructive));
  return rows;
}

function summaryRow(s: StageReviewJson, destructive: readonly DestructiveJson[]): string[] {
  const resources = s.stacks.flatMap((k) => k.resources);
  const mine = destructive.filter((d) => d.stage === s.stage);
  const refused = mine.filter((d) => d.allowed_by === null).length;
  return [
    s.stage,
    s.status,
    ['added', 'removed', 'changed'].map((st) => s.stacks.filter((k) => k.status === st).length).join('/'),
    `${count(resources, 'added')}/${count(resources, 'removed')}/${count(resources, 'replaced', 'may be replaced')}/${count(resources, 'modified')}`,
    String(s.stacks.reduce((n, k) => n + iamChangeCount(k), 0)),
    String(s.stacks.reduce((n, k) => n + securityGroupChangeCount(k), 0)),
    `${count(s.manifests, 'added')}/${count(s.manifests, 'removed')}/${count(s.manifests, 'changed')}`,
    String(s.verdicts.length),
    mine.length === 0 ? '0' : `${refused} refused${mine.length > refused ? `, ${mine.length - refused} allowed` : ''}`,
    costCell(s.cost),
  ];
}

export const RESOURCE_MARK: Record<ResourceChangeJson['change'], string> = {
  added: '[+]',
  removed: '[-]',
  replaced: '[-/+]',
  'may be replaced': '[~/+?]',
  modified: '[~]',
};

/** `[-/+] AWS::RDS::DBCluster shard0000Cluster (dev-us-east-1/Shards0/shard-0000/Cluster) replaced`. */
export function resourceLine(r: ResourceChangeJson): string {
  const orphan = r.orphaned ? ' (DeletionPolicy Retain: left in the account, outside CloudFormation)' : '';
  return `${RESOURCE_MARK[r.change]} ${r.type} ${r.logical_id} (${r.path}) ${r.change}${orphan}`;
}

const isScalar = (v: unknown): boolean => v === undefined || v === null || typeof v !== 'object';
const json = (v: unknown): string => (v === undefined ? 'absent' : JSON.stringify(v));

/** A value with every string that holds JSON (a Kubernetes manifest, a ConfigMap's document) parsed, at any depth. */
function unpacked(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(unpacked);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unpacked(x)]));
  if (typeof v !== 'string' || !/^\s*[[{]/.test(v)) return v;
  try {
    return unpacked(JSON.parse(v) as unknown);
  } catch {
    return v;
  }
}

/**
 * A property change as lines: `name: before -> after` for short scalars, otherwise a unified diff of the values as
 * indented JSON (a string holding JSON, like a Kubernetes manifest, is parsed first, so the diff shows the lines
 * that changed rather than one long string).
 */
export function propertyLines(p: PropertyChangeJson): string[] {
  const impact = p.impact === 'update' ? '' : ` (${p.impact === 'replace' ? 'forces a replacement' : 'may force a replacement'})`;
  const short = (v: unknown) => isScalar(v) && json(v).length <= 120;
  if (short(p.before) && short(p.after)) return [`${p.name}: ${json(p.before)} -> ${json(p.after)}${impact}`];
  const text = (v: unknown) => (v === undefined ? '' : `${JSON.stringify(unpacked(v), null, 2)}\n`);
  return [`${p.name}${impact}:`, ...unifiedDiff('base', 'head', text(p.before), text(p.after)).split('\n').slice(2)];
}

/** `replace dev-us-east-1/Shards0/shard-0000/Cluster (AWS::RDS::DBCluster shard0000Cluster in dev-us-east-1-shards-0): <cause>`. */
export function destructiveLine(d: DestructiveJson): string {
  return `${d.change} ${d.path} (${d.type} ${d.logical_id} in stack ${d.stack}): ${d.cause}`;
}

/** The verdict change as `prod ap-southeast-1 memory.write: 260 ms / 150 ms waived -> 250 ms / 150 ms waived`. */
export function verdictLine(v: StageReviewJson['verdicts'][number]): string {
  const side = (x: typeof v.before) => (x === null ? 'none' : `${x.p95_ms} ms / ${x.target_ms} ms ${x.ok ? 'ok' : x.waiver ? 'waived' : 'BREACH'}`);
  return `${v.env} ${v.region} ${v.flow}: ${side(v.before)} -> ${side(v.after)}`;
}

/** The verdict line of the whole review. */
export function headline(report: ReviewJson): string {
  const { refused, allowed } = report.summary.destructive;
  if (refused > 0) return `REFUSED: ${refused} destructive change${refused === 1 ? '' : 's'} without an allowance`;
  if (report.errors.length > 0) return `FAILED: ${report.errors.length} error${report.errors.length === 1 ? '' : 's'}`;
  return allowed > 0 ? `OK: ${allowed} destructive change${allowed === 1 ? '' : 's'}, each allowed with a reason` : 'OK: no destructive change';
}
