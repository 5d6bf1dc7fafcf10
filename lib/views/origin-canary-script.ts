/**
 * The script of a region's origin canary (stacks/observability/origin-canary.ts): one HTTPS GET of the gateway's health
 * path through the region's ALB, carrying the edge's origin token the way the edge does, so it passes the same
 * security group (the NAT gateways are admitted on 443), web ACL and listener as real traffic.
 *
 * CommonJS for the Synthetics Node.js Puppeteer runtime (`index.handler`, inline code), its `Synthetics` and
 * `SyntheticsLogger` modules (the names up to syn-nodejs-puppeteer-13.0; from 13.1 they are `@aws/synthetics-puppeteer`
 * and `@aws/synthetics-logger`, so a runtime upgrade changes the two requires) and the AWS SDK v3 the Lambda Node.js
 * runtime ships. The token's `current` slot (lib/facts/secret-slots.ts), as the edge sends it, is read from Secrets
 * Manager on every run, never put in the template or the function's environment, so a rotation reaches the canary on
 * its next run; its header is a restricted header, which Synthetics redacts from the run's logs, HAR file and report.
 *
 * Deterministic text: the same props give the same script (and so no canary update on an unchanged synth).
 */
import { SLOTS_SCRIPT } from './secret-rotation-script';

export interface OriginCanaryScriptProps {
  /** `https://origin-<region>.<domain>/gateway/health`. */
  readonly url: string;
  /** Header the web ACL requires the token in (lib/facts/origin-protection ORIGIN_TOKEN_HEADER). */
  readonly tokenHeader: string;
  /** Secrets Manager name of the token (lib/facts/names/edge.ts edgeOriginTokenSecretName), read in the canary's own region. */
  readonly tokenSecretName: string;
  /** The body the health path answers with. */
  readonly expectedBody: string;
}

/** Name of the canary's one step, as it appears in its report and step metrics. */
export const ORIGIN_CANARY_STEP = 'gateway-health';

export function originCanaryScript(props: OriginCanaryScriptProps): string {
  const url = new URL(props.url);
  if (url.protocol !== 'https:') throw new Error(`the origin canary calls HTTPS only, got ${props.url}`);
  const constants = {
    HOSTNAME: url.hostname,
    PATH: `${url.pathname}${url.search}`,
    TOKEN_HEADER: props.tokenHeader.toLowerCase(),
    TOKEN_SECRET: props.tokenSecretName,
    EXPECTED_BODY: props.expectedBody,
    STEP: ORIGIN_CANARY_STEP,
  };
  return [
    "'use strict';",
    "const synthetics = require('Synthetics');",
    "const log = require('SyntheticsLogger');",
    "const { SecretsManagerClient, GetSecretValueCommand } = require('@aws-sdk/client-secrets-manager');",
    '',
    ...Object.entries(constants).map(([name, value]) => `const ${name} = ${JSON.stringify(value)};`),
    '',
    'const secrets = new SecretsManagerClient({});',
    ...SLOTS_SCRIPT,
    '',
    'async function originToken() {',
    '  const secret = await secrets.send(new GetSecretValueCommand({ SecretId: TOKEN_SECRET }));',
    "  const token = slots(secret.SecretString || '').current;",
    "  if (!usable(token)) throw new Error('secret ' + TOKEN_SECRET + ' has no usable current value');",
    '  return token;',
    '}',
    '',
    'function expectHealthy(res) {',
    '  return new Promise((resolve, reject) => {',
    '    let body = "";',
    "    res.on('data', (chunk) => { body += chunk; });",
    "    res.on('end', () => {",
    "      if (res.statusCode !== 200) reject(new Error('GET ' + PATH + ' answered ' + res.statusCode));",
    "      else if (body.trim() !== EXPECTED_BODY) reject(new Error('GET ' + PATH + ' answered an unexpected body'));",
    '      else resolve();',
    '    });',
    "    res.on('error', reject);",
    '  });',
    '}',
    '',
    'exports.handler = async function () {',
    '  synthetics.getConfiguration().setConfig({',
    '    includeRequestHeaders: false,',
    '    includeResponseHeaders: false,',
    '    includeRequestBody: false,',
    '    includeResponseBody: false,',
    '    restrictedHeaders: [TOKEN_HEADER],',
    '  });',
    '  const token = await originToken();',
    "  log.info('GET https://' + HOSTNAME + PATH);",
    '  await synthetics.executeHttpStep(',
    '    STEP,',
    '    {',
    '      hostname: HOSTNAME,',
    "      method: 'GET',",
    '      path: PATH,',
    '      port: 443,',
    "      protocol: 'https:',",
    "      headers: { [TOKEN_HEADER]: token, 'User-Agent': synthetics.getCanaryUserAgentString() },",
    '    },',
    '    expectHealthy,',
    '  );',
    '};',
    '',
  ].join('\n');
}
