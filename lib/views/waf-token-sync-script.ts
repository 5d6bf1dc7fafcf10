/**
 * The source of the Lambda function that brings a region's web ACL to the edge origin token's secret
 * (stacks/ingress/origin-token-patterns.ts): it reads the secret (the region's replica), and writes each usable slot,
 * anchored, into the WAF regex pattern set the web ACL's first rule requires a match of. It runs every
 * ORIGIN_TOKEN_SYNC_MINUTES and, as a CloudFormation custom resource, once before the web ACL first uses the set, so
 * the set never goes live empty.
 *
 * Only letters and digits reach a pattern (the slots' `usable` test): a value cannot inject regular expression syntax.
 * No token value is ever logged or returned.
 *
 * Plain JavaScript for the Node.js runtime, whose AWS SDK v3 it uses; nothing to bundle.
 */
import { SLOTS_SCRIPT } from './secret-rotation-script';
import { CFN_RESPONSE_SCRIPT } from './cfn-response-script';

export function wafTokenSyncScript(): string {
  return [
    "'use strict';",
    "const { SecretsManagerClient, GetSecretValueCommand } = require('@aws-sdk/client-secrets-manager');",
    "const { WAFV2Client, GetRegexPatternSetCommand, UpdateRegexPatternSetCommand } = require('@aws-sdk/client-wafv2');",
    '',
    'const secrets = new SecretsManagerClient({});',
    'const waf = new WAFV2Client({});',
    'const { SECRET_ID, PATTERN_SET_NAME, PATTERN_SET_ID } = process.env;',
    ...SLOTS_SCRIPT,
    '',
    '/** The patterns the web ACL is to accept: each usable slot, whole, once, sorted. */',
    'function patterns(text) {',
    '  const value = slots(text);',
    "  if (!usable(value.current)) throw new Error(SECRET_ID + ' has no usable current value: letters and digits, at least 32');",
    "  return [...new Set(SLOTS.map((s) => value[s]).filter(usable))].sort().map((v) => '^' + v + '$');",
    '}',
    '',
    '/** Writes the secret\'s slots into the pattern set unless it holds them already; retries a lost optimistic lock. */',
    'async function sync() {',
    '  const secret = await secrets.send(new GetSecretValueCommand({ SecretId: SECRET_ID }));',
    "  const wanted = patterns(secret.SecretString || '');",
    "  const set = { Name: PATTERN_SET_NAME, Scope: 'REGIONAL', Id: PATTERN_SET_ID };",
    '  for (let attempt = 1; ; attempt++) {',
    '    const got = await waf.send(new GetRegexPatternSetCommand(set));',
    '    const have = got.RegexPatternSet.RegularExpressionList.map((r) => r.RegexString).sort();',
    "    if (have.join('\\n') === wanted.join('\\n')) return { patternSet: PATTERN_SET_NAME, result: 'unchanged', accepted: wanted.length };",
    '    try {',
    '      await waf.send(new UpdateRegexPatternSetCommand({',
    '        ...set,',
    '        Description: got.RegexPatternSet.Description,',
    '        RegularExpressionList: wanted.map((RegexString) => ({ RegexString })),',
    '        LockToken: got.LockToken,',
    '      }));',
    "      return { patternSet: PATTERN_SET_NAME, result: 'updated', accepted: wanted.length };",
    '    } catch (e) {',
    "      if (e.name !== 'WAFOptimisticLockException' || attempt >= 3) throw e;",
    '    }',
    '  }',
    '}',
    '',
    ...CFN_RESPONSE_SCRIPT,
    '',
    'exports.patterns = patterns;',
    '',
    'exports.handler = async (event) => {',
    '  if (event && event.RequestType) return respond(event, PATTERN_SET_NAME + \'-sync\', sync);',
    '  const outcome = await sync();',
    '  console.log(JSON.stringify(outcome));',
    '  return outcome;',
    '};',
    '',
  ].join('\n');
}
