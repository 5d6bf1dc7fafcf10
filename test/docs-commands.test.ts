/**
 * The commands README.md and docs/ tell a reader to type, held to what they promise:
 * - every `npx cdk synth|deploy` line: its `-c` values resolve into a plan with the shipped config (validation, quota
 *   preflight, capacity and bus checks) and pass the latency gate, which is what decides whether that synth succeeds
 *   before any stage is built. Checked in process, without synthesizing (the synth itself is test/cli.test.ts's);
 * - every offline `npm run -s` line with concrete arguments (plan, budget, edge:plan, shards) runs and exits 0;
 * - every other command line is one the list below names, with why no test runs it here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import defaultConfig from '../regions.config';
import { resolvePlan } from '../lib/plan';
import { breaches, planVerdicts } from '../lib/views/verdicts';
import { runProcess } from './support/process';
import { ROOT } from './support/synth';

/** Commands no test runs here, by how their line starts, and why. */
const NOT_RUN: readonly (readonly [prefix: string, why: string])[] = [
  ['npm run -s review', 'needs a git ref to compare with; test/review-scenarios.test.ts runs it on a copy of the project'],
  ['review/change-sets.sh', 'needs AWS credentials; test/review-changeset.test.ts runs it against stubbed cdk and aws'],
  ['cd edge', 'the Pulumi program: needs Cloudflare and AWS credentials; test/edge-program.test.ts runs it under Pulumi mocks'],
  ['pulumi ', 'needs Cloudflare and AWS credentials (and a state backend); npm run -s edge:plan is its offline preview'],
  ['npm run -s probe ', 'needs live endpoints; test/probe-local.test.ts runs it against local Postgres, Redis and HTTP/WebSocket'],
  ['npm run probe:local', 'starts local servers; test/probe-local.test.ts runs it'],
  ['npx cdk bootstrap ', 'creates the bootstrap stack in an account (docs/pipeline.md): needs its credentials'],
  ['npm run -s probe-gate', 'reads a describe-alarms answer saved from AWS; test/pipeline.test.ts runs it on recorded answers'],
  ['npm run chaos:local', 'starts local servers and breaks them for about 25 s; test/chaos-local.test.ts runs it with short faults'],
  ['npm run -s chaos:local', 'starts local servers and breaks them for about 25 s; test/chaos-local.test.ts runs it with --json'],
  ['aws backup ', 'the restore procedure (docs/data.md): needs AWS credentials and a recovery point in a vault'],
  ['aws rds ', 'part of the restore procedure (docs/data.md): needs AWS credentials and a restored cluster'],
  ['aws secretsmanager ', 'puts the Docker Hub credentials of the ECR pull-through cache and the edge token sync\'s Cloudflare API credentials (docs/deploy.md): needs AWS credentials and tokens from Docker Hub and Cloudflare'],
  ['npm ci', 'CI runs it on a fresh clone (.ci/run)'],
  ['npm test', 'CI runs it (.ci/run)'],
];
const RUN_OFFLINE = ['plan', 'budget', 'edge:plan', 'shards', 'chaos'];

interface Command {
  readonly where: string;
  readonly line: string;
}

/** Command lines of the shell code blocks of README.md and docs/*.md: comments cut, `\` continuations joined. */
function documentedCommands(): Command[] {
  const files = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
  const commands: Command[] = [];
  for (const file of files) {
    const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
    let inShell = false;
    let pending = '';
    lines.forEach((raw, i) => {
      if (/^```/.test(raw.trim())) {
        inShell = !inShell && /^```(sh|bash|shell)\s*$/.test(raw.trim());
        return;
      }
      if (!inShell) return;
      const text = raw.replace(/\s+#.*$/, '').trim();
      if (text === '' || text.startsWith('#')) return;
      if (text.endsWith('\\')) {
        pending += `${text.slice(0, -1).trim()} `;
        return;
      }
      commands.push({ where: `${file}:${i + 1}`, line: `${pending}${text}` });
      pending = '';
    });
  }
  return commands;
}

/** The `-c key=value` pairs of a cdk command line. */
function contextOf(line: string): Record<string, string> {
  return Object.fromEntries([...line.matchAll(/-c\s+([\w:@/-]+)=(\S+)/g)].map((m) => [m[1], m[2]]));
}

/** `npm run -s <script> -- <args>` with only concrete arguments (no `<placeholder>`, no `[optional]`). */
function offlineRun(line: string): { script: string; args: string[] } | undefined {
  const m = /^npm run -s ([\w:]+)(?: -- (.*))?$/.exec(line);
  if (!m || !RUN_OFFLINE.includes(m[1]) || /[<[]/.test(line)) return undefined;
  return { script: m[1], args: m[2] === undefined ? [] : m[2].split(/\s+/) };
}

const commands = documentedCommands();
const cdk = commands.filter((c) => /^npx cdk (synth|deploy)\b/.test(c.line));
const offline = commands.flatMap((c) => {
  const run = offlineRun(c.line);
  return run === undefined ? [] : [{ ...c, ...run }];
});

describe('the documented commands', () => {
  it('are each checked here or named as run elsewhere', () => {
    const placeholders = (c: Command) => /^npm run -s ([\w:]+)/.test(c.line) && /[<[]/.test(c.line);
    const unaccounted = commands.filter(
      (c) => !cdk.includes(c) && !offline.some((o) => o.where === c.where) && !placeholders(c) && !NOT_RUN.some(([prefix]) => c.line.startsWith(prefix)),
    );
    expect(unaccounted.filter((c) => /^(npm|npx|node|review\/|cd |pulumi|aws|kubectl|git)\b/.test(c.line)).map((c) => `${c.where}: ${c.line}`)).toEqual([]);
    expect(cdk.length).toBeGreaterThan(5);
    expect(offline.length).toBeGreaterThan(5);
  });

  it.each(cdk.map((c) => [c.where, c.line] as const))('%s: the -c values of `%s` resolve and pass the latency gate', (_where, line) => {
    const plan = resolvePlan(defaultConfig, contextOf(line));
    expect(breaches(planVerdicts(plan))).toEqual([]);
  });

  it('run without an error: every offline npm run -s line with concrete arguments', async () => {
    const results = await Promise.all(offline.map(async (c) => ({ where: c.where, line: c.line, ...(await runProcess('npm', ['run', '-s', c.script, '--', ...c.args], { cwd: ROOT })) })));
    expect(results.filter((r) => r.code !== 0).map((r) => `${r.where}: ${r.line} exited ${r.code}: ${r.stderr}`)).toEqual([]);
  });
});
