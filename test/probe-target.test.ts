/** The probe's target file: what it accepts and every refusal, with the whole message a user sees. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GigascaleError } from '../lib/util/errors';
import { parseTarget, readTarget, redactUrl } from '../probe/target';

function refusal(run: () => unknown): { message: string; exitCode: number } {
  try {
    run();
  } catch (e) {
    if (!(e instanceof GigascaleError)) throw e;
    return { message: e.message, exitCode: e.exitCode };
  }
  throw new Error('the target was accepted');
}

const parse = (value: unknown): ReturnType<typeof parseTarget> => parseTarget(JSON.stringify(value), 't.json');

describe('parseTarget', () => {
  it('takes a region with every endpoint', () => {
    const target = {
      region: 'eu-west-1',
      postgres: 'postgres://probe:secret@reader.example:5432/gigascale?sslmode=require',
      redis: 'rediss://probe:secret@cache.example:6379',
      http: 'https://api.example/gateway/health',
      ws: 'wss://api.example/ws',
    };
    expect(parse(target)).toEqual(target);
  });

  it('takes a region with one endpoint, and the other schemes', () => {
    expect(parse({ region: 'local', redis: 'redis://127.0.0.1:6379' })).toEqual({ region: 'local', redis: 'redis://127.0.0.1:6379' });
    expect(parse({ region: 'local', postgres: 'postgresql://127.0.0.1/db', http: 'http://127.0.0.1:8080/', ws: 'ws://127.0.0.1:8080/' })).toMatchObject({
      postgres: 'postgresql://127.0.0.1/db',
    });
  });

  it('takes a sample of postgres URLs, and IAM authentication for a user without a password', () => {
    const sample = ['postgres://gigascale_probe@proxy.shard-0000.db.prod.gigascale.internal:5432/gigascale?sslmode=verify-full&auth=iam', 'postgres://u:p@h:5432/db'];
    expect(parse({ region: 'us-east-1', postgres: sample })).toEqual({ region: 'us-east-1', postgres: sample });
  });

  it('refuses an empty or oversized sample, a bad URL in it, an unknown auth and a password beside IAM, naming each', () => {
    expect(refusal(() => parse({ region: 'x', postgres: [] })).message).toBe('Invalid target (1 problem):\n  - postgres in t.json: must list 1..8 URLs (a sample of shards), got 0');
    expect(refusal(() => parse({ region: 'x', postgres: Array.from({ length: 9 }, () => 'postgres://h/db') })).message).toBe(
      'Invalid target (1 problem):\n  - postgres in t.json: must list 1..8 URLs (a sample of shards), got 9',
    );
    expect(refusal(() => parse({ region: 'x', postgres: ['postgres://u@h/db?auth=iam', 'redis://h', 'postgres://u@h/db?auth=md5', 'postgres://u:secret@h/db?auth=iam'] })).message).toBe(
      [
        'Invalid target (3 problems):',
        '  - postgres[1] in t.json: must use postgres:// or postgresql://, got "redis://h"; write it as postgres://user:password@host:5432/database (or a list of them; postgres://user@host:5432/database?auth=iam for IAM)',
        '  - postgres[2] in t.json: takes auth=iam only (IAM authentication), got auth="md5" in "postgres://u@h/db?auth=md5"',
        '  - postgres[3] in t.json: must name the database user and no password with auth=iam (the token is the password), got "postgres://u:***@h/db?auth=iam"',
      ].join('\n'),
    );
  });

  it('refuses text that is not JSON, naming the file and showing the shape', () => {
    expect(refusal(() => parseTarget('{"region": ', 't.json'))).toEqual({
      message: expect.stringMatching(/^Invalid target \(1 problem\):\n {2}- --target: t\.json is not JSON \(.+\); write it as e\.g\. \{"region": "eu-west-1", "redis": "redis:\/\/host:6379"\}$/),
      exitCode: 2,
    });
  });

  it('refuses JSON that is not an object', () => {
    expect(refusal(() => parse(['redis://x'])).message).toBe(
      'Invalid target (1 problem):\n  - --target: t.json must hold a JSON object like {"region": "eu-west-1", "redis": "redis://host:6379"}, got an array',
    );
  });

  it('requires a region', () => {
    expect(refusal(() => parse({ redis: 'redis://h:6379' })).message).toBe(
      'Invalid target (1 problem):\n  - region in t.json: is required: the region the endpoints are in, e.g. "eu-west-1" (or "local")',
    );
  });

  it('requires at least one endpoint', () => {
    expect(refusal(() => parse({ region: 'local' })).message).toBe('Invalid target (1 problem):\n  - --target: t.json names no endpoint: add at least one of postgres, redis, http, profile_origin, profile_edge, ws, chat');
  });

  it('names every bad field at once, with the fix, and never echoes a password', () => {
    expect(
      refusal(() =>
        parse({
          region: 'EU West',
          redis: 'http://user:hunter2@cache:6379',
          postgres: 5432,
          http: 'not a url',
          profile_edge: 'wss://api.example/v1/public/profiles/p',
          ws: 'https://api.example/ws',
          mysql: 'mysql://db',
        }),
      ).message,
    ).toBe(
      [
        'Invalid target (7 problems):',
        '  - mysql in t.json: unknown field; a target has region, postgres, redis, http, profile_origin, profile_edge, ws, chat',
        '  - region in t.json: must be a region name of lowercase letters, digits and dashes, e.g. "eu-west-1" or "local", got "EU West"',
        '  - postgres in t.json: must be a URL string like postgres://user:password@host:5432/database (or a list of them; postgres://user@host:5432/database?auth=iam for IAM), got number 5432',
        '  - redis in t.json: must use redis:// or rediss://, got "http://user:***@cache:6379"; write it as redis://host:6379 or rediss://user:password@host:6379 (rediss://user@host:6379?auth=iam&cache=<id> for IAM)',
        '  - http in t.json: must be a URL like https://host/gateway/health, got "not a url"',
        '  - profile_edge in t.json: must use http:// or https://, got "wss://api.example/v1/public/profiles/p"; write it as https://api.example.com/v1/public/profiles/gigascale-probe:profile',
        '  - ws in t.json: must use ws:// or wss://, got "https://api.example/ws"; write it as wss://host/ws (add auth=sts&audience=<environment> to present the probe\'s identity)',
      ].join('\n'),
    );
  });

  it('refuses a redis database other than 0: cluster mode has no other', () => {
    expect(refusal(() => parse({ region: 'local', redis: 'redis://h:6379/2' })).message).toBe(
      'Invalid target (1 problem):\n  - redis in t.json: must not select a database (cluster mode has only database 0), got "redis://h:6379/2"; drop the path',
    );
  });

  it('takes a cache URL with IAM: TLS, a user without a password and the replication group the token is for', () => {
    const url = 'rediss://gigascale-prod-probe@endpoint.cache.prod.gigascale.internal:6379?auth=iam&cache=gigascale-prod';
    expect(parse({ region: 'eu-west-1', redis: url })).toEqual({ region: 'eu-west-1', redis: url });
  });

  it.each([
    ['redis://u@h:6379?auth=iam&cache=c', 'must use rediss:// with auth=iam (ElastiCache takes IAM tokens over TLS only), got "redis://u@h:6379?auth=iam&cache=c"'],
    ['rediss://h:6379?auth=iam&cache=c', 'must name the cache user and no password with auth=iam (the token is the password), got "rediss://h:6379?auth=iam&cache=c"'],
    ['rediss://u:p@h:6379?auth=iam&cache=c', 'must name the cache user and no password with auth=iam (the token is the password), got "rediss://u:***@h:6379?auth=iam&cache=c"'],
    ['rediss://u@h:6379?auth=iam', 'must name the replication group the token is for with auth=iam, as cache=<id> (1-40 lowercase letters, digits and dashes), got "rediss://u@h:6379?auth=iam"'],
    ['rediss://u@h:6379?auth=iam&cache=Prod_Cache', 'must name the replication group the token is for with auth=iam, as cache=<id> (1-40 lowercase letters, digits and dashes), got "rediss://u@h:6379?auth=iam&cache=Prod_Cache"'],
    ['rediss://u@h:6379?auth=password', 'takes auth=iam only (IAM authentication), got auth="password" in "rediss://u@h:6379?auth=password"'],
  ])('refuses the cache URL %s', (redis, message) => {
    expect(refusal(() => parse({ region: 'local', redis })).message).toBe(`Invalid target (1 problem):\n  - redis in t.json: ${message}`);
  });

  it.each([
    ['ws', 'ws://h/ws?auth=iam', 'takes auth=sts only (the probe\'s identity for auth), got auth="iam" in "ws://h/ws?auth=iam"'],
    ['chat', 'wss://h/socket.io/?auth=sts', 'must name the environment whose auth checks the identity with auth=sts, as audience=<environment> (e.g. prod), got "wss://h/socket.io/?auth=sts"'],
    ['chat', 'wss://h/socket.io/?auth=sts&audience=Prod', 'must name the environment whose auth checks the identity with auth=sts, as audience=<environment> (e.g. prod), got "wss://h/socket.io/?auth=sts&audience=Prod"'],
  ])('refuses the %s URL %s', (field, url, message) => {
    expect(refusal(() => parse({ region: 'local', [field]: url })).message).toBe(`Invalid target (1 problem):\n  - ${field} in t.json: ${message}`);
    expect(parse({ region: 'local', [field]: 'wss://h/socket.io/?auth=sts&audience=prod' })).toEqual({ region: 'local', [field]: 'wss://h/socket.io/?auth=sts&audience=prod' });
  });

  it('redacts the password of URLs and of text that only looks like one', () => {
    expect(redactUrl('rediss://probe:s3cret@h:6379')).toBe('rediss://probe:***@h:6379');
    expect(redactUrl('redis://h:6379')).toBe('redis://h:6379');
    expect(redactUrl('postgres://u:p@ss@h')).toBe('postgres://u:***@h');
  });
});

describe('readTarget', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gigascale-probe-target-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a file relative to the working directory', () => {
    writeFileSync(join(dir, 'ok.json'), '{"region": "local", "http": "http://127.0.0.1:1/"}');
    expect(readTarget('ok.json', dir)).toEqual({ region: 'local', http: 'http://127.0.0.1:1/' });
  });

  it('refuses a missing file with its absolute path and what to write there', () => {
    expect(refusal(() => readTarget('missing.json', dir))).toEqual({
      message: `Invalid target (1 problem):\n  - --target: no file at ${join(dir, 'missing.json')}; write the target there as JSON, e.g. {"region": "eu-west-1", "redis": "redis://host:6379"}`,
      exitCode: 2,
    });
  });

  it('refuses a path it cannot read as a file', () => {
    expect(refusal(() => readTarget('.', dir)).message).toMatch(new RegExp(`^Invalid target \\(1 problem\\):\\n {2}- --target: cannot read ${dir}: EISDIR`));
  });
});
