/**
 * The probe's target file: the region and the endpoints to measure, e.g.
 *   {"region": "eu-west-1", "postgres": "postgres://probe:…@reader:5432/gigascale", "redis": "rediss://cache:6379",
 *    "http": "https://api.example.com/gateway/health", "ws": "wss://api.example.com/ws",
 *    "profile_edge": "https://api.example.com/v1/public/profiles/gigascale-probe:profile"}
 * Every endpoint is optional; the checks of the endpoints present run (lib/facts/probe-checks.ts CHECK_FIELD).
 * `postgres` may also list several URLs (a sample of shards); a `postgres` URL with `auth=iam`, or a `rediss` one with
 * `auth=iam&cache=<replication group id>`, signs in with IAM; a `ws` or `chat` URL with `auth=sts&audience=<env>`
 * presents the probe's identity to auth (probe/probe-identity.ts).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { EXIT_BAD_INPUT, GigascaleError, type Issue } from '../lib/util/errors';
import { TARGET_FIELDS, type ProbeTarget, type TargetField } from '../lib/facts/probe-checks';
import { IAM_AUTH_PARAMETER, IAM_AUTH_VALUE } from './rds-iam';
import { CACHE_PARAMETER } from './elasticache-iam';
import { AUDIENCE_PARAMETER, STS_AUTH_VALUE } from './probe-identity';
import { ENV_NAME } from '../lib/plan/schema';
import { PROBE_PROFILE_PATH } from '../lib/facts/workloads';

/** The URL schemes each field accepts, and an example of each for the messages. */
const SCHEMES: Readonly<Record<TargetField, { readonly protocols: readonly string[]; readonly example: string }>> = {
  postgres: { protocols: ['postgres:', 'postgresql:'], example: 'postgres://user:password@host:5432/database (or a list of them; postgres://user@host:5432/database?auth=iam for IAM)' },
  redis: { protocols: ['redis:', 'rediss:'], example: 'redis://host:6379 or rediss://user:password@host:6379 (rediss://user@host:6379?auth=iam&cache=<id> for IAM)' },
  http: { protocols: ['http:', 'https:'], example: 'https://host/gateway/health' },
  profile_origin: { protocols: ['http:', 'https:'], example: `http://gateway:8080${PROBE_PROFILE_PATH}` },
  profile_edge: { protocols: ['http:', 'https:'], example: `https://api.example.com${PROBE_PROFILE_PATH}` },
  ws: { protocols: ['ws:', 'wss:'], example: 'wss://host/ws (add auth=sts&audience=<environment> to present the probe\'s identity)' },
  chat: { protocols: ['ws:', 'wss:'], example: 'wss://host/socket.io/?EIO=4&transport=websocket (add &auth=sts&audience=<environment> for the probe\'s identity)' },
};

const REGION = /^[a-z0-9][a-z0-9-]{0,62}$/;
/** An ElastiCache replication group id: 1-40 lowercase letters, digits and dashes, starting with a letter. */
const CACHE_NAME = /^[a-z][a-z0-9-]{0,39}$/;
/** Most postgres URLs one target may list: a sample of shards, each with its own connections. */
export const MAX_POSTGRES_ENDPOINTS = 8;
const EXAMPLE = '{"region": "eu-west-1", "redis": "redis://host:6379"}';

/** Reads and checks the target file at `file` (relative to `cwd`). Throws one GigascaleError (exit 2) naming every problem. */
export function readTarget(file: string, cwd: string = process.cwd()): ProbeTarget {
  const path = resolve(cwd, file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const message = code === 'ENOENT' ? `no file at ${path}; write the target there as JSON, e.g. ${EXAMPLE}` : `cannot read ${path}: ${(e as Error).message}`;
    throw new GigascaleError('Invalid target', [{ at: '--target', message }], EXIT_BAD_INPUT);
  }
  return parseTarget(text, file);
}

