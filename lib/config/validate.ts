/**
 * Validation of a config as a whole: the per-field rules of `schema.ts` plus the rules that relate fields to
 * each other. Every problem is collected before anything is reported, so one run shows them all.
 *
 * The cross-field rules run on the raw input even when some fields are malformed, and look only at the parts
 * that are well-formed, so a bad shard count does not hide an overlapping CIDR.
 */
import type { z } from 'zod';
import type { Issue } from '../errors';
import { catalogRegion, catalogRegionNames, REGION_NAME } from '../regions';
import { formatCidr, isPrivate, overlaps, parseCidr, type Cidr } from '../net/cidr';
import { MAX_VPC_PREFIX, MIN_VPC_PREFIX } from '../net/subnets';
import { GRAVITON_CLASS_MEMORY_GIB, isGravitonClass, maxConnectionsLimit } from '../data/instance-classes';
import { PHASE_PRESETS, type Phase, type PhasePreset } from './phases';
import { configSchema, ENV_NAME } from './schema';

export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join('');
}

function schemaIssues(input: unknown): Issue[] {
  const result = configSchema.safeParse(input, {
    error: (i) => (i.code === 'invalid_type' && i.input === undefined ? 'is required' : undefined),
  });
  if (result.success) return [];
  return result.error.issues.map((i: z.core.$ZodIssue) => ({ at: formatPath(i.path) || 'config', message: i.message }));
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

interface RegionEntry {
  readonly index: number;
  readonly name: string;
  readonly azs?: unknown;
  readonly cidr?: unknown;
}

function regionEntries(regions: unknown): RegionEntry[] {
  if (!Array.isArray(regions)) return [];
  return regions.flatMap((r, index) => {
    if (typeof r === 'string') return [{ index, name: r }];
    if (isRecord(r) && typeof r.name === 'string') return [{ index, name: r.name, azs: r.azs, cidr: r.cidr }];
    return [];
  });
}

function environmentIssues(envName: string, env: Record<string, unknown>): Issue[] {
  const issues: Issue[] = [];
  const at = `environments.${envName}`;
  const entries = regionEntries(env.regions);

  const firstIndex = new Map<string, number>();
  for (const r of entries) {
    const path = `${at}.regions[${r.index}]`;
    const seen = firstIndex.get(r.name);
    if (seen !== undefined) {
      issues.push({ at: `${path}.name`, message: `duplicate region ${r.name} (also regions[${seen}]); list each region once` });
      continue;
    }
    firstIndex.set(r.name, r.index);
    if (!REGION_NAME.test(r.name)) continue; // the schema reports the malformed name
    if (r.azs === undefined && !catalogRegion(r.name)) {
      issues.push({
        at: `${path}.name`,
        message: `region ${r.name} is not in the region catalog; give its azs, or use one of ${catalogRegionNames().join(', ')}`,
      });
    }
    if (Array.isArray(r.azs)) {
      const seenAz = new Set<string>();
      r.azs.forEach((az, j) => {
        if (typeof az !== 'string' || !new RegExp(`^${r.name}[a-z]$`).test(az)) {
          issues.push({ at: `${path}.azs[${j}]`, message: `must be an availability zone of ${r.name} like ${r.name}a, got ${JSON.stringify(az)}` });
        } else if (seenAz.has(az)) {
          issues.push({ at: `${path}.azs[${j}]`, message: `duplicate availability zone ${az}` });
        }
        if (typeof az === 'string') seenAz.add(az);
      });
    }
  }

  const cidrs: { index: number; cidr: Cidr }[] = [];
  for (const r of entries) {
    if (r.cidr === undefined || typeof r.cidr !== 'string') continue;
    const path = `${at}.regions[${r.index}].cidr`;
    const parsed = parseCidr(r.cidr);
    if (typeof parsed === 'string') {
      issues.push({ at: path, message: parsed });
      continue;
    }
    if (parsed.prefix < MIN_VPC_PREFIX || parsed.prefix > MAX_VPC_PREFIX) {
      issues.push({ at: path, message: `${r.cidr} must be a /${MIN_VPC_PREFIX}../${MAX_VPC_PREFIX} block, got /${parsed.prefix}` });
      continue;
    }
    if (!isPrivate(parsed)) {
      issues.push({ at: path, message: `${r.cidr} must lie in an RFC 1918 range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)` });
      continue;
    }
    const clash = cidrs.find((c) => overlaps(c.cidr, parsed));
    if (clash) {
      issues.push({ at: path, message: `${r.cidr} overlaps regions[${clash.index}].cidr ${formatCidr(clash.cidr)}` });
      continue;
    }
    cidrs.push({ index: r.index, cidr: parsed });
  }

  issues.push(...databaseIssues(at, env));

  if (typeof env.writeRegion === 'string' && entries.length > 0 && !firstIndex.has(env.writeRegion)) {
    issues.push({
      at: `${at}.writeRegion`,
      message: `write region ${env.writeRegion} is not among the environment's regions (${entries.map((e) => e.name).join(', ')})`,
    });
  }
  return issues;
}

/** The instance class must be a Graviton class gigascale knows, and `maxConnections` must fit into it. */
function databaseIssues(at: string, env: Record<string, unknown>): Issue[] {
  const sizes = isRecord(env.sizes) && isRecord(env.sizes.database) ? env.sizes.database : {};
  const phase = PHASE_PRESETS[env.phase as Phase] as PhasePreset | undefined;
  const path = `${at}.sizes.database`;
  const issues: Issue[] = [];
  const given = sizes.instanceClass;
  if (given !== undefined && (typeof given !== 'string' || !isGravitonClass(given))) {
    issues.push({
      at: `${path}.instanceClass`,
      message: `must be a Graviton Aurora instance class (${Object.keys(GRAVITON_CLASS_MEMORY_GIB).join(', ')}), got ${JSON.stringify(given)}`,
    });
    return issues;
  }
  const instanceClass = (given as string | undefined) ?? phase?.database.instanceClass;
  const max = sizes.maxConnections;
  if (instanceClass !== undefined && typeof max === 'number' && Number.isInteger(max)) {
    const limit = maxConnectionsLimit(instanceClass);
    if (max > limit) {
      issues.push({
        at: `${path}.maxConnections`,
        message: `${max} is more than ${instanceClass} holds (at most ${limit}: LEAST(memory / 9531392, 5000)); lower it or choose a larger instanceClass`,
      });
    }
  }
  return issues;
}

/** All problems of a config, in a stable order; empty when the config is valid. */
export function validateConfig(input: unknown): Issue[] {
  const issues = schemaIssues(input);
  if (isRecord(input) && isRecord(input.environments)) {
    for (const [name, env] of Object.entries(input.environments)) {
      if (!ENV_NAME.test(name)) {
        issues.push({
          at: `environments.${name}`,
          message: `environment names must be lower-case letters and digits, starting with a letter, at most 10 characters (they prefix every stack name)`,
        });
      }
      if (isRecord(env)) issues.push(...environmentIssues(name, env));
    }
  }
  return dedupe(issues);
}

function dedupe(issues: Issue[]): Issue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.at}\u0000${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
