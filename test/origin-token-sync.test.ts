/**
 * The functions that carry the edge origin token from its secret to where it is used, run as Lambda would run them:
 * the WAF sync against an in-memory WAF and a real HTTP endpoint standing for CloudFormation's response URL, the edge
 * sync against a local HTTP server speaking Cloudflare's API, and the origin canary's reading of the token.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ORIGIN_TOKEN_HEADER, ORIGIN_TOKEN_RULE } from '../lib/facts/origin-protection';
import { edgeTokenSyncScript } from '../lib/views/edge-token-sync-script';
import { originCanaryScript } from '../lib/views/origin-canary-script';
import { wafTokenSyncScript } from '../lib/views/waf-token-sync-script';
import { NO_TOKEN_PATTERN } from '../stacks/ingress/origin-token-patterns';
import { type FakeCommand, fakeSdk, loadScript } from './support/lambda-script';

const SECRET = 'gigascale/prod/edge/origin-token';
const P = 'p'.repeat(64);
const C = 'c'.repeat(64);
const N = 'n'.repeat(64);
const PLAIN = 'A1'.repeat(24);
const slotsOf = (previous: string, current: string, next: string) => JSON.stringify({ previous, current, next });

/** Secrets Manager holding one string per secret id. */
function secretsSdk(values: Record<string, string>) {
  return fakeSdk(['SecretsManagerClient'], ['GetSecretValueCommand'], (c) => {
    const value = values[c.input.SecretId as string];
    return value === undefined ? Promise.reject(Object.assign(new Error(`no secret ${String(c.input.SecretId)}`), { name: 'ResourceNotFoundException' })) : Promise.resolve({ SecretString: value });
  });
}

/** One regex pattern set as WAF keeps it: its patterns, and a lock token that changes with every update. */
class FakeWaf {
  patterns = [NO_TOKEN_PATTERN];
  lock = 1;
  updates: Record<string, unknown>[] = [];
  /** Updates to fail with WAF's optimistic-lock error before one succeeds. */
  lostLocks = 0;

  send(c: FakeCommand): Promise<unknown> {
    const name = c.constructor.name;
    const set = [c.input.Name, c.input.Scope, c.input.Id].join(' ');
    if (set !== 'gigascale-prod-eu-west-1-origin-token REGIONAL set-id') return Promise.reject(new Error(`no pattern set ${set}`));
    if (name === 'GetRegexPatternSetCommand') {
      return Promise.resolve({ RegexPatternSet: { Description: 'tokens', RegularExpressionList: this.patterns.map((RegexString) => ({ RegexString })) }, LockToken: `lock-${this.lock}` });
    }
    if (name === 'UpdateRegexPatternSetCommand') {
      if (this.lostLocks > 0 || c.input.LockToken !== `lock-${this.lock}`) {
        this.lostLocks -= 1;
        this.lock += 1;
        return Promise.reject(Object.assign(new Error('lock lost'), { name: 'WAFOptimisticLockException' }));
      }
      this.updates.push(c.input);
      this.patterns = (c.input.RegularExpressionList as { RegexString: string }[]).map((r) => r.RegexString);
      this.lock += 1;
      return Promise.resolve({ NextLockToken: `lock-${this.lock}` });
    }
    return Promise.reject(new Error(`unexpected ${name}`));
  }
}

interface SyncOutcome { patternSet: string; result: string; accepted: number }
interface WafSyncExports { handler: (event?: Record<string, unknown>) => Promise<SyncOutcome | undefined> }

function wafSync(secret: string | undefined, waf: FakeWaf): WafSyncExports {
  return loadScript<WafSyncExports>(
    wafTokenSyncScript(),
    {
      '@aws-sdk/client-secrets-manager': secretsSdk(secret === undefined ? {} : { [SECRET]: secret }),
      '@aws-sdk/client-wafv2': fakeSdk(['WAFV2Client'], ['GetRegexPatternSetCommand', 'UpdateRegexPatternSetCommand'], (c) => waf.send(c)),
    },
    { SECRET_ID: SECRET, PATTERN_SET_NAME: 'gigascale-prod-eu-west-1-origin-token', PATTERN_SET_ID: 'set-id' },
  );
}

