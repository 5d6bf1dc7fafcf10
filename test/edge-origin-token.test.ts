/**
 * How `pulumi up` in edge/ gets the origin token (edge/origin-token.ts): the real AWS SDK client, pointed at a local
 * HTTP server that answers Secrets Manager's GetSecretValue (its JSON 1.1 protocol) through the SDK's
 * service-specific endpoint variable, with static test credentials.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentOriginToken } from '../edge/origin-token';

const NAME = 'gigascale/prod/edge/origin-token';
const C = 'c'.repeat(64);
let value = '';
const calls: { target: string | undefined; body: unknown }[] = [];
let server: http.Server;
const saved = { ...process.env };

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      calls.push({ target: req.headers['x-amz-target'] as string | undefined, body: JSON.parse(text) });
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ Name: NAME, SecretString: value }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    AWS_ACCESS_KEY_ID: 'AKIDTEST',
    AWS_SECRET_ACCESS_KEY: 'test-secret',
  });
});

afterAll(async () => {
  process.env = saved;
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('the origin token pulumi up sends', () => {
  it('is the current slot of the secret in the write region', async () => {
    value = JSON.stringify({ previous: 'p'.repeat(64), current: C, next: 'n'.repeat(64) });
    calls.length = 0;
    expect(await currentOriginToken(NAME, 'us-east-1')).toBe(C);
    expect(calls).toEqual([{ target: 'secretsmanager.GetSecretValue', body: { SecretId: NAME } }]);
  });

  it('is the whole value of a secret never rotated', async () => {
    value = 'A1'.repeat(24);
    expect(await currentOriginToken(NAME, 'us-east-1')).toBe('A1'.repeat(24));
  });

  it('is refused when the current slot is not a usable token, naming the secret and what to do', async () => {
    value = JSON.stringify({ current: 'short' });
    await expect(currentOriginToken(NAME, 'us-east-1')).rejects.toThrow(
      `${NAME} in us-east-1 has no usable current value (letters and digits, at least 32): deploy the write region's ingress stack first`,
    );
  });
});
