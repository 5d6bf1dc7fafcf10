/**
 * The probe's IAM sign-in to Postgres (probe/rds-iam.ts): the AWS SDK's real signer, the alias the token is signed
 * for, and a token carried as the password to a real Postgres 17 that checks it (scram), as the probe's database
 * user, over a sample of endpoints taken in turn. And to the cache (probe/elasticache-iam.ts): the token ElastiCache
 * documents, signed with the SDK's SigV4 signer, and the endpoint it is the password of. And the identity the probe
 * presents to auth (probe/probe-identity.ts): a presigned STS request in the upgrade's authorization header.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from 'pg';
import { PROBE_DB_USER } from '../lib/facts/aurora';
import { startLocalPostgres, type LocalPostgres } from '../local/postgres';
import { openPostgresCheck } from '../probe/checks/postgres';
import { runOpenModel } from '../probe/open-model';
import { canonicalHost, connectionStringFor, rdsIamToken, type TokenRequest } from '../probe/rds-iam';
import { elasticacheIamToken, respEndpointFor, type CacheTokenRequest } from '../probe/elasticache-iam';
import { probeIdentityToken, webSocketRequestFor } from '../probe/probe-identity';
import { PROBE_AUDIENCE_HEADER, PROBE_AUTH_SCHEME, PROBE_IDENTITY_SECONDS, STS_API_VERSION } from '../lib/facts/probe-identity';
import { openCheck } from '../probe/checks/open';

/** A resolver over a fixed zone; a name without a CNAME answers ENODATA, as Node's does. */
function zone(records: Record<string, string>) {
  return (name: string): Promise<string[]> => {
    if (records[name] !== undefined) return Promise.resolve([records[name]]);
    return Promise.reject(Object.assign(new Error(`queryCname ENODATA ${name}`), { code: 'ENODATA' }));
  };
}

