/**
 * The failure drill against local Postgres and redis-server (bin/chaos-local.ts): the probe's own checks run in the
 * open model for the whole drill, through a fault proxy in front of each server, while faults are injected one
 * after the other; lib/views/drill-report.ts judges what every request saw.
 *
 * Each check runs on one session of the probe (probe/checks), opened once, as the probe's run opens it: what
 * recovers is the probe's own connection handling, not a fresh client. Its schedule is the open model's in
 * consecutive one-second stretches (runOpenModel has a fixed window; the next stretch is started before the last
 * ends, its first request due where the last's schedule stops), so the rate never pauses between faults.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CLEAN_WINDOW_MS,
  DRILL_CHECKS,
  DRILL_FAULTS,
  drillReport,
  faultNotRun,
  judgeFault,
  recoveredAfterMs,
  type DrillCheck,
  type DrillFaultName,
  type DrillJson,
  type DrillOutcome,
  type FaultJson,
  type InjectedFault,
} from '../lib/views/drill-report';
import { openCheck } from '../probe/checks/open';
import { nowNs, sleepUntil } from '../probe/clock';
import { runOpenModel, type RequestOutcome } from '../probe/open-model';
import type { CheckSession } from '../probe/session';
import { startFaultProxy, type FaultProxy } from './fault-proxy';
import type { LocalPostgres } from './postgres';
import type { PlainRedis } from './redis-server';
import type { Log } from './services';

/** Clean traffic of every check required before a fault starts, so the fault's errors are its own. */
export const QUIET_MS = 2_000;
/** One stretch of the open model's schedule. */
const STRETCH_MS = 1_000;
/** How often the drill looks at the outcomes while it waits for quiet or for a recovery. */
const POLL_MS = 50;

/** How the drill runs (local/drill-args.ts gives the defaults). */
export interface DrillOptions {
  /** The faults to inject, in the drill's order. @default - all of DRILL_FAULTS */
  readonly faults: readonly DrillFaultName[];
  /** How long a timed fault lasts (redis-server down, a proxy stalling or dropping), milliseconds. @default 3_000 */
  readonly faultMs: number;
  /** The longest recovery that passes, milliseconds. @default 15_000 */
  readonly maxRecoveryMs: number;
  /** Requests per second of each check. @default 50 */
  readonly ratePerSecond: number;
  /** A request unanswered this long after its intended start is an error, milliseconds. @default 250 */
  readonly timeoutMs: number;
  /** A fault that is never ended, to see (and test) the drill failing on a recovery that never comes. @default - none */
  readonly stuck?: DrillFaultName;
}

