/**
 * The rotation function of the secrets of three slots (the TURN secret, the edge origin token), run as Lambda would
 * run it, against an in-memory Secrets Manager that keeps versions and staging labels as the service does: a full
 * rotation from a secret never rotated, the next one, and the steps' refusals; and the slots read alike in the
 * functions and in TypeScript.
 */
import { describe, expect, it } from 'vitest';
import { SECRET_SLOTS, secretSlots } from '../lib/facts/secret-slots';
import { secretRotationScript } from '../lib/views/secret-rotation-script';
import { FakeCommand, fakeSdk, loadScript } from './support/lambda-script';

type Input = Record<string, unknown>;
const commands = ['DescribeSecretCommand', 'GetSecretValueCommand', 'PutSecretValueCommand', 'UpdateSecretVersionStageCommand'] as const;

/**
 * One secret's versions and their stages, as Secrets Manager keeps them. A rotation starts with a version that has the
 * stage AWSPENDING and no value yet (`startRotation`); createSecret puts its value.
 */
class FakeSecretsManager {
  readonly versions = new Map<string, { value?: string; stages: string[] }>();
  rotationEnabled = true;
  readonly calls: string[] = [];

  constructor(readonly id: string, initial: string) {
    this.versions.set('v0', { value: initial, stages: ['AWSCURRENT'] });
  }

  send(command: FakeCommand): Promise<unknown> {
    const name = command.constructor.name;
    this.calls.push(name);
    const i = command.input;
    if (i.SecretId !== this.id) return Promise.reject(Object.assign(new Error('no such secret'), { name: 'ResourceNotFoundException' }));
    const byStage = (stage: string) => [...this.versions.entries()].find(([, v]) => v.stages.includes(stage));
    switch (name) {
      case 'DescribeSecretCommand':
        return Promise.resolve({ RotationEnabled: this.rotationEnabled, VersionIdsToStages: Object.fromEntries([...this.versions].map(([id, v]) => [id, [...v.stages]])) });
      case 'GetSecretValueCommand': {
        const found = i.VersionId !== undefined ? [i.VersionId as string, this.versions.get(i.VersionId as string)] as const : byStage(i.VersionStage as string);
        if (!found?.[1] || found[1].value === undefined || (i.VersionStage !== undefined && !found[1].stages.includes(i.VersionStage as string))) {
          return Promise.reject(Object.assign(new Error('not found'), { name: 'ResourceNotFoundException' }));
        }
        return Promise.resolve({ VersionId: found[0], SecretString: found[1].value });
      }
      case 'PutSecretValueCommand':
        for (const v of this.versions.values()) v.stages = v.stages.filter((s) => !(i.VersionStages as string[]).includes(s));
        this.versions.set(i.ClientRequestToken as string, { value: i.SecretString as string, stages: [...(i.VersionStages as string[])] });
        return Promise.resolve({});
      case 'UpdateSecretVersionStageCommand': {
        const from = this.versions.get(i.RemoveFromVersionId as string)!;
        from.stages = from.stages.filter((s) => s !== i.VersionStage).concat('AWSPREVIOUS');
        const to = this.versions.get(i.MoveToVersionId as string)!;
        to.stages = to.stages.filter((s) => s !== 'AWSPENDING').concat(i.VersionStage as string);
        return Promise.resolve({});
      }
    }
    return Promise.reject(new Error(`unexpected ${name}`));
  }

  current(): string {
    return [...this.versions.values()].find((v) => v.stages.includes('AWSCURRENT'))!.value!;
  }

  startRotation(token: string): void {
    this.versions.set(token, { stages: ['AWSPENDING'] });
  }
}

interface RotationExports {
  handler: (event: Input) => Promise<void>;
  rotated: (old: Record<string, string>) => Record<string, string>;
  slots: (text: string) => Record<string, string>;
}

/** The script's exports, loaded as the Lambda runtime would (CommonJS), with the SDK's client replaced by `fake`. */
function load(fake: FakeSecretsManager): RotationExports {
  const sdk = fakeSdk(['SecretsManagerClient'], commands, (c) => fake.send(c));
  return loadScript<RotationExports>(secretRotationScript(), { '@aws-sdk/client-secrets-manager': sdk });
}