/** A local HTTP server recording each request (method, path, headers, body) and answering with `answer`. */
async function server(answer: (method: string, path: string, body: unknown) => { status: number; body: unknown }) {
  const requests: { method: string; path: string; headers: http.IncomingHttpHeaders; body: unknown }[] = [];
  const s = http.createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      const body: unknown = text === '' ? undefined : JSON.parse(text);
      requests.push({ method: req.method!, path: req.url!, headers: req.headers, body });
      const a = answer(req.method!, req.url!, body);
      res.writeHead(a.status, { 'content-type': 'application/json' }).end(JSON.stringify(a.body));
    });
  });
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, requests, close: () => new Promise<void>((resolve) => s.close(() => resolve())) };
}

let logs: string[] = [];
beforeAll(() => {
  vi.spyOn(console, 'log').mockImplementation((line: string) => void logs.push(line));
});
afterEach(() => {
  logs = [];
});
afterAll(() => {
  vi.restoreAllMocks();
});

describe('the WAF sync of the origin token', () => {
  it('writes every slot, anchored, sorted, into the pattern set in place of the placeholder', async () => {
    const waf = new FakeWaf();
    expect(await wafSync(slotsOf(P, C, N), waf).handler({})).toEqual({ patternSet: 'gigascale-prod-eu-west-1-origin-token', result: 'updated', accepted: 3 });
    expect(waf.updates).toEqual([
      {
        Name: 'gigascale-prod-eu-west-1-origin-token',
        Scope: 'REGIONAL',
        Id: 'set-id',
        Description: 'tokens',
        RegularExpressionList: [`^${C}$`, `^${N}$`, `^${P}$`].map((RegexString) => ({ RegexString })),
        LockToken: 'lock-1',
      },
    ]);
  });

  it('accepts the plain value of a token never rotated, once', async () => {
    const waf = new FakeWaf();
    await wafSync(PLAIN, waf).handler({});
    expect(waf.patterns).toEqual([`^${PLAIN}$`]);
  });

  it('leaves a set that holds the slots already alone', async () => {
    const waf = new FakeWaf();
    waf.patterns = [`^${P}$`, `^${N}$`, `^${C}$`];
    expect(await wafSync(slotsOf(P, C, N), waf).handler({})).toMatchObject({ result: 'unchanged', accepted: 3 });
    expect(waf.updates).toEqual([]);
  });

  it('reads the set again and retries when another writer took the lock, twice at most', async () => {
    const waf = new FakeWaf();
    waf.lostLocks = 2;
    await wafSync(slotsOf(P, C, N), waf).handler({});
    expect(waf.patterns).toHaveLength(3);
    const stubborn = new FakeWaf();
    stubborn.lostLocks = 3;
    await expect(wafSync(slotsOf(P, C, N), stubborn).handler({})).rejects.toThrow('lock lost');
  });

  it('never writes a value that is not letters and digits, and refuses a secret without a usable current', async () => {
    const waf = new FakeWaf();
    await wafSync(slotsOf('.*'.repeat(20), C, `${'x'.repeat(40)}$|^`), waf).handler({});
    expect(waf.patterns).toEqual([`^${C}$`]);
    await expect(wafSync(slotsOf(P, 'short', N), new FakeWaf()).handler({})).rejects.toThrow(`${SECRET} has no usable current value: letters and digits, at least 32`);
  });

  it('logs the outcome and never a token', async () => {
    await wafSync(slotsOf(P, C, N), new FakeWaf()).handler({});
    expect(logs).toEqual(['{"patternSet":"gigascale-prod-eu-west-1-origin-token","result":"updated","accepted":3}']);
  });

  describe('as a CloudFormation custom resource', () => {
    let cfn: Awaited<ReturnType<typeof server>>;
    beforeAll(async () => {
      cfn = await server(() => ({ status: 200, body: {} }));
    });
    afterAll(() => cfn.close());
    const event = (requestType: string) => ({
      RequestType: requestType,
      ResponseURL: `${cfn.url}/response?signature=x`,
      StackId: 'arn:aws:cloudformation:eu-west-1:222222222222:stack/prod-eu-west-1-ingress/1',
      RequestId: 'request-1',
      LogicalResourceId: 'OriginTokensFirstSync',
      ...(requestType === 'Create' ? {} : { PhysicalResourceId: 'gigascale-prod-eu-west-1-origin-token-sync' }),
    });

    it('fills the set on Create and reports SUCCESS to the response URL, with an empty content type', async () => {
      const waf = new FakeWaf();
      cfn.requests.length = 0;
      await wafSync(slotsOf(P, C, N), waf).handler(event('Create'));
      expect(waf.patterns).toHaveLength(3);
      expect(cfn.requests).toHaveLength(1);
      const [put] = cfn.requests;
      expect([put.method, put.path, put.headers['content-type']]).toEqual(['PUT', '/response?signature=x', '']);
      expect(put.body).toEqual({
        Status: 'SUCCESS',
        Reason: '{"patternSet":"gigascale-prod-eu-west-1-origin-token","result":"updated","accepted":3}',
        PhysicalResourceId: 'gigascale-prod-eu-west-1-origin-token-sync',
        StackId: 'arn:aws:cloudformation:eu-west-1:222222222222:stack/prod-eu-west-1-ingress/1',
        RequestId: 'request-1',
        LogicalResourceId: 'OriginTokensFirstSync',
      });
    });

    it('reports FAILED with the reason when the secret cannot be read, so the web ACL is not switched to an empty set', async () => {
      const waf = new FakeWaf();
      cfn.requests.length = 0;
      await wafSync(undefined, waf).handler(event('Update'));
      expect(waf.patterns).toEqual([NO_TOKEN_PATTERN]);
      expect(cfn.requests[0].body).toMatchObject({ Status: 'FAILED', Reason: `no secret ${SECRET}`, PhysicalResourceId: 'gigascale-prod-eu-west-1-origin-token-sync' });
    });

    it('does nothing on Delete but report SUCCESS', async () => {
      const waf = new FakeWaf();
      cfn.requests.length = 0;
      await wafSync(slotsOf(P, C, N), waf).handler(event('Delete'));
      expect(waf.patterns).toEqual([NO_TOKEN_PATTERN]);
      expect(cfn.requests[0].body).toMatchObject({ Status: 'SUCCESS', Reason: 'nothing to do on Delete' });
    });
  });
});

