/** The synth output directory: emptied of a previous synth, refused when it is something else, free of machine paths. */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GigascaleError } from '../lib/util/errors';
import { emptyOutdir, relativizeTraces } from '../stacks/app';

const fresh = (): string => mkdtempSync(join(tmpdir(), 'gigascale-outdir-'));

describe('emptyOutdir', () => {
  it("removes a previous synth's stages, assets and reports but keeps the CDK CLI's locks", () => {
    const dir = fresh();
    for (const f of ['manifest.json', 'cdk.out', 'budget.json', 'synth.lock', 'read.123.1.lock']) writeFileSync(join(dir, f), '{}');
    mkdirSync(join(dir, 'assembly-prod-eu-west-1'));
    mkdirSync(join(dir, 'k8s', 'prod-eu-west-1'), { recursive: true });
    emptyOutdir(dir);
    expect(readdirSync(dir).sort()).toEqual(['read.123.1.lock', 'synth.lock']);
  });

  it('accepts a directory that does not exist or holds locks only', () => {
    expect(() => emptyOutdir(join(fresh(), 'new'))).not.toThrow();
    const dir = fresh();
    writeFileSync(join(dir, 'synth.lock'), '');
    emptyOutdir(dir);
    expect(readdirSync(dir)).toEqual(['synth.lock']);
  });

  it('refuses a directory that is not the output of a synth, naming it and what it holds, and removes nothing', () => {
    const dir = fresh();
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    mkdirSync(join(dir, 'src'));
    let error: unknown;
    try {
      emptyOutdir(dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GigascaleError);
    expect((error as GigascaleError).message).toBe(
      `Output directory not emptied (1 problem):\n  - ${dir}: holds notes.txt, src and is not the output of a synth (no manifest.json); ` +
        "synthesize into an empty directory or a previous synth's output (-o)",
    );
    expect(readdirSync(dir).sort()).toEqual(['notes.txt', 'src']);
  });
});

describe('relativizeTraces', () => {
  it('rewrites the stack traces of metadata files and the validation report relative to the project, and nothing else', () => {
    const dir = fresh();
    const root = '/home/someone/gigascale';
    const trace = JSON.stringify({ trace: [`    at applyComplianceGate (${root}/stacks/compliance/index.ts:20:28)`] });
    mkdirSync(join(dir, 'assembly-dev-us-east-1'));
    writeFileSync(join(dir, 'assembly-dev-us-east-1', 'devuseast1Data.metadata.json'), trace);
    writeFileSync(join(dir, 'validation-report.json'), trace);
    writeFileSync(join(dir, 'assembly-dev-us-east-1', 'devuseast1Data.template.json'), trace);
    const rewritten = relativizeTraces(dir, root);
    expect(rewritten).toEqual([join(dir, 'assembly-dev-us-east-1', 'devuseast1Data.metadata.json'), join(dir, 'validation-report.json')]);
    expect(readFileSync(join(dir, 'validation-report.json'), 'utf8')).toBe(JSON.stringify({ trace: ['    at applyComplianceGate (stacks/compliance/index.ts:20:28)'] }));
    expect(readFileSync(join(dir, 'assembly-dev-us-east-1', 'devuseast1Data.template.json'), 'utf8')).toBe(trace);
  });
});
