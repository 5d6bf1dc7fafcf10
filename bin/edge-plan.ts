/**
 * The Cloudflare edge of one environment as a reviewer sees it, offline: runs the edge program (edge/) under Pulumi's
 * mocks, with no Pulumi CLI, credentials or network, and prints every resource it declares with its inputs.
 *   npm run -s edge:plan -- --env <name> [--json] [--config <file>]
 * Ids and the origin token are shown as `<gigascale:...>` placeholders: they come from the Pulumi stack's config.
 * `--json` prints exactly an array of {"type", "name", "inputs"}. Exit 0 ok, 2 bad input.
 */
import { GigascaleError } from '../lib/util/errors';
import { parseEnvArgs, type EnvArgs } from '../lib/util/cli-args';
import { edgePlan } from '../lib/views/edge/plan';
import { CLOUDFLARE_GEO_REGIONS, GEO_REGION_CODES } from '../lib/views/edge/geo-regions';
import { formatTable } from '../lib/util/table';
import { environmentOf, loadPlan } from '../edge/plan-input';
import { runCli } from './run-cli';

const USAGE = 'usage: npm run -s edge:plan -- --env <name> [--json] [--config <file>]';

function parseArgs(argv: readonly string[]): EnvArgs & { readonly env: string } {
  const args = parseEnvArgs(argv, USAGE);
  if (args.help) return { ...args, env: '' };
  if (args.env === undefined) throw new GigascaleError('Invalid arguments', [{ at: '--env', message: `is required: the environment whose edge to plan\n${USAGE}` }]);
  return { ...args, env: args.env };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const plan = await loadPlan(args.config);
  const environment = environmentOf(plan, args.env);
  // The edge program loads the Pulumi SDK and the Cloudflare provider (about a second): only once the input holds.
  const { declaredResources } = await import('../edge/mocks.js');
  const resources = await declaredResources(plan, args.env);
  if (args.json) {
    process.stdout.write(`${JSON.stringify(resources, null, 2)}\n`);
    return;
  }
  const { steering, hostname } = edgePlan(environment);
  const lines = [`Edge of ${args.env}: ${hostname}, ${resources.length} resources`, '', 'Geo steering (failover order, great-circle km from the region point):'];
  lines.push(
    ...formatTable([
      ['geo', 'region', 'point', 'pools'],
      ...GEO_REGION_CODES.map((code) => {
        const a = steering.regionPools[code];
        const g = CLOUDFLARE_GEO_REGIONS[code];
        return [code, g.name, g.point, a.regions.map((r, i) => `${r} (${a.distancesKm[i]})`).join(' > ')];
      }),
    ]).map((l) => `  ${l}`),
    `  default: ${steering.defaultPools.join(' > ')}; fallback: ${steering.fallbackPool} (write region)`,
    '',
  );
  for (const r of resources) {
    lines.push(`${r.type}  ${r.name}`);
    lines.push(...JSON.stringify(r.inputs, null, 2).split('\n').map((l) => `  ${l}`));
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

runCli(main);
