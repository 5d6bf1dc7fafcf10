/**
 * The source of the Lambda function that rotates a secret of three slots (lib/facts/secret-slots.ts; the TURN relay's
 * shared secret and the edge origin token, stacks/secret-rotation.ts), as Secrets Manager's rotation contract asks:
 * createSecret, setSecret, testSecret, finishSecret, each a call with the secret's id and the version being created
 * ("Rotation by Lambda function", AWS Secrets Manager User Guide).
 *
 * A rotation moves each slot down one, `previous` <- `current` <- `next`, and puts a new random value in `next`. A
 * value that is still the plain string of a secret never rotated is read as both `current` and `next`.
 *
 * Plain JavaScript for the Node.js runtime, whose AWS SDK v3 it uses; nothing to bundle.
 */
import { MIN_SLOT_VALUE_LENGTH, ROTATED_VALUE_BYTES, SECRET_SLOTS } from '../facts/secret-slots';

/**
 * `usable(value)` and `slots(text)` as the generated functions define them: lib/facts/secret-slots.ts
 * `usableSlotValue` and `secretSlots` in JavaScript.
 */
export const SLOTS_SCRIPT: readonly string[] = [
  `const SLOTS = ${JSON.stringify(SECRET_SLOTS)};`,
  `const usable = (v) => typeof v === 'string' && v.length >= ${MIN_SLOT_VALUE_LENGTH} && /^[0-9A-Za-z]+$/.test(v);`,
  '',
  '/** The slots of a stored value; the plain string of a secret never rotated is its current and next. */',
  'function slots(text) {',
  '  let value;',
  '  try { value = JSON.parse(text); } catch { value = undefined; }',
  "  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value;",
  '  return { current: text, next: text };',
  '}',
];

export function secretRotationScript(): string {
  return [
    "'use strict';",
    "const { randomBytes } = require('node:crypto');",
    'const {',
    '  SecretsManagerClient, DescribeSecretCommand, GetSecretValueCommand, PutSecretValueCommand, UpdateSecretVersionStageCommand,',
    "} = require('@aws-sdk/client-secrets-manager');",
    '',
    'const client = new SecretsManagerClient({});',
    `const HEX = /^[0-9a-f]{${ROTATED_VALUE_BYTES * 2}}$/;`,
    '',
    '/** A new value: hex, so that it is safe in a header, a command line and an HMAC key alike. */',
    `const fresh = () => randomBytes(${ROTATED_VALUE_BYTES}).toString('hex');`,
    ...SLOTS_SCRIPT,
    '',
    '/** The value after a rotation of `old`: every slot moves down one, and next is new. */',
    'function rotated(old) {',
    '  const current = usable(old.next) ? old.next : fresh();',
    '  const previous = usable(old.current) ? old.current : current;',
    '  return { previous, current, next: fresh() };',
    '}',
    '',
    'exports.rotated = rotated;',
    'exports.slots = slots;',
    '',
    'exports.handler = async (event) => {',
    '  const { SecretId: id, ClientRequestToken: token, Step: step } = event;',
    '  const meta = await client.send(new DescribeSecretCommand({ SecretId: id }));',
    "  if (!meta.RotationEnabled) throw new Error('rotation is not enabled on ' + id);",
    '  const stages = (meta.VersionIdsToStages || {})[token];',
    "  if (!stages) throw new Error(token + ' is no version of ' + id);",
    "  if (stages.includes('AWSCURRENT')) return;",
    "  if (!stages.includes('AWSPENDING')) throw new Error('version ' + token + ' of ' + id + ' is not pending rotation');",
    "  if (step === 'createSecret') return create(id, token);",
    '  // Those who use the secret read it themselves: there is nothing to set elsewhere.',
    "  if (step === 'setSecret') return;",
    "  if (step === 'testSecret') return test(id, token);",
    "  if (step === 'finishSecret') return finish(id, token, meta.VersionIdsToStages);",
    "  throw new Error('unknown rotation step ' + step);",
    '};',
    '',
    'async function create(id, token) {',
    '  try {',
    "    await client.send(new GetSecretValueCommand({ SecretId: id, VersionId: token, VersionStage: 'AWSPENDING' }));",
    '    return;',
    '  } catch (e) {',
    "    if (e.name !== 'ResourceNotFoundException') throw e;",
    '  }',
    "  const current = await client.send(new GetSecretValueCommand({ SecretId: id, VersionStage: 'AWSCURRENT' }));",
    '  const value = rotated(slots(current.SecretString));',
    "  await client.send(new PutSecretValueCommand({ SecretId: id, ClientRequestToken: token, SecretString: JSON.stringify(value), VersionStages: ['AWSPENDING'] }));",
    '}',
    '',
    'async function test(id, token) {',
    "  const pending = await client.send(new GetSecretValueCommand({ SecretId: id, VersionId: token, VersionStage: 'AWSPENDING' }));",
    '  const value = slots(pending.SecretString);',
    '  const bad = SLOTS.filter((s) => !usable(value[s]));',
    "  if (bad.length > 0) throw new Error('pending version ' + token + ' of ' + id + ' has no usable ' + bad.join(', '));",
    "  if (!HEX.test(value.next) || value.next === value.current) throw new Error('pending version ' + token + ' of ' + id + ' has no new next');",
    '}',
    '',
    'async function finish(id, token, versions) {',
    "  const current = Object.keys(versions).find((v) => versions[v].includes('AWSCURRENT'));",
    '  if (current === token) return;',
    "  await client.send(new UpdateSecretVersionStageCommand({ SecretId: id, VersionStage: 'AWSCURRENT', MoveToVersionId: token, RemoveFromVersionId: current }));",
    '}',
    '',
  ].join('\n');
}