/** One rotation: the four steps Secrets Manager calls, in order, for a new version `token`. */
async function rotate(fake: FakeSecretsManager, token: string): Promise<void> {
  const { handler } = load(fake);
  fake.startRotation(token);
  for (const step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret']) await handler({ SecretId: fake.id, ClientRequestToken: token, Step: step });
}

const ID = 'gigascale/prod/turn/static-auth-secret';
const PLAIN = 'A'.repeat(64);

describe('the rotation of a secret of three slots', () => {
  it('turns a secret never rotated into three slots: the old value is previous and current, next is new', async () => {
    const fake = new FakeSecretsManager(ID, PLAIN);
    await rotate(fake, 'v1');
    const value = JSON.parse(fake.current()) as Record<string, string>;
    expect(Object.keys(value)).toEqual([...SECRET_SLOTS]);
    expect([value.previous, value.current]).toEqual([PLAIN, PLAIN]);
    expect(value.next).toMatch(/^[0-9a-f]{64}$/);
    expect(fake.versions.get('v0')!.stages).toEqual(['AWSPREVIOUS']);
  });

  it('moves every slot down one on the next rotation, so what relays knew as next becomes current', async () => {
    const fake = new FakeSecretsManager(ID, PLAIN);
    await rotate(fake, 'v1');
    const first = JSON.parse(fake.current()) as Record<string, string>;
    await rotate(fake, 'v2');
    const second = JSON.parse(fake.current()) as Record<string, string>;
    expect(second.previous).toBe(first.current);
    expect(second.current).toBe(first.next);
    expect(second.next).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set([second.previous, second.current, second.next]).size).toBe(3);
  });

  it('creates the pending version once: a retried createSecret keeps the value it made', async () => {
    const fake = new FakeSecretsManager(ID, PLAIN);
    const { handler } = load(fake);
    fake.versions.set('v1', { value: JSON.stringify({ previous: PLAIN, current: PLAIN, next: 'b'.repeat(64) }), stages: ['AWSPENDING'] });
    await handler({ SecretId: ID, ClientRequestToken: 'v1', Step: 'createSecret' });
    expect(JSON.parse(fake.versions.get('v1')!.value!)).toEqual({ previous: PLAIN, current: PLAIN, next: 'b'.repeat(64) });
    expect(fake.calls.filter((c) => c === 'PutSecretValueCommand')).toEqual([]);
  });

  it('refuses a pending value without a usable slot or a new next, a secret with rotation off, and a version not pending', async () => {
    const fake = new FakeSecretsManager(ID, PLAIN);
    const { handler } = load(fake);
    fake.versions.set('v1', { value: JSON.stringify({ previous: PLAIN, current: '', next: 'c'.repeat(64) }), stages: ['AWSPENDING'] });
    await expect(handler({ SecretId: ID, ClientRequestToken: 'v1', Step: 'testSecret' })).rejects.toThrow(`pending version v1 of ${ID} has no usable current`);
    fake.versions.set('v1', { value: JSON.stringify({ previous: PLAIN, current: PLAIN, next: PLAIN }), stages: ['AWSPENDING'] });
    await expect(handler({ SecretId: ID, ClientRequestToken: 'v1', Step: 'testSecret' })).rejects.toThrow(`pending version v1 of ${ID} has no new next`);
    fake.versions.set('v2', { value: PLAIN, stages: ['AWSPREVIOUS'] });
    await expect(handler({ SecretId: ID, ClientRequestToken: 'v2', Step: 'createSecret' })).rejects.toThrow(`version v2 of ${ID} is not pending rotation`);
    await expect(handler({ SecretId: ID, ClientRequestToken: 'v9', Step: 'createSecret' })).rejects.toThrow(`v9 is no version of ${ID}`);
    fake.rotationEnabled = false;
    await expect(handler({ SecretId: ID, ClientRequestToken: 'v1', Step: 'createSecret' })).rejects.toThrow(`rotation is not enabled on ${ID}`);
  });

  it('never leaves a slot empty or unusable, whatever the old value held', () => {
    const { rotated } = load(new FakeSecretsManager(ID, PLAIN));
    for (const old of [{}, { current: '' }, { next: 'short' }, { current: PLAIN, next: 'not hex but long enough 1234567890' }]) {
      const value = rotated(old as Record<string, string>);
      for (const slot of SECRET_SLOTS) expect(value[slot], JSON.stringify(old)).toMatch(/^[0-9A-Za-z]{32,}$/);
    }
  });
});

describe('reading the slots of a stored value', () => {
  const values = [
    PLAIN,
    JSON.stringify({ previous: 'p'.repeat(40), current: 'c'.repeat(40), next: 'n'.repeat(40) }),
    JSON.stringify({ current: PLAIN }),
    '["not", "an", "object"]',
    'null',
    '',
  ];

  it.each(values)('gives the same slots in the functions and in TypeScript for %j', (text) => {
    const { slots } = load(new FakeSecretsManager(ID, PLAIN));
    expect(slots(text)).toEqual(secretSlots(text));
  });

  it('reads a plain value as current and next, and a JSON object as its slots', () => {
    expect(secretSlots(PLAIN)).toEqual({ current: PLAIN, next: PLAIN });
    expect(secretSlots('{"current":"x"}')).toEqual({ current: 'x' });
  });
});
