/**
 * `npx cdk synth` end to end, as a platform engineer runs it: offline, no credentials, deterministic, and refusing
 * bad input without touching cdk.out.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { planOf, ROOT } from './support/synth';
import { copyProject } from './support/project-copy';
import { CDK, offlineEnv } from './support/cdk-cli';
import { defaultSynth, type DefaultSynth } from './support/default-synth';
import type { StageCostsJson } from '../lib/views/cost-report';
import { estimateCost } from '../lib/views/cost';
import { parseAllDocuments } from 'yaml';
import { ENVOY_IMAGE } from '../lib/facts/images';
import { derivedConfigModule, unwaivedConfigModule } from './support/config';

/** `npx cdk synth --quiet -o <outdir> <args>` in this checkout, or in the checkout `cwd`. */
function synth(outdir: string, args: readonly string[], cwd = ROOT) {
  const r = spawnSync(CDK, ['synth', '--quiet', '-o', outdir, ...args], { cwd, env: offlineEnv(), encoding: 'utf8', timeout: 170_000 });
  return { status: r.status, stderr: r.stderr, stdout: r.stdout };
}

/** Every file under dir with its sha-256, sorted: equal trees give equal listings. */
function treeDigest(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(`${relative(dir, p)} ${createHash('sha256').update(readFileSync(p)).digest('hex')}`);
    }
  };
  walk(dir);
  return out;
}

