/**
 * .github/workflows/review.yml: valid against SchemaStore's workflow schema (action-validator), and what a reviewer of
 * a CI change checks: the trigger, the token's permissions, pinned actions, the review's command line, one comment
 * found by the report's marker, the artifact, the failing exit code and the gated change-set job. The shell steps run
 * here under bash as GitHub runs them (`shell: bash`), and the comment script against a fake GitHub API.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { validateWorkflow } from '@action-validator/core';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { COMMENT_MARKER } from '../lib/review/markdown-report';

const ROOT = resolve(__dirname, '..');
const TEXT = readFileSync(join(ROOT, '.github', 'workflows', 'review.yml'), 'utf8');

interface Step {
  readonly id?: string;
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly if?: string;
  readonly with?: Record<string, unknown>;
  readonly env?: Record<string, string>;
}

interface Job {
  readonly needs?: string;
  readonly if?: string;
  readonly 'timeout-minutes'?: number;
  readonly permissions?: Record<string, string>;
  readonly env?: Record<string, string>;
  readonly steps: readonly Step[];
}

interface Workflow {
  readonly on: Record<string, unknown>;
  readonly permissions: Record<string, string>;
  readonly concurrency: unknown;
  readonly defaults: unknown;
  readonly jobs: Record<string, Job>;
}

const WORKFLOW = parse(TEXT) as Workflow;
const REVIEW = WORKFLOW.jobs.review;
const CHANGE_SETS = WORKFLOW.jobs['change-sets'];

/** A GitHub expression as the workflow spells it. */
const expr = (e: string): string => `\${{ ${e} }}`;
/** A pull request whose token can write: not from a fork, not from Dependabot. */
const CAN_WRITE = "github.event.pull_request.head.repo.full_name == github.repository && github.actor != 'dependabot[bot]'";

/** A step by its action (owner/name, without the ref) or its name. */
function step(job: Job, what: string): Step {
  const found = job.steps.find((s) => s.uses?.split('@')[0] === what || s.name === what || s.id === what);
  if (!found) throw new Error(`no step ${what}; have ${job.steps.map(label).join(', ')}`);
  return found;
}

/** What a step is, for order checks: its action, else its name, else its command. */
const label = (s: Step): string => s.uses?.split('@')[0] ?? s.name ?? s.run ?? '?';