const CREDENTIALS_ID = 'gigascale/prod/edge/cloudflare-api';
const CREDENTIALS = { apiToken: 'cf-token-0123456789abcdef', accountId: '0123456789abcdef0123456789abcde1', zoneId: 'fedcba9876543210fedcba9876543211' };
const MONITOR = "gigascale prod: gateway health (/gateway/health) of each region's origin";

/** Cloudflare's API as the edge sync uses it: one zone's late-transform entry point ruleset and the account's monitors. */
class FakeCloudflare {
  rule: Record<string, unknown> = {
    id: 'rule-1',
    version: '3',
    last_updated: '2026-11-01T00:00:00Z',
    ref: ORIGIN_TOKEN_RULE.ref,
    description: 'Set x-gigascale-origin-token',
    expression: 'true',
    action: 'rewrite',
    enabled: true,
    action_parameters: { headers: { 'x-other': { operation: 'remove' }, [ORIGIN_TOKEN_HEADER]: { operation: 'set', value: P } } },
  };
  monitors: Record<string, unknown>[] = [
    { id: 'mon-dev', description: "gigascale dev: gateway health (/gateway/health) of each region's origin", header: { [ORIGIN_TOKEN_HEADER]: ['dev-token'] } },
    { id: 'mon-prod', description: MONITOR, type: 'https', header: { Host: ['origin'], [ORIGIN_TOKEN_HEADER]: [P] } },
  ];
  failing: string | undefined;

