/**
 * The baseline of `npm run bench:synth`: a plain aws-cdk-lib app of exactly the resources gigascale synthesized.
 *   node --import tsx bench/raw-cdk-app.ts <gigascale output dir> <out dir> <timings.json>
 * Every stack template of the output is included as is (cloudformation-include, L1 constructs) into a stack of the
 * same name, account and region, one stage per gigascale stage, and the app is synthesized with aws-cdk-lib's
 * defaults (its built-in CloudFormation validation included) and nothing else: no plan, no L2 constructs, no cdk-nag,
 * no charts. Writes its phases in milliseconds to the timings file. cloudformation-include cannot read
 * `Fn::GetStackOutput` (the weak cross-stack references of `@aws-cdk/core:defaultCrossStackReferences`): each is
 * included as an Fn::ImportValue instead, a negligible change to the shape. The bootstrap version check is the raw app's own.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Stage } from 'aws-cdk-lib';
import { CfnInclude } from 'aws-cdk-lib/cloudformation-include';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';

const phases: Record<string, number> = { load: performance.now() };
const [source, outdir, timings] = process.argv.slice(2);
if (!source || !outdir || !timings) {
  console.error('usage: node --import tsx bench/raw-cdk-app.ts <gigascale output dir> <out dir> <timings.json>');
  process.exit(2);
}

interface Template {
  Resources?: object;
  Parameters?: Record<string, unknown>;
  Rules?: Record<string, unknown>;
}

/** The template with every Fn::GetStackOutput replaced by an import of the same place in the template. */
function includable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(includable);
  if (typeof value !== 'object' || value === null) return value;
  if ('Fn::GetStackOutput' in value) return { 'Fn::ImportValue': 'stack-output' };
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, includable(v)]));
}

const templates = mkdtempSync(join(tmpdir(), 'gigascale-raw-templates-'));
let began = performance.now();
const app = new App({ outdir });
const assembly = new CloudAssembly(source);
let resources = 0;
for (const nested of assembly.nestedAssemblies) {
  const stageName = nested.directoryName.replace(/^assembly-/, '');
  const stage = new Stage(app, stageName);
  for (const artifact of nested.nestedAssembly.stacks) {
    const stack = new Stack(stage, artifact.id, { stackName: artifact.stackName, env: { account: artifact.environment.account, region: artifact.environment.region } });
    const template = includable(JSON.parse(readFileSync(artifact.templateFullPath, 'utf8'))) as Template;
    // The stack's own synthesizer adds these again.
    delete template.Parameters?.BootstrapVersion;
    delete template.Rules?.CheckBootstrapVersion;
    const file = join(templates, `${stageName}-${artifact.id}.json`);
    writeFileSync(file, JSON.stringify(template));
    new CfnInclude(stack, 'Template', { templateFile: file });
    resources += Object.keys(template.Resources ?? {}).length;
  }
}
phases.constructs = performance.now() - began;
began = performance.now();
app.synth();
phases.synthesis = performance.now() - began;
writeFileSync(timings, `${JSON.stringify({ ...phases, resources }, null, 2)}\n`);