const tmp = mkdtempSync(join(tmpdir(), 'gigascale-workflow-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs a step's script as GitHub runs `shell: bash` (`bash --noprofile --norc -eo pipefail {0}`). */
function bash(script: string, env: Record<string, string>, cwd = tmp) {
  const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], { cwd, env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A git repository at `repo` with everything in it committed; returns the commit. */
function commitAll(repo: string): string {
  const git = (...args: string[]) => spawnSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd: repo, encoding: 'utf8' });
  git('init', '-q');
  git('add', '.');
  git('commit', '-qm', 'base');
  return git('rev-parse', 'HEAD').stdout.trim();
}

/** A fresh directory under the test's temporary directory. */
const dir = (name: string): string => mkdtempSync(join(tmp, `${name}-`));

describe('the workflow file', () => {
  it('passes the SchemaStore GitHub workflow schema', () => {
    expect(validateWorkflow(TEXT).errors).toEqual([]);
  });

  it.each([
    ['a misspelled job key (run-on)', TEXT.replace('runs-on:', 'run-on:'), '/jobs/review', "Additional property 'run-on' is not allowed"],
    ['an unknown event (pull_requests)', TEXT.replace('\n  pull_request:\n', '\n  pull_requests:\n'), '/on', "Additional property 'pull_requests' is not allowed"],
    ['a permission level that does not exist (reed)', TEXT.replace('  contents: read\n', '  contents: reed\n'), '/permissions', 'Enum conditions are not met'],
  ])('refuses %s, so the schema check can fail', (_what, broken, path, detail) => {
    expect(broken).not.toBe(TEXT);
    const errors = validateWorkflow(broken).errors;
    expect(errors.map((e) => ('path' in e ? e.path : e.code))).toEqual([path]);
    expect(JSON.stringify(errors)).toContain(detail);
  });

  it('runs on pull_request only, never pull_request_target', () => {
    expect(Object.keys(WORKFLOW.on)).toEqual(['pull_request']);
  });

  it('grants the token contents: read and nothing else at the top level', () => {
    expect(WORKFLOW.permissions).toEqual({ contents: 'read' });
  });

  it('cancels a superseded run of the same pull request', () => {
    expect(WORKFLOW.concurrency).toEqual({ group: `${expr('github.workflow')}-${expr('github.event.pull_request.number')}`, 'cancel-in-progress': true });
  });

  it('runs every script under bash with pipefail', () => {
    expect(WORKFLOW.defaults).toEqual({ run: { shell: 'bash' } });
  });

  it('pins every action to a full commit SHA with its version in a comment', () => {
    const lines = TEXT.split('\n').filter((l) => /^\s*(- )?uses:/.test(l));
    const used = Object.values(WORKFLOW.jobs).flatMap((j) => j.steps.filter((s) => s.uses !== undefined));
    expect(lines).toHaveLength(used.length);
    expect(lines.filter((l) => !/^\s*(- )?uses: [\w-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/.test(l))).toEqual([]);
    expect(used.filter((s) => !/@[0-9a-f]{40}$/.test(s.uses!))).toEqual([]);
  });

  it('pins an action to the same commit in every job', () => {
    const refs = new Map<string, Set<string>>();
    for (const s of Object.values(WORKFLOW.jobs).flatMap((j) => j.steps)) {
      if (s.uses === undefined) continue;
      const [action, ref] = s.uses.split('@');
      refs.set(action, (refs.get(action) ?? new Set()).add(ref));
    }
    expect([...refs].filter(([, r]) => r.size > 1)).toEqual([]);
  });

  it('lets only the review job write pull requests', () => {
    const writers = Object.entries(WORKFLOW.jobs).filter(([, j]) => j.permissions?.['pull-requests'] === 'write');
    expect(writers.map(([id]) => id)).toEqual(['review']);
    expect(REVIEW.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
  });
});

describe('the review job', () => {
  it('checks out, installs, restores the cache, reviews, reports, comments and then fails, in that order', () => {
    expect(REVIEW.steps.map(label)).toEqual([
      'actions/checkout',
      'actions/setup-node',
      'npm ci',
      'Locate the review cache',
      'actions/cache',
      'Review',
      'Write the report to the step summary',
      'actions/upload-artifact',
      'Skip the comment (read-only token)',
      'actions/github-script',
      'Fail when the review did not pass',
    ]);
  });

  it('allows 30 minutes for two synths', () => {
    expect(REVIEW['timeout-minutes']).toBe(30);
  });

  it('checks out the whole history (the base commit too) without keeping the token in git config', () => {
    expect(step(REVIEW, 'actions/checkout').with).toEqual({ 'fetch-depth': 0, 'persist-credentials': false });
  });

  it('sets up Node 20 with the npm cache', () => {
    expect(step(REVIEW, 'actions/setup-node').with).toEqual({ 'node-version': 20, cache: 'npm' });
  });

  it('puts the review cache under the runner temp directory and keys it by the base lockfile hash', () => {
    const repo = dir('repo');
    writeFileSync(join(repo, 'package-lock.json'), '{"lockfileVersion":3}\n');
    const baseSha = commitAll(repo);
    writeFileSync(join(repo, 'package-lock.json'), '{"lockfileVersion":3,"head":true}\n');
    const out = dir('out');
    const [githubEnv, githubOutput] = [join(out, 'env'), join(out, 'output')];

    const locate = step(REVIEW, 'cache-key');
    expect(locate.env).toEqual({ BASE_SHA: expr('github.event.pull_request.base.sha') });
    const r = bash(locate.run!, { BASE_SHA: baseSha, RUNNER_TEMP: '/runner/temp', GITHUB_ENV: githubEnv, GITHUB_OUTPUT: githubOutput }, repo);
    expect(r).toMatchObject({ status: 0, stderr: '' });
    expect(readFileSync(githubEnv, 'utf8')).toBe('GIGASCALE_REVIEW_CACHE=/runner/temp/gigascale-review\n');
    expect(readFileSync(githubOutput, 'utf8')).toBe(`base-lock=${createHash('sha256').update('{"lockfileVersion":3}\n').digest('hex')}\n`);
  });

  it('fails to locate the cache when the base has no lockfile, rather than keying on an empty hash', () => {
    const repo = dir('nolock');
    writeFileSync(join(repo, 'README.md'), 'no lockfile\n');
    const baseSha = commitAll(repo);
    const r = bash(step(REVIEW, 'cache-key').run!, { BASE_SHA: baseSha, RUNNER_TEMP: tmp, GITHUB_ENV: join(repo, '.env'), GITHUB_OUTPUT: join(repo, '.output') }, repo);
    expect(r.status).toBe(128);
    expect(r.stderr).toContain("path 'package-lock.json' does not exist");
  });

  it('caches the review directory by base lockfile and base sha, falling back to the same lockfile, then any', () => {
    const prefix = `gigascale-review-${expr('runner.os')}-`;
    const lock = expr('steps.cache-key.outputs.base-lock');
    expect(step(REVIEW, 'actions/cache').with).toEqual({
      path: expr('env.GIGASCALE_REVIEW_CACHE'),
      key: `${prefix}${lock}-${expr('github.event.pull_request.base.sha')}`,
      'restore-keys': `${prefix}${lock}-\n${prefix}\n`,
    });
  });

  it('reviews the pull request base sha against the working tree, writing review.md and review.json', () => {
    const review = step(REVIEW, 'review');
    expect(review.env).toEqual({ BASE_SHA: expr('github.event.pull_request.base.sha') });
    expect(review.run).toBe(
      [
        'mkdir -p "$REPORT_DIR"',
        'status=0',
        'npm run -s review -- --base "$BASE_SHA" --markdown "$REPORT_DIR/review.md" --json > "$REPORT_DIR/review.json" || status=$?',
        'echo "exit-code=$status" >> "$GITHUB_OUTPUT"',
        '',
      ].join('\n'),
    );
    expect(REVIEW.env).toEqual({ REPORT_DIR: 'review-report' });
  });

  it.each([0, 1, 2])('records review exit code %i as a step output without failing the step', (code) => {
    const bin = dir('bin');
    const work = dir('work');
    writeFileSync(join(bin, 'npm'), `#!/usr/bin/env bash\nprintf '%s\\n' "$*" > "$ARGS_FILE"\necho '{"ok":${code === 0}}'\nexit ${code}\n`);
    chmodSync(join(bin, 'npm'), 0o755);
    const env = { PATH: `${bin}:${process.env.PATH}`, REPORT_DIR: 'review-report', BASE_SHA: 'b'.repeat(40), GITHUB_OUTPUT: join(work, 'output'), ARGS_FILE: join(work, 'args') };

    expect(bash(step(REVIEW, 'review').run!, env, work)).toMatchObject({ status: 0, stderr: '' });
    expect(readFileSync(join(work, 'args'), 'utf8')).toBe(`run -s review -- --base ${'b'.repeat(40)} --markdown review-report/review.md --json\n`);
    expect(readFileSync(join(work, 'review-report', 'review.json'), 'utf8')).toBe(`{"ok":${code === 0}}\n`);
    expect(readFileSync(join(work, 'output'), 'utf8')).toBe(`exit-code=${code}\n`);
  });

  it('writes the Markdown report to the step summary, even after a failed step', () => {
    const summary = step(REVIEW, 'Write the report to the step summary');
    const work = dir('summary');
    mkdirSync(join(work, 'review-report'));
    writeFileSync(join(work, 'review-report', 'review.md'), `${COMMENT_MARKER}\n### gigascale review: ok\n`);

    expect(summary.if).toBe(expr('!cancelled()'));
    expect(bash(summary.run!, { REPORT_DIR: 'review-report', REVIEW_EXIT: '0', GITHUB_STEP_SUMMARY: join(work, 'summary.md') }, work).status).toBe(0);
    expect(readFileSync(join(work, 'summary.md'), 'utf8')).toBe(`${COMMENT_MARKER}\n### gigascale review: ok\n`);
  });

  it('uploads cdk.out, review.md and review.json as an artifact, even after a failed step', () => {
    const upload = step(REVIEW, 'actions/upload-artifact');
    expect(upload.if).toBe(expr('!cancelled()'));
    expect(upload.with).toEqual({
      name: `review-pr-${expr('github.event.pull_request.number')}`,
      path: `cdk.out\n${expr('env.REPORT_DIR')}/review.md\n${expr('env.REPORT_DIR')}/review.json\n`,
      'if-no-files-found': 'warn',
      'retention-days': 14,
    });
  });

  it('comments only when the token can write, and says so with a notice otherwise', () => {
    expect(step(REVIEW, 'actions/github-script').if).toBe(CAN_WRITE);
    const skip = step(REVIEW, 'Skip the comment (read-only token)');
    expect(skip.if).toBe("github.event.pull_request.head.repo.full_name != github.repository || github.actor == 'dependabot[bot]'");
    expect(skip.run).toMatch(/^echo "::notice title=No review comment::/);
  });

  it('fails the job with the review exit code when it is not 0, naming it', () => {
    const fail = REVIEW.steps.at(-1)!;
    expect(fail.if).toBe("steps.review.outputs.exit-code != '0'");
    expect(fail.env).toEqual({ REVIEW_EXIT: expr('steps.review.outputs.exit-code') });
    const r = bash(fail.run!, { REVIEW_EXIT: '1' });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe(
      '::error title=gigascale review failed::npm run -s review exited 1 (1: a destructive change refused or a check failed; 2: bad input); the comment, the step summary and the artifact say why\n',
    );
  });
});

describe('the review comment', () => {
  interface Comment {
    readonly id: number;
    readonly user: { readonly login: string };
    readonly body: string;
  }

  const comment = step(REVIEW, 'actions/github-script');
  const REPO = { owner: 'octo', repo: 'gigascale' };
  type Script = (github: unknown, context: unknown, core: unknown, require: NodeRequire) => Promise<void>;
  const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...args: string[]) => Script;

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  /** Runs the step's script as actions/github-script does, against a fake API holding `existing` comments. */
  async function post(existing: readonly Comment[], markdown: string | null, exitCode = '1') {
    const work = dir('comment');
    if (markdown !== null) writeFileSync(join(work, 'review.md'), markdown);
    const calls: [string, unknown][] = [];
    const failures: string[] = [];
    const listComments = async () => ({ data: existing });
    const github = {
      paginate: async (method: unknown, params: unknown) => {
        calls.push([method === listComments ? 'paginate(listComments)' : 'paginate(?)', params]);
        return existing;
      },
      rest: {
        issues: {
          listComments,
          updateComment: async (params: unknown) => {
            calls.push(['updateComment', params]);
            return { data: {} };
          },
          createComment: async (params: unknown) => {
            calls.push(['createComment', params]);
            return { data: { html_url: 'https://github.com/octo/gigascale/pull/7#issuecomment-9' } };
          },
        },
      },
    };
    const context = { serverUrl: 'https://github.com', repo: REPO, runId: 42, issue: { ...REPO, number: 7 } };
    const core = { info: () => undefined, setFailed: (m: string) => failures.push(m) };
    for (const [k, v] of Object.entries(comment.env!)) vi.stubEnv(k, v);
    vi.stubEnv('REVIEW_EXIT', exitCode);
    vi.stubEnv('REPORT_DIR', work);
    await new AsyncFunction('github', 'context', 'core', 'require', comment.with!.script as string)(github, context, core, createRequire(__filename));
    return { calls, failures, file: join(work, 'review.md') };
  }

  const REPORT = `${COMMENT_MARKER}\n### gigascale review: 1 destructive change refused\n`;
  const LIST = ['paginate(listComments)', { ...REPO, issue_number: 7, per_page: 100 }];

  it('looks for exactly the marker the Markdown report starts with', () => {
    expect(comment.env?.COMMENT_MARKER).toBe(COMMENT_MARKER);
  });

  it("updates the workflow's own comment that starts with the marker, reading every page of comments", async () => {
    const existing = [
      { id: 1, user: { login: 'alice' }, body: `${COMMENT_MARKER}\nquoted by a person` },
      { id: 2, user: { login: 'github-actions[bot]' }, body: 'another workflow' },
      { id: 3, user: { login: 'github-actions[bot]' }, body: `${COMMENT_MARKER}\n### gigascale review: ok\n` },
    ];
    const { calls, failures } = await post(existing, REPORT);
    expect(failures).toEqual([]);
    expect(calls).toEqual([LIST, ['updateComment', { ...REPO, comment_id: 3, body: REPORT }]]);
  });

  it('creates the comment when the pull request has none of its own', async () => {
    const existing = [{ id: 1, user: { login: 'alice' }, body: `${COMMENT_MARKER}\nquoted by a person` }];
    const { calls, failures } = await post(existing, REPORT);
    expect(failures).toEqual([]);
    expect(calls).toEqual([LIST, ['createComment', { ...REPO, issue_number: 7, body: REPORT }]]);
  });

  it('replaces an earlier verdict with the exit code and the run link when the review wrote no report', async () => {
    const existing = [{ id: 3, user: { login: 'github-actions[bot]' }, body: `${COMMENT_MARKER}\n### gigascale review: ok\n` }];
    const { calls } = await post(existing, null, '2');
    expect(calls).toEqual([
      LIST,
      [
        'updateComment',
        {
          ...REPO,
          comment_id: 3,
          body: `${COMMENT_MARKER}\n### gigascale review: no report (review exit code: 2)\n\n[The run's log](https://github.com/octo/gigascale/actions/runs/42) says why.\n`,
        },
      ],
    ]);
  });

  it('refuses a report without the marker, which the next run could not find again', async () => {
    const { calls, failures, file } = await post([], '### gigascale review: ok\n');
    expect(calls).toEqual([]);
    expect(failures).toEqual([`${file} does not start with ${COMMENT_MARKER}, so the next run could not find this comment`]);
  });
});

describe('the change-set job', () => {
  it('runs after the review only when the role variable is set and the token can get an OIDC token', () => {
    expect(CHANGE_SETS.needs).toBe('review');
    expect(CHANGE_SETS.if).toBe(`vars.GIGASCALE_REVIEW_ROLE_ARN != '' && ${CAN_WRITE}`);
  });

  it('may request an OIDC token and read the repository, nothing else', () => {
    expect(CHANGE_SETS.permissions).toEqual({ 'id-token': 'write', contents: 'read' });
  });

  it('synthesizes before it takes the role, then prepares the change sets', () => {
    expect(CHANGE_SETS.steps.map(label)).toEqual([
      'actions/checkout',
      'actions/setup-node',
      'npm ci',
      'npx cdk synth',
      'aws-actions/configure-aws-credentials',
      'Prepare and review change sets',
    ]);
    expect(CHANGE_SETS['timeout-minutes']).toBe(30);
  });

  it('assumes the role of the variable through OIDC, in the region variable or us-east-1', () => {
    expect(step(CHANGE_SETS, 'aws-actions/configure-aws-credentials').with).toEqual({
      'role-to-assume': expr('vars.GIGASCALE_REVIEW_ROLE_ARN'),
      'aws-region': expr("vars.GIGASCALE_REVIEW_REGION || 'us-east-1'"),
      'role-session-name': `gigascale-review-pr-${expr('github.event.pull_request.number')}`,
    });
  });

  it('runs change-sets.sh for the stack-pattern variable (default every stack), failing with it', () => {
    const prepare = step(CHANGE_SETS, 'Prepare and review change sets');
    expect(prepare.env).toEqual({ STACKS: expr("vars.GIGASCALE_REVIEW_STACKS || '*'"), CHANGE_SET_NAME: `gigascale-review-pr-${expr('github.event.pull_request.number')}` });
    expect(prepare.run).toBe('review/change-sets.sh "$STACKS" "$CHANGE_SET_NAME"');
  });
});