describe('the token', () => {
  it('is the AWS SDK signature for the endpoint, user and region, good for 15 minutes', async () => {
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
    try {
      const token = await rdsIamToken({ hostname: 'shard-0000.proxy-abc123.us-east-1.rds.amazonaws.com', port: 5432, username: PROBE_DB_USER, region: 'us-east-1' });
      const url = new URL(`https://${token}`);
      expect(`${url.host}${url.pathname}`).toBe('shard-0000.proxy-abc123.us-east-1.rds.amazonaws.com:5432/');
      expect(Object.fromEntries([...url.searchParams].filter(([k]) => !['X-Amz-Date', 'X-Amz-Signature', 'X-Amz-Credential'].includes(k)))).toEqual({
        Action: 'connect',
        DBUser: 'gigascale_probe',
        'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
        'X-Amz-Expires': '900',
        'X-Amz-SignedHeaders': 'host',
      });
      expect(url.searchParams.get('X-Amz-Credential')).toMatch(/^AKIDEXAMPLE\/\d{8}\/us-east-1\/rds-db\/aws4_request$/);
      expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      for (const [key, value] of [['AWS_ACCESS_KEY_ID', saved.id], ['AWS_SECRET_ACCESS_KEY', saved.secret]] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });
});

describe('the host a token is signed for', () => {
  it('follows aliases to the end of the chain', async () => {
    const resolve = zone({ 'proxy.shard-0000.db.prod.gigascale.internal': 'shard-0000.proxy-abc.us-east-1.rds.amazonaws.com' });
    expect(await canonicalHost('proxy.shard-0000.db.prod.gigascale.internal', resolve)).toBe('shard-0000.proxy-abc.us-east-1.rds.amazonaws.com');
    expect(await canonicalHost('127.0.0.1', resolve)).toBe('127.0.0.1');
    expect(await canonicalHost('127.0.0.1')).toBe('127.0.0.1');
  });

  it('gives up on a loop, and passes on a failure that is not a missing record', async () => {
    await expect(canonicalHost('a', zone({ a: 'b', b: 'a' }))).rejects.toThrow('a: more than 8 CNAME records in a row; fix the zone');
    const down = () => Promise.reject(Object.assign(new Error('queryCname ECONNREFUSED x'), { code: 'ECONNREFUSED' }));
    await expect(canonicalHost('x', down)).rejects.toThrow('queryCname ECONNREFUSED x');
  });

  it('replaces the alias and the auth parameter, and carries the token as the encoded password', async () => {
    const requests: TokenRequest[] = [];
    const tokens = (r: TokenRequest) => (requests.push(r), Promise.resolve('h:5432/?Action=connect&X-Amz-Credential=A%2FB'));
    const resolve = zone({ 'proxy.example': 'real.example' });
    const url = await connectionStringFor('postgres://gigascale_probe@proxy.example:6432/gigascale?sslmode=verify-full&auth=iam', 'eu-west-1', tokens, resolve);
    expect(url).toBe('postgres://gigascale_probe:h%3A5432%2F%3FAction%3Dconnect%26X-Amz-Credential%3DA%252FB@real.example:6432/gigascale?sslmode=verify-full');
    expect(requests).toEqual([{ hostname: 'real.example', port: 6432, username: 'gigascale_probe', region: 'eu-west-1' }]);
    expect(await connectionStringFor('postgres://u:p@h/db', undefined, tokens)).toBe('postgres://u:p@h/db');
    await expect(connectionStringFor('postgres://u@h/db?auth=iam', undefined, tokens)).rejects.toThrow("IAM authentication needs the AWS region the endpoint is in (the target's region)");
  });
});

describe('the cache token (ElastiCache)', () => {
  const credentials = async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' });

  it('is a SigV4-presigned connect for the replication group and user, service elasticache, good for 15 minutes', async () => {
    const token = await elasticacheIamToken({ cacheName: 'gigascale-prod', username: 'gigascale-prod-probe', region: 'eu-west-1' }, credentials);
    // The documented shape: `<replication group id>/?Action=connect&User=<user>&X-Amz-...`, no scheme.
    expect(token).toMatch(/^gigascale-prod\/\?Action=connect&User=gigascale-prod-probe&X-Amz-Algorithm=AWS4-HMAC-SHA256&/);
    const url = new URL(`http://${token}`);
    expect([url.host, url.pathname]).toEqual(['gigascale-prod', '/']);
    expect(Object.fromEntries([...url.searchParams].filter(([k]) => !['X-Amz-Date', 'X-Amz-Signature', 'X-Amz-Credential'].includes(k)))).toEqual({
      Action: 'connect',
      User: 'gigascale-prod-probe',
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Expires': '900',
      'X-Amz-SignedHeaders': 'host',
    });
    expect(url.searchParams.get('X-Amz-Credential')).toMatch(/^AKIDEXAMPLE\/\d{8}\/eu-west-1\/elasticache\/aws4_request$/);
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    // Another user or replication group is another signature.
    const other = await elasticacheIamToken({ cacheName: 'gigascale-prod', username: 'gigascale-prod-chat', region: 'eu-west-1' }, credentials);
    expect(new URL(`http://${other}`).searchParams.get('X-Amz-Signature')).not.toBe(url.searchParams.get('X-Amz-Signature'));
  });

  it('is the password of the endpoint an auth=iam URL opens: the alias followed, its own name verified over TLS', async () => {
    const requests: CacheTokenRequest[] = [];
    const tokens = (request: CacheTokenRequest) => {
      requests.push(request);
      return Promise.resolve('gigascale-prod/?Action=connect&User=gigascale-prod-probe&X-Amz-Signature=abc');
    };
    const aliases = zone({ 'endpoint.cache.prod.gigascale.internal': 'clustercfg.gigascale-prod.abc123.euw1.cache.amazonaws.com' });
    const url = 'rediss://gigascale-prod-probe@endpoint.cache.prod.gigascale.internal:6379?auth=iam&cache=gigascale-prod';
    expect(await respEndpointFor(url, 'eu-west-1', tokens, aliases)).toEqual({
      host: 'clustercfg.gigascale-prod.abc123.euw1.cache.amazonaws.com',
      port: 6379,
      tls: true,
      servername: 'clustercfg.gigascale-prod.abc123.euw1.cache.amazonaws.com',
      username: 'gigascale-prod-probe',
      password: 'gigascale-prod/?Action=connect&User=gigascale-prod-probe&X-Amz-Signature=abc',
    });
    expect(requests).toEqual([{ cacheName: 'gigascale-prod', username: 'gigascale-prod-probe', region: 'eu-west-1' }]);
    // Without auth=iam the URL is taken as written, and nothing is signed.
    expect(await respEndpointFor('redis://u:p@h:6379', undefined, tokens, aliases)).toMatchObject({ host: 'h', username: 'u', password: 'p', tls: false });
    expect(requests).toHaveLength(1);
    await expect(respEndpointFor(url, undefined, tokens, aliases)).rejects.toThrow("IAM authentication needs the AWS region the cache is in (the target's region)");
  });
});

describe("the probe's identity for auth (STS)", () => {
  const credentials = async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' });

  it('is a GetCallerIdentity request presigned for a minute, bound to the environment by a signed header', async () => {
    const url = new URL(Buffer.from(await probeIdentityToken('eu-west-1', 'prod', credentials), 'base64url').toString());
    expect(`${url.protocol}//${url.host}${url.pathname}`).toBe('https://sts.eu-west-1.amazonaws.com/');
    expect(Object.fromEntries([...url.searchParams].filter(([k]) => !['X-Amz-Date', 'X-Amz-Signature', 'X-Amz-Credential'].includes(k)))).toEqual({
      Action: 'GetCallerIdentity',
      Version: STS_API_VERSION,
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Expires': String(PROBE_IDENTITY_SECONDS),
      'X-Amz-SignedHeaders': `host;${PROBE_AUDIENCE_HEADER}`,
    });
    expect(url.searchParams.get('X-Amz-Credential')).toMatch(/^AKIDEXAMPLE\/\d{8}\/eu-west-1\/sts\/aws4_request$/);
    // Signed for prod, it is not dev's: the audience is part of the signature.
    const dev = new URL(Buffer.from(await probeIdentityToken('eu-west-1', 'dev', credentials), 'base64url').toString());
    expect(dev.searchParams.get('X-Amz-Signature')).not.toBe(url.searchParams.get('X-Amz-Signature'));
  });

  it('goes in the authorization header of the upgrade, and its parameters never reach the server', async () => {
    const token = (region: string, audience: string) => Promise.resolve(`token-${region}-${audience}`);
    const url = 'ws://gateway:8080/socket.io/?EIO=4&transport=websocket&auth=sts&audience=prod';
    expect(await webSocketRequestFor(url, 'eu-west-1', token)).toEqual({
      url: 'ws://gateway:8080/socket.io/?EIO=4&transport=websocket',
      headers: { authorization: `${PROBE_AUTH_SCHEME} token-eu-west-1-prod` },
    });
    expect(await webSocketRequestFor('ws://h/ws', undefined, token)).toEqual({ url: 'ws://h/ws', headers: {} });
    await expect(webSocketRequestFor(url, undefined, token)).rejects.toThrow("the probe's identity needs the AWS region it is signed in (the target's region)");
  });

  it('fails every request of a check whose identity cannot be had, and the run goes on', async () => {
    const opened = await openCheck('ws.ping', { region: 'local', ws: 'ws://127.0.0.1:9/ws?auth=sts&audience=prod' }, { timeoutMs: 100, setupMs: 100 });
    if (!('session' in opened)) throw new Error('skipped');
    await expect(opened.session.request()).rejects.toThrow("the probe's identity needs the AWS region it is signed in");
    await expect(opened.session.user().request()).rejects.toThrow("the probe's identity needs the AWS region it is signed in");
  });
});

describe('signing in with a token (Postgres 17, scram)', () => {
  let pg: LocalPostgres;
  /** Shaped like a real token: `%2F`, `&` and `=` must reach the server exactly. */
  const TOKEN = 'localhost:5432/?Action=connect&DBUser=gigascale_probe&X-Amz-Credential=AKID%2F20261205%2Flocal';

  beforeAll(async () => {
    pg = await startLocalPostgres();
    const admin = new Client({ connectionString: pg.url });
    await admin.connect();
    await admin.query(`ALTER ROLE ${PROBE_DB_USER} PASSWORD '${TOKEN}'`);
    await admin.end();
  });

  afterAll(async () => {
    await pg?.stop();
  });

  it("reads as the probe's user over a sample of endpoints, each connection with a fresh token", async () => {
    const requests: TokenRequest[] = [];
    const tokens = (r: TokenRequest) => (requests.push(r), Promise.resolve(TOKEN));
    const url = `postgres://${PROBE_DB_USER}@127.0.0.1:${pg.port}/postgres?sslmode=disable&auth=iam`;
    const opened = await openPostgresCheck('postgres.memory_read', [url, url.replace('127.0.0.1', 'localhost')], { timeoutMs: 1000, setupMs: 1000, region: 'local' }, 2, tokens);
    if (!('session' in opened)) throw new Error(opened.skipped);
    try {
      const m = await runOpenModel(opened.session.request, { ratePerSecond: 200, warmupMs: 0, durationMs: 200, timeoutMs: 1000 });
      expect(m).toMatchObject({ count: 40, errors: 0 });
    } finally {
      opened.session.close();
    }
    // Two connections per endpoint, each signed for its own host.
    expect(requests.map((r) => r.hostname).sort()).toEqual(['127.0.0.1', '127.0.0.1', 'localhost', 'localhost']);
    expect(new Set(requests.map((r) => `${r.username} ${r.port} ${r.region}`))).toEqual(new Set([`gigascale_probe ${pg.port} local`]));
  });

  it('counts a refused token as an error', async () => {
    const url = `postgres://${PROBE_DB_USER}@127.0.0.1:${pg.port}/postgres?sslmode=disable&auth=iam`;
    const opened = await openPostgresCheck('postgres.select1', [url], { timeoutMs: 1000, setupMs: 1000, region: 'local' }, 1, () => Promise.resolve('expired'));
    if (!('session' in opened)) throw new Error(opened.skipped);
    try {
      const m = await runOpenModel(opened.session.request, { ratePerSecond: 100, warmupMs: 0, durationMs: 100, timeoutMs: 1000 });
      expect(m).toMatchObject({ count: 10, errors: 10, latency: null });
      expect(m.errorCounts[0].message).toBe('password authentication failed for user "gigascale_probe"');
    } finally {
      opened.session.close();
    }
  });
});