  answer(method: string, path: string, body: unknown): { status: number; body: unknown } {
    const ok = (result: unknown) => ({ status: 200, body: { success: true, errors: [], messages: [], result } });
    if (this.failing !== undefined && path.startsWith(this.failing)) return { status: 403, body: { success: false, errors: [{ code: 10000, message: 'Authentication error' }] } };
    const zone = `/zones/${CREDENTIALS.zoneId}`;
    const account = `/accounts/${CREDENTIALS.accountId}`;
    if (method === 'GET' && path === `${zone}/rulesets/phases/${ORIGIN_TOKEN_RULE.phase}/entrypoint`) return ok({ id: 'ruleset-1', phase: ORIGIN_TOKEN_RULE.phase, rules: [this.rule] });
    if (method === 'PATCH' && path === `${zone}/rulesets/ruleset-1/rules/rule-1`) {
      this.rule = { ...(body as object), id: 'rule-1', version: '4' };
      return ok({ id: 'ruleset-1', rules: [this.rule] });
    }
    if (method === 'GET' && path === `${account}/load_balancers/monitors`) return ok(this.monitors);
    const patched = this.monitors.find((m) => method === 'PATCH' && path === `${account}/load_balancers/monitors/${String(m.id)}`);
    if (patched) {
      Object.assign(patched, body);
      return ok(patched);
    }
    return { status: 404, body: { success: false, errors: [{ code: 7003, message: `no route ${method} ${path}` }] } };
  }
}