/** Checks the text of a target file; `file` names it in the messages. */
export function parseTarget(text: string, file: string): ProbeTarget {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new GigascaleError('Invalid target', [{ at: '--target', message: `${file} is not JSON (${(e as Error).message}); write it as e.g. ${EXAMPLE}` }], EXIT_BAD_INPUT);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new GigascaleError('Invalid target', [{ at: '--target', message: `${file} must hold a JSON object like ${EXAMPLE}, got ${kindOf(value)}` }], EXIT_BAD_INPUT);
  }
  const fields = value as Record<string, unknown>;
  const issues: Issue[] = [];
  const at = (field: string): string => `${field} in ${file}`;

  for (const field of Object.keys(fields).sort()) {
    if (field !== 'region' && !(TARGET_FIELDS as readonly string[]).includes(field)) {
      issues.push({ at: at(field), message: `unknown field; a target has region, ${TARGET_FIELDS.join(', ')}` });
    }
  }

  const region = fields.region;
  if (region === undefined) {
    issues.push({ at: at('region'), message: 'is required: the region the endpoints are in, e.g. "eu-west-1" (or "local")' });
  } else if (typeof region !== 'string' || !REGION.test(region)) {
    issues.push({ at: at('region'), message: `must be a region name of lowercase letters, digits and dashes, e.g. "eu-west-1" or "local", got ${JSON.stringify(region)}` });
  }

  const target: Record<string, string | string[]> = {};
  for (const field of TARGET_FIELDS) {
    const raw = fields[field];
    if (raw === undefined) continue;
    if (field === 'postgres' && Array.isArray(raw)) {
      if (raw.length === 0 || raw.length > MAX_POSTGRES_ENDPOINTS) {
        issues.push({ at: at(field), message: `must list 1..${MAX_POSTGRES_ENDPOINTS} URLs (a sample of shards), got ${raw.length}` });
        continue;
      }
      const problems = raw.map((url, i) => ({ i, problem: urlProblem(field, url) })).filter((p) => p.problem !== undefined);
      for (const { i, problem } of problems) issues.push({ at: at(`${field}[${i}]`), message: problem! });
      if (problems.length === 0) target[field] = raw as string[];
      continue;
    }
    const problem = urlProblem(field, raw);
    if (problem === undefined) target[field] = raw as string;
    else issues.push({ at: at(field), message: problem });
  }
  if (issues.length === 0 && Object.keys(target).length === 0) {
    issues.push({ at: '--target', message: `${file} names no endpoint: add at least one of ${TARGET_FIELDS.join(', ')}` });
  }
  if (issues.length > 0) throw new GigascaleError('Invalid target', issues, EXIT_BAD_INPUT);
  return { region: region as string, ...target };
}

/** What is wrong with `raw` as the URL of `field`, or undefined. */
function urlProblem(field: TargetField, raw: unknown): string | undefined {
  const { protocols, example } = SCHEMES[field];
  if (typeof raw !== 'string') return `must be a URL string like ${example}, got ${kindOf(raw)}`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `must be a URL like ${example}, got ${JSON.stringify(redactUrl(raw))}`;
  }
  const shown = JSON.stringify(redactUrl(raw));
  if (!protocols.includes(url.protocol)) return `must use ${protocols.map((p) => `${p}//`).join(' or ')}, got ${shown}; write it as ${example}`;
  if (url.hostname === '') return `must name a host, got ${shown}; write it as ${example}`;
  // Cluster-mode Redis (ElastiCache) has database 0 only, so the probe never selects another.
  if (field === 'redis' && !['', '/', '/0'].includes(url.pathname)) return `must not select a database (cluster mode has only database 0), got ${shown}; drop the path`;
  if ((field === 'ws' || field === 'chat') && url.searchParams.has(IAM_AUTH_PARAMETER)) {
    const auth = url.searchParams.get(IAM_AUTH_PARAMETER);
    if (auth !== STS_AUTH_VALUE) return `takes ${IAM_AUTH_PARAMETER}=${STS_AUTH_VALUE} only (the probe's identity for auth), got ${IAM_AUTH_PARAMETER}=${JSON.stringify(auth)} in ${shown}`;
    if (!ENV_NAME.test(url.searchParams.get(AUDIENCE_PARAMETER) ?? '')) {
      return `must name the environment whose auth checks the identity with ${IAM_AUTH_PARAMETER}=${STS_AUTH_VALUE}, as ${AUDIENCE_PARAMETER}=<environment> (e.g. prod), got ${shown}`;
    }
  }
  if ((field === 'postgres' || field === 'redis') && url.searchParams.has(IAM_AUTH_PARAMETER)) {
    const auth = url.searchParams.get(IAM_AUTH_PARAMETER);
    const user = field === 'postgres' ? 'database user' : 'cache user';
    if (auth !== IAM_AUTH_VALUE) return `takes ${IAM_AUTH_PARAMETER}=${IAM_AUTH_VALUE} only (IAM authentication), got ${IAM_AUTH_PARAMETER}=${JSON.stringify(auth)} in ${shown}`;
    if (url.username === '' || url.password !== '') return `must name the ${user} and no password with ${IAM_AUTH_PARAMETER}=${IAM_AUTH_VALUE} (the token is the password), got ${shown}`;
    if (field === 'redis') {
      // ElastiCache accepts IAM only over TLS, and signs for the replication group, which the URL's host does not name.
      if (url.protocol !== 'rediss:') return `must use rediss:// with ${IAM_AUTH_PARAMETER}=${IAM_AUTH_VALUE} (ElastiCache takes IAM tokens over TLS only), got ${shown}`;
      if (!CACHE_NAME.test(url.searchParams.get(CACHE_PARAMETER) ?? '')) {
        return `must name the replication group the token is for with ${IAM_AUTH_PARAMETER}=${IAM_AUTH_VALUE}, as ${CACHE_PARAMETER}=<id> (1-40 lowercase letters, digits and dashes), got ${shown}`;
      }
    }
  }
  return undefined;
}

/** `text` with the password of a URL replaced by `***`, for messages: target files hold credentials. */
export function redactUrl(text: string): string {
  // On the text, not on a parsed URL, so the rest reads as the user wrote it; up to the last `@` before the path,
  // where the WHATWG parser ends the credentials too.
  return text.replace(/(\/\/[^/@:]*:)[^/]*@/, '$1***@');
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}
