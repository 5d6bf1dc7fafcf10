/**
 * Validation of a config as a whole: the per-field rules of `schema.ts` plus the rules that relate fields to
 * each other. Every problem is collected before anything is reported, so one run shows them all.
 *
 * The cross-field rules run on the raw input even when some fields are malformed, and look only at the parts
 * that are well-formed, so a bad shard count does not hide an overlapping CIDR.
 */
import type { z } from 'zod';
import type { Issue } from '../util/errors';
import { isRecord } from '../util/json';
import { catalogRegion, catalogRegionNames, REGION_NAME } from '../facts/regions';
import { formatCidr, isPrivate, overlaps, parseCidr, type Cidr } from './cidr';
import { MAX_VPC_PREFIX, MIN_VPC_PREFIX } from './subnets';
import { GRAVITON_CLASS_MEMORY_GIB, isGravitonClass, maxConnectionsLimit } from '../facts/instance-classes';
import { PHASE_PRESETS, PHASES, servesProductionTraffic, type Phase, type PhasePreset } from '../facts/phases';
import { workloadIssues } from './workload';
import { capacityIssues, resolveCapacities, type CapacityInput } from './capacities';
import { configSchema, ENV_NAME } from './schema';
import { isIPv6 } from 'node:net';
import { imageProblem } from '../facts/images';
import { edgeIssues, hostnameIssues } from './validate-edge';
import { latencyIssues, regionLocation } from './validate-latency';

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

interface RegionEntry {
  readonly index: number;
  readonly name: string;
  readonly azs?: unknown;
  readonly cidr?: unknown;
  readonly latitude?: unknown;
  readonly longitude?: unknown;
}

