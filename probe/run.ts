/**
 * The probe as a function: runs every check the target has an endpoint for, one after the other in PROBE_CHECKS
 * order (so they never compete for the network or the CPU), and judges each against its budget. bin/probe.ts and
 * bin/probe-local.ts call it through main(); tests call it directly.
 */
import { loadConfigModule, resolvePlan } from '../lib/plan';
import { EXIT_BAD_INPUT, GigascaleError } from '../lib/util/errors';
import { DEFAULT_DURATION_MS, DEFAULT_RATE_PER_SECOND, DEFAULT_TIMEOUT_MS, DEFAULT_WARMUP_MS } from './args';
import { probeBudgets, type BudgetEnvironment } from './budgets';
import { CHECK_FIELD, DEFAULT_MAX_ERROR_RATE, MAX_SETUP_MS, PROBE_CHECKS, type ProbeCheck } from '../lib/facts/probe-checks';
import { CONNECTIONS_PER_USER, openCheck } from './checks/open';
import { runClosedModel } from './closed-model';
import { fileDescriptors, localPortRange } from './fd-limit';
import { milestoneConcurrency, MILESTONES, type MilestoneName } from './milestones';
import { runOpenModel } from './open-model';
import { judgeCheck, probeReport, type CheckReport, type ProbeLoad, type ProbeReport } from './report';
import type { ProbeTarget } from '../lib/facts/probe-checks';

export interface ProbeOptions {
  /** The endpoints to measure (probe/target.ts readTarget). */
  readonly target: ProbeTarget;
  /** Environment whose budgets apply; must list the target's region. @default - every environment listing it */
  readonly env?: string;
  /** Config module the plan is loaded from when budgets or --env need it. @default - regions.config.ts */
  readonly config?: string;
  /** The plan's environments, instead of loading `config` (tests, callers that have the plan). @default - loaded when needed */
  readonly environments?: readonly BudgetEnvironment[];
  /** @default 10_000 */
  readonly durationMs?: number;
  /** Open model only. @default 100 */
  readonly ratePerSecond?: number;
  /** @default 2_000 */
  readonly warmupMs?: number;
  /** @default 1_000 */
  readonly timeoutMs?: number;
  /** P95 budgets that win over the model's, milliseconds. @default {} */
  readonly budgetsMs?: Readonly<Partial<Record<ProbeCheck, number>>>;
  /** @default DEFAULT_MAX_ERROR_RATE (the milestone's with `milestone`) */
  readonly maxErrorRate?: number;
  /** Run this milestone as a closed-model test. @default - open model */
  readonly milestone?: MilestoneName;
  /** Fraction of the milestone's users. @default 1 */
  readonly scale?: number;
  /** Called as each check starts (progress on a terminal). @default - nothing */
  readonly onCheck?: (check: ProbeCheck, index: number, of: number) => void;
}

/** Descriptors kept free beside a milestone's connections: the probe's own, the config's, a few spare. */
export const SPARE_FILE_DESCRIPTORS = 64;

/**
 * Runs the probe and returns its report. Throws GigascaleError (exit 2) for a budget or --env that cannot be
 * resolved, or a milestone that does not fit in the process's file descriptors. Each check takes at most its setup
 * (≤ 1 s) + warm-up + duration + timeout, whatever the target does.
 */
