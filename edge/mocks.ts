/**
 * Runs the edge program under Pulumi's mocks (pulumi.runtime.setMocks): no Pulumi CLI, no engine, no credentials,
 * no network. Every resource the program registers is recorded with the inputs it would send to Cloudflare.
 */
import * as pulumi from '@pulumi/pulumi';
import type { Plan } from '../lib/plan';
import { declareEdge, type EdgeSettings } from './program';

export interface DeclaredResource {
  /** Provider type token, e.g. `cloudflare:index/loadBalancer:LoadBalancer`. */
  readonly type: string;
  /** Pulumi logical name. */
  readonly name: string;
  /** Inputs as the provider would receive them; secrets appear as SECRET_PLACEHOLDER. */
  readonly inputs: Readonly<Record<string, unknown>>;
}

/** What `edge:plan` shows in place of the ids and the token it has no access to. */
export const PLACEHOLDER_SETTINGS: EdgeSettings = {
  accountId: '<gigascale:accountId>',
  zoneId: '<gigascale:zoneId>',
  originToken: '<origin token: current slot>',
};

export const SECRET_PLACEHOLDER = '[secret]';

/** Pulumi's wire form of a secret value (sdk/nodejs/runtime/rpc.ts specialSigKey / specialSecretSig). */
const SECRET_SIG = '1b47061264138c4ac30d75fd1eb44270';
const SIG_KEY = '4dabf18193072939515e22adb298388d';

function maskSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  if (record[SIG_KEY] === SECRET_SIG) return SECRET_PLACEHOLDER;
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, maskSecrets(v)]));
}

/** Declares the edge of `env` under mocks and returns the custom resources it registered, sorted by type and name. */
export async function declaredResources(plan: Plan, env: string, settings: EdgeSettings = PLACEHOLDER_SETTINGS): Promise<DeclaredResource[]> {
  const declared: DeclaredResource[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        if (args.custom !== false) declared.push({ type: args.type, name: args.name, inputs: maskSecrets(args.inputs) as Record<string, unknown> });
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: (args) => args.inputs,
    },
    'gigascale-edge',
    env,
    false,
  );
  const edge = declareEdge(plan, env, settings);
  const { loadBalancing, zoneRules } = edge;
  // Registration is asynchronous: wait for every resource's id (the load balancer's waits for its pools and monitor).
  const ids = [loadBalancing.loadBalancer.id, ...Object.values(zoneRules.rulesets).map((r) => r.id), ...zoneRules.settings.map((s) => s.id), ...zoneRules.tiered.map((t) => t.id)];
  await new Promise<void>((resolve) => pulumi.all(ids).apply(() => resolve()));
  return declared.sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name));
}