function regionEntries(regions: unknown): RegionEntry[] {
  if (!Array.isArray(regions)) return [];
  return regions.flatMap((r, index) => {
    if (typeof r === 'string') return [{ index, name: r }];
    if (isRecord(r) && typeof r.name === 'string') return [{ index, name: r.name, azs: r.azs, cidr: r.cidr, latitude: r.latitude, longitude: r.longitude }];
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
    if (!catalogRegion(r.name)) {
      const missing = [r.azs === undefined && 'azs', r.latitude === undefined && 'latitude', r.longitude === undefined && 'longitude'].filter(Boolean);
      if (missing.length > 0) {
        issues.push({
          at: `${path}.name`,
          message:
            `region ${r.name} is not in the region catalog; give its ${missing.join(', ')} (coordinates of its metro area steer users ` +
            `to the nearest region), or use one of ${catalogRegionNames().join(', ')}`,
        });
      }
    } else if ((r.latitude === undefined) !== (r.longitude === undefined)) {
      issues.push({ at: `${path}.${r.latitude === undefined ? 'latitude' : 'longitude'}`, message: `is required with ${r.latitude === undefined ? 'longitude' : 'latitude'}: give both or neither` });
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
  issues.push(...computeIssues(at, env, entries.map((e) => e.name)));
  issues.push(...edgeIssues(at, env));
  issues.push(...observabilityIssues(at, env));
  if (isRecord(env.backup) && isRecord(env.backup.copyAccount) && env.backup.copyAccount.account === env.account) {
    issues.push({
      at: `${at}.backup.copyAccount.account`,
      message: `is the environment's own account ${String(env.account)}: the copy protects against losing that account, so name a separate backup account`,
    });
  }
  issues.push(...capacityInputIssues(at, env));
  issues.push(...latencyIssues(at, env, entries.map((e) => ({ name: e.name, location: regionLocation(e.name, e.latitude, e.longitude) }))));

  if (typeof env.writeRegion === 'string' && entries.length > 0 && !firstIndex.has(env.writeRegion)) {
    issues.push({
      at: `${at}.writeRegion`,
      message: `write region ${env.writeRegion} is not among the environment's regions (${entries.map((e) => e.name).join(', ')})`,
    });
  }
  return issues;
}

/** The workload and capacities must be numbers the planner can divide by (zero users, a hit ratio > 1 are not). */
function capacityInputIssues(at: string, env: Record<string, unknown>): Issue[] {
  const issues = isRecord(env.workload) ? workloadIssues(`${at}.workload`, env.workload) : [];
  const phase = PHASES.find((p) => p === env.phase);
  if (isRecord(env.capacity) && phase !== undefined) {
    issues.push(...capacityIssues(`${at}.capacity`, { ...resolveCapacities(phase, env.capacity as CapacityInput) }));
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

/** `a.b.c/n` as IPv4 (parseCidr) or `x:y::/n` as IPv6; a message when it is neither. */
function cidrProblem(text: string): string | undefined {
  if (text.includes(':')) {
    const [address, prefix, extra] = text.split('/');
    const n = Number(prefix);
    return extra === undefined && isIPv6(address) && Number.isInteger(n) && n >= 0 && n <= 128 ? undefined : `must be an IPv4 or IPv6 CIDR, got ${JSON.stringify(text)}`;
  }
  const parsed = parseCidr(text);
  return typeof parsed === 'string' ? parsed : undefined;
}

/** Images, CIDRs and certificates per region (min <= max of the sizes is checked on the plan: lib/plan/capacity-limits.ts). */
function computeIssues(at: string, env: Record<string, unknown>, regions: readonly string[]): Issue[] {
  const issues: Issue[] = [];
  const compute = isRecord(env.compute) ? env.compute : {};
  const ingress = isRecord(env.ingress) ? env.ingress : {};
  if (Array.isArray(compute.publicEndpointCidrs)) {
    compute.publicEndpointCidrs.forEach((c, i) => {
      const path = `${at}.compute.publicEndpointCidrs[${i}]`;
      if (typeof c !== 'string') return;
      const problem = c.includes(':') ? `must be an IPv4 CIDR (EKS public access is IPv4), got ${JSON.stringify(c)}` : cidrProblem(c);
      if (problem) issues.push({ at: path, message: problem });
      else if ((parseCidr(c) as Cidr).prefix === 0) {
        issues.push({ at: path, message: `${c} would open the cluster API to the whole internet; list the networks that run kubectl, or none for a private endpoint` });
      }
    });
  }
  const images = isRecord(compute.images) ? compute.images : {};
  for (const [key, ref] of Object.entries(images)) {
    const problem = typeof ref === 'string' ? imageProblem(ref) : undefined;
    if (problem) issues.push({ at: `${at}.compute.images.${key}`, message: problem });
  }
  if (Array.isArray(ingress.edgeCidrs)) {
    ingress.edgeCidrs.forEach((c, i) => {
      const problem = typeof c === 'string' ? cidrProblem(c) : undefined;
      if (problem) issues.push({ at: `${at}.ingress.edgeCidrs[${i}]`, message: problem });
    });
    if (ingress.edgeCidrs.length > 0 && ingress.edgeCidrs.every((c) => typeof c === 'string' && c.includes(':'))) {
      issues.push({ at: `${at}.ingress.edgeCidrs`, message: 'must list at least one IPv4 CIDR: the VPCs and ALBs are IPv4 only, so IPv6 ranges admit nothing' });
    }
  }
  const certificates = isRecord(ingress.certificateArns) ? ingress.certificateArns : {};
  for (const [region, arn] of Object.entries(certificates)) {
    const path = `${at}.ingress.certificateArns.${region}`;
    if (!regions.includes(region)) issues.push({ at: path, message: `${region} is not among the environment's regions (${regions.join(', ')})` });
    else if (typeof arn === 'string' && arn.split(':')[3] !== region && arn.startsWith('arn:')) {
      issues.push({ at: path, message: `the certificate is in ${arn.split(':')[3]}, but an ALB in ${region} can only use a certificate of its own region` });
    }
  }
  if (ingress.hostedZoneId === undefined) {
    const missing = regions.filter((r) => !(r in certificates));
    if (missing.length > 0) {
      issues.push({
        at: `${at}.ingress`,
        message: `needs hostedZoneId (the Route 53 zone of the domain, for DNS-validated certificates and origin-<region> records) or a certificateArns entry for ${missing.join(', ')}`,
      });
    }
  }
  return issues;
}

/**
 * An environment from phase 4 serves production traffic (its load balancers are deletion-protected for the same
 * reason, lib/plan/resolve.ts): its alarms must reach someone, so it names at least one recipient.
 */
function observabilityIssues(at: string, env: Record<string, unknown>): Issue[] {
  const notifications = isRecord(env.observability) && isRecord(env.observability.notifications) ? env.observability.notifications : {};
  const count = (list: unknown): number => (Array.isArray(list) ? list.length : 0);
  if (typeof env.phase !== 'number' || !servesProductionTraffic(env.phase) || count(notifications.emails) + count(notifications.httpsEndpoints) + count(notifications.slackChannels) > 0) return [];
  return [
    {
      at: `${at}.observability.notifications`,
      message:
        `phase ${env.phase} serves production traffic, and its alarms would reach nobody: list at least one recipient, ` +
        `emails: ['oncall@example.com'], httpsEndpoints: ['https://...'] (an on-call service's SNS endpoint) or ` +
        `slackChannels: [{ workspaceId: 'T0123ABCD', channelId: 'C0123ABCD' }] (AWS Chatbot)`,
    },
  ];
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
    issues.push(...hostnameIssues(input.environments));
  }
  if (isRecord(input) && isRecord(input.review) && Array.isArray(input.review.allowDestructive)) {
    const first = new Map<string, number>();
    input.review.allowDestructive.forEach((a, i) => {
      if (!isRecord(a) || typeof a.path !== 'string') return;
      const seen = first.get(a.path);
      if (seen === undefined) first.set(a.path, i);
      else issues.push({ at: `review.allowDestructive[${i}].path`, message: `${a.path} is allowed already by allowDestructive[${seen}]; list each path once` });
    });
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