export async function runProbe(options: ProbeOptions): Promise<ProbeReport> {
  const { target, milestone } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const warmupMs = options.warmupMs ?? DEFAULT_WARMUP_MS;
  const durationMs = options.durationMs ?? DEFAULT_DURATION_MS;
  const scale = options.scale ?? 1;
  const checks = PROBE_CHECKS.filter((c) => target[CHECK_FIELD[c]] !== undefined);

  const budgetsMs = await resolveBudgets(options, checks);
  const load: ProbeLoad =
    milestone === undefined
      ? { model: 'open', ratePerSecond: options.ratePerSecond ?? DEFAULT_RATE_PER_SECOND, warmupMs, durationMs, timeoutMs }
      : { model: 'closed', milestone, users: MILESTONES[milestone].users, scale, concurrency: milestoneConcurrency(milestone, scale), warmupMs, durationMs, timeoutMs };
  if (load.model === 'closed') {
    // Checks run one at a time, so the most connections any one check holds is what must fit.
    const perUser = Math.max(0, ...checks.map((c) => CONNECTIONS_PER_USER[c] ?? 0));
    if (perUser > 0) assertConnectionsFit(load.milestone, scale, load.concurrency, perUser);
  }
  const maxErrorRate = milestone === undefined ? (options.maxErrorRate ?? DEFAULT_MAX_ERROR_RATE) : MILESTONES[milestone].maxErrorRate;

  const reports: CheckReport[] = [];
  for (const [index, check] of checks.entries()) {
    options.onCheck?.(check, index, checks.length);
    const opened = await openCheck(check, target, { timeoutMs, setupMs: Math.min(timeoutMs, MAX_SETUP_MS), region: target.region });
    if ('skipped' in opened) {
      reports.push(judgeCheck(check, opened, budgetsMs[check] ?? null, maxErrorRate));
      continue;
    }
    const { session } = opened;
    try {
      const measurement = load.model === 'open' ? await runOpenModel(session.request, load) : await runClosedModel(() => session.user(), load);
      reports.push(judgeCheck(check, measurement, budgetsMs[check] ?? null, maxErrorRate));
    } finally {
      session.close();
    }
  }
  return probeReport(target.region, options.env ?? null, load, reports);
}

/** The budget of each check: the milestone's, --budget's, or the latency model's for the region (null if none). */
async function resolveBudgets(options: ProbeOptions, checks: readonly ProbeCheck[]): Promise<Partial<Record<ProbeCheck, number | null>>> {
  const overridesMs = options.budgetsMs ?? {};
  const milestone = options.milestone;
  // The plan is needed to check --env, and for the budgets the command line does not give.
  const needsPlan = options.env !== undefined || (milestone === undefined && checks.some((c) => overridesMs[c] === undefined));
  if (needsPlan) {
    const environments = options.environments ?? (await loadEnvironments(options.config));
    const fromPlan = probeBudgets({ environments, region: options.target.region, env: options.env, checks: milestone === undefined ? checks : [], overridesMs });
    if (milestone === undefined) return fromPlan;
  }
  if (milestone !== undefined) return Object.fromEntries(checks.map((c) => [c, MILESTONES[milestone].p95Ms]));
  return Object.fromEntries(checks.map((c) => [c, overridesMs[c] ?? null]));
}

async function loadEnvironments(config: string | undefined): Promise<readonly BudgetEnvironment[]> {
  return resolvePlan(await loadConfigModule(config)).environments;
}

/** Throws (exit 2) when a milestone's connections, `perUser` per virtual user, cannot all be open at once here. */
function assertConnectionsFit(milestone: MilestoneName, scale: number, concurrency: number, perUser: number): void {
  const { limit, open } = fileDescriptors();
  const ports = localPortRange();
  const needed = concurrency * perUser;
  const room = Math.min(limit - open - SPARE_FILE_DESCRIPTORS, ports);
  if (needed <= room) return;
  const users = MILESTONES[milestone].users;
  const most = Math.floor(Math.max(0, room) / perUser);
  const smaller = most >= 1 ? `, or lower --scale to ${Math.floor((most / users) * 1e6) / 1e6} or less (${most.toLocaleString('en-US')} users)` : '';
  const cause =
    needed > ports
      ? `this host has ${ports.toLocaleString('en-US')} local ports for outgoing connections (net.ipv4.ip_local_port_range); run the milestone from several hosts`
      : `this process may open ${limit.toLocaleString('en-US')} file descriptors (ulimit -n) and has ${open} open; raise the limit (ulimit -n ${needed + open + SPARE_FILE_DESCRIPTORS})`;
  const connections = `${needed.toLocaleString('en-US')} connections${perUser === 1 ? '' : ` (${perUser} per user)`}`;
  throw new GigascaleError('Bad arguments', [{ at: '--milestone', message: `${milestone} at --scale ${scale} holds up to ${connections} open at once, but ${cause}${smaller}` }], EXIT_BAD_INPUT);
}