/** Runs the drill against `postgres` and `redis` (a --stuck server is left stopped) and returns its report. */
export async function runDrill(services: { readonly postgres: LocalPostgres; readonly redis: PlainRedis }, options: DrillOptions, log: Log): Promise<DrillJson> {
  const { postgres, redis } = services;
  const { timeoutMs, ratePerSecond, maxRecoveryMs } = options;
  const proxies = { postgres: await startFaultProxy({ targetPort: postgres.port, mode: 'pass' }), redis: await startFaultProxy({ targetPort: redis.port, mode: 'pass' }) };
  const sessions: CheckSession[] = [];
  let stopping = false;
  const loops: Promise<void>[] = [];
  try {
    const target = {
      region: 'local',
      postgres: throughProxy(postgres.probeUrl, postgres.port, proxies.postgres),
      redis: throughProxy(redis.probeUrl, redis.port, proxies.redis),
    };
    for (const check of DRILL_CHECKS) {
      const opened = await openCheck(check, target, { timeoutMs, setupMs: timeoutMs, region: 'local' });
      if ('skipped' in opened) throw new Error(`${check} cannot run against the local services: ${opened.skipped}`);
      sessions.push(opened.session);
    }
    log(`checks ${DRILL_CHECKS.join(', ')} at ${ratePerSecond}/s each, timeout ${timeoutMs} ms, through fault proxies on 127.0.0.1:${proxies.postgres.port} (postgres) and :${proxies.redis.port} (redis)`);

    const t0 = nowNs() + 10_000_000n;
    const nowMs = (): number => Number(nowNs() - t0) / 1e6;
    const outcomes: DrillOutcome[] = [];
    for (const [i, check] of DRILL_CHECKS.entries()) loops.push(runChecks(check, sessions[i], t0));
    // Every request due this long ago has settled: its timeout, found at the scheduler's next turn, a period later.
    const settledBefore = (): number => nowMs() - timeoutMs - 2_000 / ratePerSecond - 10;

    const rows: FaultJson[] = [];
    for (const name of options.faults) {
      if (rows.some((r) => r.verdict === 'not recovered')) {
        rows.push(faultNotRun(name, maxRecoveryMs));
        continue;
      }
      if (!(await quiet())) {
        log(`${name}: not run: the checks did not run ${QUIET_MS} ms clean within ${QUIET_MS + timeoutMs + maxRecoveryMs} ms`);
        rows.push(faultNotRun(name, maxRecoveryMs));
        continue;
      }
      const { affects } = DRILL_FAULTS.find((f) => f.name === name)!;
      // What the fault's verdict reads: requests seen from its start, which arrive after it (outcomes are pushed as
      // they settle), so the drill's earlier requests are not sorted again at every look.
      const from = outcomes.length;
      const startNs = nowNs();
      const startMs = Number(startNs - t0) / 1e6;
      const stuck = options.stuck === name;
      log(`${name}: injected${stuck ? ' (--stuck: it will not be ended)' : ''}`);
      await inject(name, stuck, startNs);
      const endMs = nowMs();
      let fault: InjectedFault = { name, affects, startMs, endMs, observedUntilMs: settledBefore() };
      // Watch until the affected checks run a clean second, or until a recovery within the bound is impossible.
      while (recoveredAfterMs(outcomes.slice(from), fault) === undefined && fault.observedUntilMs < endMs + maxRecoveryMs + CLEAN_WINDOW_MS) {
        await sleep(POLL_MS);
        fault = { ...fault, observedUntilMs: settledBefore() };
      }
      const row = judgeFault(outcomes.slice(from), fault, maxRecoveryMs);
      log(`${name}: ${(row.fault_ms! / 1_000).toFixed(1)} s, detected after ${row.detected_after_ms ?? '-'} ms, ${row.errors} errors, recovered after ${row.recovered_after_ms ?? '-'} ms: ${row.verdict}`);
      rows.push(row);
    }
    return drillReport(rows, { ratePerSecond, timeoutMs });

    /** The open model's schedule for one check, stretch after stretch, until the drill stops. */
    async function runChecks(check: DrillCheck, session: CheckSession, startNs: bigint): Promise<void> {
      const stretches: Promise<unknown>[] = [];
      const onOutcome = (o: RequestOutcome): void =>
        void outcomes.push({ check, intendedMs: Number(o.intendedNs - t0) / 1e6, settledMs: Number(o.settledNs - t0) / 1e6, ok: o.ok });
      for (let k = 0n; !stopping; k++) {
        const begins = startNs + k * BigInt(STRETCH_MS) * 1_000_000n;
        stretches.push(runOpenModel(session.request, { ratePerSecond, warmupMs: 0, durationMs: STRETCH_MS, timeoutMs, startNs: begins, onOutcome }));
        await sleepUntil(begins);
      }
      await Promise.all(stretches);
    }

    /**
     * Waits until every check has run QUIET_MS clean; false when that has not happened once the recovery bound has
     * passed on top of the quiet stretch itself.
     */
    async function quiet(): Promise<boolean> {
      const gaveUpAt = nowMs() + QUIET_MS + timeoutMs + maxRecoveryMs;
      for (;;) {
        const until = settledBefore();
        const recent = latest(until - QUIET_MS).filter((o) => o.intendedMs < until);
        if (until >= QUIET_MS && recent.every((o) => o.ok) && DRILL_CHECKS.every((c) => recent.some((o) => o.check === c))) return true;
        if (nowMs() > gaveUpAt) return false;
        await sleep(POLL_MS);
      }
    }

    /**
     * The outcomes of the requests intended from `sinceMs` on. Outcomes are pushed as they settle, a timeout at most
     * a scheduler turn after it is due, so the search back from the newest stops a second before `sinceMs`.
     */
    function latest(sinceMs: number): DrillOutcome[] {
      let i = outcomes.length;
      while (i > 0 && outcomes[i - 1].settledMs >= sinceMs - 1_000) i--;
      return outcomes.slice(i).filter((o) => o.intendedMs >= sinceMs);
    }

    /** Starts the fault and, unless `stuck`, ends it: resolves when it has ended (the server answers, the proxy passes). */
    async function inject(fault: DrillFaultName, stuck: boolean, startNs: bigint): Promise<void> {
      // On the clock the fault is timed with: a timer alone may fire a millisecond early.
      const rest = (): Promise<void> => sleepUntil(startNs + BigInt(options.faultMs) * 1_000_000n);
      switch (fault) {
        case 'redis.stop-start':
          await redis.stopServer();
          await rest();
          if (!stuck) await redis.startServer();
          return;
        case 'postgres.restart':
          await postgres.stopServer();
          if (!stuck) await postgres.startServer();
          return;
        case 'proxy.stall':
        case 'proxy.drop': {
          const mode = fault === 'proxy.stall' ? 'stall' : 'drop';
          proxies.postgres.setMode(mode);
          proxies.redis.setMode(mode);
          await rest();
          if (stuck) return;
          proxies.postgres.setMode('pass');
          proxies.redis.setMode('pass');
          return;
        }
      }
    }
  } finally {
    stopping = true;
    await Promise.allSettled(loops);
    for (const s of sessions) s.close();
    await Promise.allSettled([proxies.postgres.stop(), proxies.redis.stop()]);
  }
}

/** `url` with the server's port replaced by the proxy's. */
function throughProxy(url: string, port: number, proxy: FaultProxy): string {
  const u = new URL(url);
  if (u.port !== String(port)) throw new Error(`expected port ${port} in ${u.host}`);
  u.port = String(proxy.port);
  return u.toString();
}
