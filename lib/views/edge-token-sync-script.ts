/**
 * The source of the Lambda function that brings the Cloudflare edge to the origin token's secret
 * (stacks/ingress/edge-token-sync.ts): it reads the secret's `current` slot and, through Cloudflare's API, sets it as
 * the value of the origin token header in the zone's transform rule (found by its ref in the phase's entry point
 * ruleset) and in the environment's health monitor (found by its description), each only when it differs. Runs every
 * ORIGIN_TOKEN_SYNC_MINUTES in the write region.
 *
 * Cloudflare's rule update replaces the whole rule ("Update a rule in a ruleset", Cloudflare Ruleset Engine docs), so
 * the rule is sent back as read, with the header's value changed; a monitor is patched in its headers only. No token
 * value is ever logged or returned.
 *
 * Plain JavaScript for the Node.js runtime (its fetch, its AWS SDK v3); nothing to bundle.
 */
import { SLOTS_SCRIPT } from './secret-rotation-script';

/** The fields of the credentials secret (lib/facts/names/edge.ts edgeApiCredentialsSecretName). */
export const EDGE_API_CREDENTIAL_FIELDS = ['apiToken', 'accountId', 'zoneId'] as const;

export function edgeTokenSyncScript(): string {
  return [
    "'use strict';",
    "const { SecretsManagerClient, GetSecretValueCommand } = require('@aws-sdk/client-secrets-manager');",
    '',
    'const secrets = new SecretsManagerClient({});',
    'const { API_URL, TOKEN_SECRET_ID, CREDENTIALS_SECRET_ID, TOKEN_HEADER, RULE_PHASE, RULE_REF, MONITOR_DESCRIPTION } = process.env;',
    `const FIELDS = ${JSON.stringify(EDGE_API_CREDENTIAL_FIELDS)};`,
    ...SLOTS_SCRIPT,
    '',
    'async function secretString(id) {',
    '  const secret = await secrets.send(new GetSecretValueCommand({ SecretId: id }));',
    "  return secret.SecretString || '';",
    '}',
    '',
    '/** The credentials secret\'s fields, or an error naming each one missing or malformed. */',
    'function credentials(text) {',
    '  let value;',
    '  try { value = JSON.parse(text); } catch { value = undefined; }',
    "  const bad = FIELDS.filter((f) => !value || typeof value[f] !== 'string' || !/^[A-Za-z0-9_-]{16,}$/.test(value[f]));",
    '  if (bad.length > 0) {',
    "    throw new Error(CREDENTIALS_SECRET_ID + ' must hold JSON with ' + FIELDS.join(', ') + ' (docs/edge.md); missing or malformed: ' + bad.join(', '));",
    '  }',
    '  return value;',
    '}',
    '',
    '/** One call of Cloudflare\'s API; its `result`, or an error with the status and Cloudflare\'s errors. */',
    'async function cloudflare(c, method, path, body) {',
    '  const response = await fetch(API_URL + path, {',
    '    method,',
    "    headers: { authorization: 'Bearer ' + c.apiToken, 'content-type': 'application/json' },",
    '    body: body === undefined ? undefined : JSON.stringify(body),',
    '  });',
    '  let json;',
    '  try { json = await response.json(); } catch { json = undefined; }',
    '  if (!response.ok || !json || json.success !== true) {',
    "    throw new Error('Cloudflare ' + method + ' ' + path + ' answered ' + response.status + ': ' + JSON.stringify((json && json.errors) || []));",
    '  }',
    '  return json.result;',
    '}',
    '',
    'async function syncRule(c, token) {',
    "  const ruleset = await cloudflare(c, 'GET', '/zones/' + c.zoneId + '/rulesets/phases/' + RULE_PHASE + '/entrypoint');",
    '  const rule = (ruleset.rules || []).find((r) => r.ref === RULE_REF);',
    "  if (!rule) throw new Error('the zone has no rule ' + RULE_REF + ' in its ' + RULE_PHASE + ' ruleset: deploy the edge first (pulumi up in edge/)');",
    '  const headers = (rule.action_parameters && rule.action_parameters.headers) || {};',
    '  const header = headers[TOKEN_HEADER];',
    "  if (header && header.operation === 'set' && header.value === token) return 'unchanged';",
    '  const definition = { ...rule };',
    '  for (const readOnly of [\'id\', \'version\', \'last_updated\']) delete definition[readOnly];',
    "  definition.action_parameters = { ...rule.action_parameters, headers: { ...headers, [TOKEN_HEADER]: { operation: 'set', value: token } } };",
    "  await cloudflare(c, 'PATCH', '/zones/' + c.zoneId + '/rulesets/' + ruleset.id + '/rules/' + rule.id, definition);",
    "  return 'updated';",
    '}',
    '',
    'async function syncMonitor(c, token) {',
    "  const all = await cloudflare(c, 'GET', '/accounts/' + c.accountId + '/load_balancers/monitors');",
    '  const found = all.filter((m) => m.description === MONITOR_DESCRIPTION);',
    '  if (found.length !== 1) {',
    "    throw new Error('expected one monitor described ' + JSON.stringify(MONITOR_DESCRIPTION) + ', found ' + found.length + ': deploy the edge first (pulumi up in edge/)');",
    '  }',
    '  const monitor = found[0];',
    '  const values = (monitor.header || {})[TOKEN_HEADER];',
    "  if (Array.isArray(values) && values.length === 1 && values[0] === token) return 'unchanged';",
    "  await cloudflare(c, 'PATCH', '/accounts/' + c.accountId + '/load_balancers/monitors/' + monitor.id, { header: { ...monitor.header, [TOKEN_HEADER]: [token] } });",
    "  return 'updated';",
    '}',
    '',
    'exports.handler = async () => {',
    '  const token = slots(await secretString(TOKEN_SECRET_ID)).current;',
    "  if (!usable(token)) throw new Error(TOKEN_SECRET_ID + ' has no usable current value: letters and digits, at least 32');",
    '  const c = credentials(await secretString(CREDENTIALS_SECRET_ID));',
    '  const outcome = { rule: await syncRule(c, token), monitor: await syncMonitor(c, token) };',
    '  console.log(JSON.stringify(outcome));',
    '  return outcome;',
    '};',
    '',
  ].join('\n');
}