describe('npx cdk synth', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'gigascale-cli-'));
  let first: DefaultSynth;

  beforeAll(async () => {
    first = await defaultSynth();
    // The refusals below synthesize into this copy and check that it is left as it was; the shared output is only read.
    cpSync(first.outdir, join(tmp, 'a'), { recursive: true });
  });

  it('synthesizes the default config offline and ends with the summary table', () => {
    expect(first.stderr).toContain('prod-ap-southeast-1-network');
    expect(first.stderr).toMatch(/6 stages, 66 stacks; resources per stack max \d+ \(limit 400\)/);
    expect(first.code).toBe(0);
  });

  it('shows the monthly estimate of every stage, the same as npm run -s plan prices it', () => {
    const plan = planOf({ env: 'prod' }).environments[0];
    const prod = estimateCost(plan);
    const [atMin, atMax] = [estimateCost(plan, 'min'), estimateCost(plan, 'max')];
    const dollars = (n: number) => `$${Math.round(n).toLocaleString('en-US')}`;
    const apac = (c: typeof prod) => dollars(c.byRegion['ap-southeast-1']).replace('$', '\\$');
    expect(first.stderr).toMatch(/^Monthly estimate per stage \(on-demand list prices of \d{4}-\d{2}; npm run -s plan -- --env <name> itemizes it\):$/m);
    expect(first.stderr).toMatch(/^stage +USD\/month +range \(autoscalers at floor\.\.ceiling\)$/m);
    expect(first.stderr).toMatch(new RegExp(`^prod-ap-southeast-1 +${apac(prod)} +${apac(atMin)}\\.\\.${apac(atMax)}$`, 'm'));
    expect(atMin.monthlyUsd).toBeLessThan(prod.monthlyUsd);
    expect(atMax.monthlyUsd).toBeGreaterThan(prod.monthlyUsd);
    expect(first.stderr).toMatch(/^dev-us-east-1 +\$[\d,]+ +\$[\d,]+\.\.\$[\d,]+$/m);
    expect(first.stderr).toContain(`prod ${dollars(prod.monthlyUsd)} (${dollars(atMin.monthlyUsd)}..${dollars(atMax.monthlyUsd)}; `);
  });

  it('renders every chart of every stage as YAML into <outdir>/k8s/<stage>/', () => {
    expect(first.stderr).toContain(`84 Kubernetes manifests rendered to ${first.outdir}/k8s/<stage>/<chart>.yaml`);
    expect(readdirSync(join(tmp, 'a', 'k8s')).sort()).toEqual(['dev-us-east-1', 'prod-ap-southeast-1', 'prod-eu-west-1', 'prod-us-east-1', 'prod-us-west-2']);
    expect(readdirSync(join(tmp, 'a', 'k8s', 'prod-us-east-1')).sort()).toEqual([
      'consumers.yaml',
      'fis.yaml',
      'gateway.yaml',
      'migrations-0.yaml',
      'namespaces.yaml',
      'network-policies.yaml',
      'node-pools.yaml',
      'probe.yaml',
      'secret-sync.yaml',
      'service-auth.yaml',
      'service-chat.yaml',
      'service-config.yaml',
      'service-entity.yaml',
      'service-memory.yaml',
      'service-voice.yaml',
      'shard-secrets-0.yaml',
      'target-group-bindings.yaml',
      'turn.yaml',
    ]);
    const gateway = readFileSync(join(tmp, 'a', 'k8s', 'prod-eu-west-1', 'gateway.yaml'), 'utf8');
    expect(gateway).toContain('kind: Deployment');
    expect(gateway).toContain(`image: 222222222222.dkr.ecr.eu-west-1.amazonaws.com/docker-hub/${ENVOY_IMAGE}`);
  });

  it('runs every prod container by digest, from the region\'s own ECR (gigascale\'s repositories or its cache of Docker Hub)', () => {
    const images: { at: string; image: string }[] = [];
    const collect = (at: string, node: unknown): void => {
      if (Array.isArray(node)) node.forEach((n) => collect(at, n));
      else if (node !== null && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          if (k === 'image' && typeof v === 'string') images.push({ at, image: v });
          else collect(at, v);
        }
      }
    };
    for (const stage of readdirSync(join(tmp, 'a', 'k8s')).filter((s) => s.startsWith('prod-'))) {
      for (const file of readdirSync(join(tmp, 'a', 'k8s', stage))) {
        for (const d of parseAllDocuments(readFileSync(join(tmp, 'a', 'k8s', stage, file), 'utf8'))) collect(`${stage}/${file}`, d.toJS());
      }
    }
    // Every region runs the gateway, five services, the relay, three consumers, the probe and one migrations Job per shard group.
    expect(images.length).toBeGreaterThanOrEqual(4 * 12);
    const region = (at: string) => at.slice('prod-'.length, at.indexOf('/'));
    const misplaced = images.filter(({ at, image }) => !new RegExp(`^222222222222\\.dkr\\.ecr\\.${region(at)}\\.amazonaws\\.com/(gigascale|docker-hub)/[^@]+@sha256:[a-f0-9]{64}$`).test(image));
    expect(misplaced).toEqual([]);
  });

  it('gives every autoscaler of prod room to scale: no HorizontalPodAutoscaler or ScaledObject has its minimum = maximum', () => {
    type Scaler = { kind?: string; metadata: { name: string }; spec: { minReplicas?: number; maxReplicas?: number; minReplicaCount?: number; maxReplicaCount?: number } };
    const scalers = readdirSync(join(tmp, 'a', 'k8s'))
      .filter((stage) => stage.startsWith('prod-'))
      .flatMap((stage) =>
        readdirSync(join(tmp, 'a', 'k8s', stage)).flatMap((file) =>
          parseAllDocuments(readFileSync(join(tmp, 'a', 'k8s', stage, file), 'utf8'))
            .map((d) => d.toJS() as Scaler)
            .filter((d) => d?.kind === 'HorizontalPodAutoscaler' || d?.kind === 'ScaledObject')
            .map((d) => ({
              at: `${stage}/${file} ${d.kind} ${d.metadata.name}`,
              min: d.spec.minReplicas ?? d.spec.minReplicaCount!,
              max: d.spec.maxReplicas ?? d.spec.maxReplicaCount!,
            })),
        ),
      );
    // Four regions, each with HPAs for the gateway, four services and the TURN relay, and ScaledObjects for chat and
    // the three event consumers.
    expect(scalers.length).toBe(4 * (6 + 4));
    expect(scalers.filter((h) => !(h.min < h.max))).toEqual([]);
  });

  it('runs every prod shard cluster, primary and secondary, on at least two instances in two AZs', () => {
    const assemblies = readdirSync(join(tmp, 'a')).filter((d) => d.startsWith('assembly-prod-'));
    const clusters = new Map<string, Set<string>>();
    for (const dir of assemblies) {
      for (const file of readdirSync(join(tmp, 'a', dir)).filter((f) => /Shards\d+[0-9A-F]{8}\.template\.json$/.test(f))) {
        const template = JSON.parse(readFileSync(join(tmp, 'a', dir, file), 'utf8')) as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
        for (const r of Object.values(template.Resources).filter((x) => x.Type === 'AWS::RDS::DBInstance')) {
          const id = `${dir} ${String(r.Properties.DBInstanceIdentifier).replace(/-\d+$/, '')}`;
          clusters.set(id, (clusters.get(id) ?? new Set()).add(String(r.Properties.AvailabilityZone)));
        }
      }
    }
    // 16 shards in each of the four regions.
    expect(clusters.size).toBe(64);
    expect([...clusters].filter(([, azs]) => azs.size < 2 || [...azs].some((az) => !/^[a-z]{2}-[a-z]+-\d[a-f]$/.test(az)))).toEqual([]);
  });

  it('prints the latency verdicts and writes budget.json, the array `npm run -s budget -- --json` prints', () => {
    expect(first.stderr).toContain('30 verdicts: 29 within target, 1 waived, 0 breached');
    expect(first.stderr).toContain('prod ap-southeast-1 memory.write (263 ms > 150 ms): one write region');
    expect(first.stderr).toContain(`30 latency verdicts written to ${join(first.outdir, 'budget.json')}`);
    const cli = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bin', 'budget.ts'), '--json'], { cwd: ROOT, encoding: 'utf8' });
    expect(readFileSync(join(tmp, 'a', 'budget.json'), 'utf8')).toBe(cli.stdout);
  });

  it('fails on APAC writes through a distant write region without a waiver, exit 1, leaving cdk.out as it was', () => {
    const before = treeDigest(join(tmp, 'a'));
    const unwaived = unwaivedConfigModule(tmp);
    const r = synth(join(tmp, 'a'), ['-c', `config=${unwaived}`]);
    expect(r.stderr).toMatch(/prod {2}ap-southeast-1 {2}memory\.write +263 +150 {2}BREACH/);
    expect(r.stderr).toContain('gigascale: latency budget failed: 1 flow over target without a waiver:');
    expect(r.stderr).toContain('Subprocess exited with error 1');
    expect(treeDigest(join(tmp, 'a'))).toEqual(before);
  });

  it('writes the monthly estimate to cost.json and the allowed destructive changes beside the assembly', () => {
    const cost = JSON.parse(readFileSync(join(tmp, 'a', 'cost.json'), 'utf8')) as StageCostsJson;
    const plan = planOf({ env: 'prod' }).environments[0];
    const [prod, atMin, atMax] = [estimateCost(plan), estimateCost(plan, 'min'), estimateCost(plan, 'max')];
    expect(cost.environments.map((e) => e.env)).toEqual(['dev', 'prod']);
    expect(cost.environments[1]).toEqual({
      env: 'prod',
      users: 10_000_000,
      monthly_usd: prod.monthlyUsd,
      min_usd: atMin.monthlyUsd,
      max_usd: atMax.monthlyUsd,
      usd_per_mau: prod.usdPerMau,
      stages: ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-1'].map((region) => ({
        stage: `prod-${region}`,
        region,
        monthly_usd: prod.byRegion[region],
        min_usd: atMin.byRegion[region],
        max_usd: atMax.byRegion[region],
      })),
    });
    expect(JSON.parse(readFileSync(join(tmp, 'a', 'allowed-destructive-changes.json'), 'utf8'))).toEqual([]);
  });

  it("selects one region of one environment with the pattern 'prod-eu-west-1/*'", () => {
    const r = spawnSync(CDK, ['ls', '--app', join(tmp, 'a'), 'prod-eu-west-1/*'], { cwd: ROOT, env: offlineEnv(), encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([
      'prod-eu-west-1/Network (prod-eu-west-1-network)',
      'prod-eu-west-1/Data (prod-eu-west-1-data)',
      'prod-eu-west-1/Shards0 (prod-eu-west-1-shards-0)',
      'prod-eu-west-1/ShardAlarms0 (prod-eu-west-1-shard-alarms-0)',
      'prod-eu-west-1/Cache (prod-eu-west-1-cache)',
      'prod-eu-west-1/Media (prod-eu-west-1-media)',
      'prod-eu-west-1/Bus (prod-eu-west-1-bus)',
      'prod-eu-west-1/Ingress (prod-eu-west-1-ingress)',
      'prod-eu-west-1/Compute (prod-eu-west-1-compute)',
      'prod-eu-west-1/Backup (prod-eu-west-1-backup)',
      'prod-eu-west-1/Observability (prod-eu-west-1-observability)',
      'prod-eu-west-1/Chaos (prod-eu-west-1-chaos)',
    ]);
  });

  it('refuses bad -c values with exit 2 semantics, every problem named, and leaves cdk.out as it was', () => {
    const before = treeDigest(join(tmp, 'a'));
    const r = synth(join(tmp, 'a'), ['-c', 'shards=0', '-c', 'env=staging']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('-c shards: must be an integer in 1..4096, got "0"');
    expect(r.stderr).toContain('-c env: unknown environment staging; the config defines dev, prod');
    expect(r.stderr).toContain('Subprocess exited with error 2');
    expect(treeDigest(join(tmp, 'a'))).toEqual(before);
  });

  it('narrows a previous output to the stages -c env selects, from a second checkout in another directory: byte-identical to this checkout\'s, with no path of the machine in it', () => {
    // One synth for both properties: a second full synth of the default config would cost as much as the first.
    const other = copyProject(join(tmp, 'elsewhere', 'checkout'));
    const dir = join(tmp, 'subset');
    cpSync(join(tmp, 'a'), dir, { recursive: true });
    const r = synth(dir, ['-c', 'env=dev'], other);
    expect(r.status, r.stderr).toBe(0);
    const top = readdirSync(dir).filter((f) => !f.startsWith('asset.')).sort();
    expect(top).toEqual(['allowed-destructive-changes.json', 'assembly-dev-us-east-1', 'budget.json', 'cdk.out', 'cost.json', 'k8s', 'manifest.json', 'tree.json', 'validation-report.json']);
    expect(readdirSync(join(dir, 'k8s'))).toEqual(['dev-us-east-1']);
    expect(readFileSync(join(dir, 'tree.json'), 'utf8')).not.toContain('prod-eu-west-1');
    // The dev stage's templates, assets and manifests are the bytes this checkout's synth wrote (an asset is named
    // by its content hash: one that differed would be a file the first synth does not have).
    const first = treeDigest(join(tmp, 'a'));
    const devStage = (digest: string[]) => digest.filter((line) => /^(assembly-dev-us-east-1|k8s\/dev-us-east-1)\//.test(line));
    expect(devStage(first).length).toBeGreaterThan(10);
    const second = treeDigest(dir);
    expect(devStage(second)).toEqual(devStage(first));
    expect(second.filter((line) => line.startsWith('asset.') && !first.includes(line))).toEqual([]);
    const machinePaths = [ROOT, other, tmp];
    const holding = second
      .map((line) => line.split(' ')[0])
      .filter((file) => {
        const text = readFileSync(join(dir, file), 'latin1');
        return machinePaths.some((p) => text.includes(p));
      });
    expect(holding).toEqual([]);
  });

  it('refuses a prod image without a digest, naming the field, with exit 2, and leaves cdk.out as it was', () => {
    const before = treeDigest(join(tmp, 'a'));
    const tagged = derivedConfigModule(
      join(tmp, 'tagged.config.ts'),
      'const prod = base.environments.prod;\n' +
        "export default { environments: { prod: { ...prod, compute: { ...prod.compute, images: { ...prod.compute!.images, chat: 'gigascale/chat:0.2.0' } } } } };\n",
    );
    const r = synth(join(tmp, 'a'), ['-c', `config=${tagged}`]);
    expect(r.stderr).toContain(
      'gigascale: Images not pinned (1 problem):\n  - environments.prod.compute.images.chat: phase 4 serves production traffic, which runs images only by digest: ' +
        'pin it as "gigascale/chat:0.2.0@sha256:<64 hex>", the digest the registry returned when it was pushed',
    );
    expect(r.stderr).toContain('Subprocess exited with error 2');
    expect(treeDigest(join(tmp, 'a'))).toEqual(before);
  });

  it('refuses a bad config module named by -c config and leaves cdk.out as it was', () => {
    const before = treeDigest(join(tmp, 'a'));
    const bad = join(tmp, 'bad.config.ts');
    writeFileSync(
      bad,
      `export default { environments: { dev: { phase: 3, account: '123456789012', domain: 'example.com', owner: 'o', costCentre: 'c',
        regions: [{ name: 'us-east-1', cidr: '10.0.0.0/16' }, { name: 'eu-west-1', cidr: '10.0.0.0/16' }], writeRegion: 'ap-south-1' } } };\n`,
    );
    const r = synth(join(tmp, 'a'), ['-c', `config=${bad}`]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('environments.dev.regions[1].cidr: 10.0.0.0/16 overlaps regions[0].cidr 10.0.0.0/16');
    expect(r.stderr).toContain("environments.dev.writeRegion: write region ap-south-1 is not among the environment's regions (us-east-1, eu-west-1)");
    expect(treeDigest(join(tmp, 'a'))).toEqual(before);
  });
});