describe('the edge sync of the origin token', () => {
  let cloudflare: FakeCloudflare;
  let api: Awaited<ReturnType<typeof server>>;
  beforeAll(async () => {
    api = await server((method, path, body) => cloudflare.answer(method, path, body));
  });
  afterAll(() => api.close());

  const edgeSync = (token: string, credentials: unknown = CREDENTIALS) =>
    loadScript<{ handler: () => Promise<{ rule: string; monitor: string }> }>(
      edgeTokenSyncScript(),
      { '@aws-sdk/client-secrets-manager': secretsSdk({ [SECRET]: token, [CREDENTIALS_ID]: JSON.stringify(credentials) }) },
      {
        API_URL: api.url,
        TOKEN_SECRET_ID: SECRET,
        CREDENTIALS_SECRET_ID: CREDENTIALS_ID,
        TOKEN_HEADER: ORIGIN_TOKEN_HEADER,
        RULE_PHASE: ORIGIN_TOKEN_RULE.phase,
        RULE_REF: ORIGIN_TOKEN_RULE.ref,
        MONITOR_DESCRIPTION: MONITOR,
      },
    );
  const begin = () => {
    cloudflare = new FakeCloudflare();
    api.requests.length = 0;
  };

  it('sets current in the transform rule, sending the rule back whole, and in the monitor, keeping their other headers', async () => {
    begin();
    expect(await edgeSync(slotsOf(P, C, N)).handler()).toEqual({ rule: 'updated', monitor: 'updated' });
    const patches = api.requests.filter((r) => r.method === 'PATCH');
    expect(patches.map((r) => [r.path, r.body])).toEqual([
      [
        `/zones/${CREDENTIALS.zoneId}/rulesets/ruleset-1/rules/rule-1`,
        {
          ref: ORIGIN_TOKEN_RULE.ref,
          description: 'Set x-gigascale-origin-token',
          expression: 'true',
          action: 'rewrite',
          enabled: true,
          action_parameters: { headers: { 'x-other': { operation: 'remove' }, [ORIGIN_TOKEN_HEADER]: { operation: 'set', value: C } } },
        },
      ],
      [`/accounts/${CREDENTIALS.accountId}/load_balancers/monitors/mon-prod`, { header: { Host: ['origin'], [ORIGIN_TOKEN_HEADER]: [C] } }],
    ]);
    expect(api.requests.every((r) => r.headers.authorization === `Bearer ${CREDENTIALS.apiToken}`)).toBe(true);
    expect(cloudflare.monitors[0].header).toEqual({ [ORIGIN_TOKEN_HEADER]: ['dev-token'] });
    expect(logs).toEqual(['{"rule":"updated","monitor":"updated"}']);
  });

  it('changes nothing when Cloudflare already sends current', async () => {
    begin();
    expect(await edgeSync(slotsOf('x'.repeat(40), P, N)).handler()).toEqual({ rule: 'unchanged', monitor: 'unchanged' });
    expect(api.requests.map((r) => r.method)).toEqual(['GET', 'GET']);
  });

  it('sends the plain value of a token never rotated as current', async () => {
    begin();
    await edgeSync(PLAIN).handler();
    expect(cloudflare.monitors[1].header).toEqual({ Host: ['origin'], [ORIGIN_TOKEN_HEADER]: [PLAIN] });
  });

  it('refuses credentials still holding the generated values, naming the fields to put in, before calling Cloudflare', async () => {
    begin();
    await expect(edgeSync(slotsOf(P, C, N), { apiToken: 'x'.repeat(32), accountId: 'set-me', zoneId: 'set-me' }).handler()).rejects.toThrow(
      `${CREDENTIALS_ID} must hold JSON with apiToken, accountId, zoneId (docs/edge.md); missing or malformed: accountId, zoneId`,
    );
    expect(api.requests).toEqual([]);
  });

  it('says to deploy the edge first when the rule or the monitor is missing', async () => {
    begin();
    cloudflare.rule = { ...cloudflare.rule, ref: 'something_else' };
    await expect(edgeSync(slotsOf(P, C, N)).handler()).rejects.toThrow(
      `the zone has no rule origin_token in its http_request_late_transform ruleset: deploy the edge first (pulumi up in edge/)`,
    );
    begin();
    cloudflare.monitors = cloudflare.monitors.slice(0, 1);
    await expect(edgeSync(slotsOf(P, C, N)).handler()).rejects.toThrow(`expected one monitor described ${JSON.stringify(MONITOR)}, found 0: deploy the edge first (pulumi up in edge/)`);
  });

  it("fails with Cloudflare's status and errors, and no token, when a call is refused", async () => {
    begin();
    cloudflare.failing = `/accounts/`;
    const message = await edgeSync(slotsOf(P, C, N)).handler().then(
      () => 'no error',
      (e: Error) => e.message,
    );
    expect(message).toBe(`Cloudflare GET /accounts/${CREDENTIALS.accountId}/load_balancers/monitors answered 403: [{"code":10000,"message":"Authentication error"}]`);
  });
});

describe('the origin canary', () => {
  it('sends the current slot of the token, as the edge does, and redacts its header', async () => {
    const sent: Record<string, unknown>[] = [];
    let config: Record<string, unknown> = {};
    const synthetics = {
      getConfiguration: () => ({ setConfig: (c: Record<string, unknown>) => (config = c) }),
      getCanaryUserAgentString: () => 'canary',
      executeHttpStep: (_step: string, request: Record<string, unknown>) => Promise.resolve(void sent.push(request)),
    };
    const script = originCanaryScript({ url: 'https://origin-eu-west-1.gigascale.example/gateway/health', tokenHeader: ORIGIN_TOKEN_HEADER, tokenSecretName: SECRET, expectedBody: 'ok' });
    const run = (value: string) =>
      loadScript<{ handler: () => Promise<void> }>(script, {
        Synthetics: synthetics,
        SyntheticsLogger: { info: () => undefined },
        '@aws-sdk/client-secrets-manager': secretsSdk({ [SECRET]: value }),
      }).handler();
    await run(slotsOf(P, C, N));
    await run(PLAIN);
    expect(sent.map((r) => (r.headers as Record<string, string>)[ORIGIN_TOKEN_HEADER])).toEqual([C, PLAIN]);
    expect(config.restrictedHeaders).toEqual([ORIGIN_TOKEN_HEADER]);
    await expect(run(slotsOf(P, '', N))).rejects.toThrow(`secret ${SECRET} has no usable current value`);
  });
});
