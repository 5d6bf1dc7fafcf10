/**
 * The second scanner beside cdk-nag: AWS CloudFormation Guard with AWS Control Tower's proactive controls, the binary
 * and rules that `@cdklabs/cdk-validator-cfnguard` bundles (cfn-guard 3.1.1). Its findings are acknowledged like
 * cdk-nag's, in stacks/compliance/acknowledgments/ with ids `CfnGuard::<control>` (`CfnGuard::CT.S3.PR.2`).
 *
 * Not that package's plugin: it runs every rule over every whole template in the main thread, 20 s and more per prod
 * stage. Here each stage's templates go to cfn-guard as soon as the stage is synthesized, cut to what the rules read
 * (lib/views/guard-scan.ts), in a process of their own, so the scans of the stages run beside the rest of the synth
 * on the second core; the plugin, registered on the App, waits for them when aws-cdk-lib runs the checks.
 *
 * Use (bin/app.ts): `new CfnGuardScan()`; `submit()` each stage's assembly after `stage.synth()`;
 * `Validations.of(app).addPlugins(scan.plugin)` before `app.synth()`; `close()` after it.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import type { IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import {
  findingsOfSarif,
  guardRule,
  guardViolations,
  resourceOnLine,
  rulesFor,
  scanInput,
  templateTypes,
  type GuardControlText,
  type GuardRule,
  type GuardViolation,
} from '../../lib/views/guard-scan';

/** The package that bundles the binary and Control Tower's rules. */
const PACKAGE_ROOT = dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json'));
/** Control Tower's rule files, and their metadata files at the same relative paths. */
export const RULES_DIR = join(PACKAGE_ROOT, 'rules', 'control-tower', 'cfn-guard');
export const METADATA_DIR = join(PACKAGE_ROOT, 'rules', 'control-tower', 'metadata');
/** The version of the bundled cfn-guard, as the package records it. */
const GUARD_VERSION = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'guard-version.json'), 'utf8')) as { version: string }).version;
/** cfn-guard's exit codes: every rule passed, or some rule failed (its findings are in the output). */
const GUARD_PASSED = 0;
const GUARD_FOUND = 19;
/** A scan that has not ended by then has hung: the largest prod stage takes seconds. */
const SCAN_TIMEOUT_MS = 10 * 60_000;

/** The cfn-guard runs over one stage's templates, one template after the other, started in the background. */
interface Scan {
  readonly dir: string;
  readonly files: readonly ScannedFile[];
  readonly began: number;
}

/** One template as cfn-guard reads it, with the rules that apply to it. */
interface ScannedFile {
  /** The scan's files of this template without their extension: the data cfn-guard reads (`<n>.json`), its output, errors and exit status (`<n>.sarif`, `<n>.stderr`, `<n>.rc`). */
  readonly base: string;
  /** The template it was cut from. */
  readonly template: string;
  /** The text of the data file. */
  readonly input: string;
  readonly rules: readonly GuardRule[];
}

/** Time the scans took: the processes' wall time summed, and the time the main thread waited for them. */
export interface CfnGuardTimings {
  readonly scans: number;
  readonly templates: number;
  readonly rules: number;
  readonly scanMs: number;
  readonly waitedMs: number;
}

export class CfnGuardScan {
  static readonly PLUGIN_NAME = 'CfnGuard';

  readonly plugin: IPolicyValidationPlugin;
  private readonly binary: string;
  private readonly rules: readonly GuardRule[];
  private readonly work: string;
  private readonly scans: Scan[] = [];
  /** Template path -> the scan it is in. */
  private readonly scanOf = new Map<string, Scan>();
  private readonly ended = new Set<Scan>();
  private readonly stats = { scanMs: 0, waitedMs: 0 };

  constructor() {
    this.binary = guardBinary();
    this.rules = listRules(RULES_DIR).map((file) => guardRule(file, readFileSync(join(RULES_DIR, file), 'utf8')));
    this.work = mkdtempSync(join(tmpdir(), 'gigascale-cfn-guard-'));
    this.plugin = {
      name: CfnGuardScan.PLUGIN_NAME,
      version: GUARD_VERSION,
      ruleIds: this.rules.map((r) => r.control),
      validate: (context) => this.validate(context),
    };
  }

  /** Starts scanning every stack template of a synthesized stage. */
  submit(assembly: CloudAssembly): void {
    this.start(assembly.stacksRecursively.map((s) => s.templateFullPath));
  }

  get timings(): CfnGuardTimings {
    return { scans: this.scans.length, templates: this.scanOf.size, rules: this.rules.length, ...this.stats };
  }

  /** Removes the scans' files; a scan still running is left to end on its own. */
  close(): void {
    rmSync(this.work, { recursive: true, force: true });
  }

  private start(templatePaths: readonly string[]): void {
    const fresh = templatePaths.filter((p) => !this.scanOf.has(p));
    if (fresh.length === 0) return;
    const dir = join(this.work, String(this.scans.length));
    mkdirSync(dir);
    // Each template with only the rules of its own resource types: cfn-guard's time grows with rules x template size.
    const files = fresh.flatMap((template, i): ScannedFile[] => {
      const parsed = JSON.parse(readFileSync(template, 'utf8')) as unknown;
      const rules = rulesFor(this.rules, new Set(templateTypes(parsed)));
      if (rules.length === 0) return [];
      const base = join(dir, String(i));
      const input = scanInput(parsed, new Set(rules.flatMap((r) => r.types)));
      writeFileSync(`${base}.json`, input);
      return [{ base, template, input, rules }];
    });
    const scan: Scan = { dir, files, began: performance.now() };
    this.scans.push(scan);
    for (const p of fresh) this.scanOf.set(p, scan);
    const script = files.map((f) => {
      const args = ['validate', ...f.rules.flatMap((r) => ['--rules', join(RULES_DIR, r.file)]), '--data', `${f.base}.json`, '--output-format', 'sarif', '--show-summary', 'none', '--structured'];
      return `${[this.binary, ...args].map(shellQuote).join(' ')} > ${shellQuote(`${f.base}.sarif`)} 2> ${shellQuote(`${f.base}.stderr`)}; echo $? > ${shellQuote(`${f.base}.rc`)}`;
    });
    // The end is a file the main thread can poll while it is busy synthesizing: it does not run the event loop that
    // would reap the process.
    script.push('touch done');
    const child = spawn('/bin/sh', ['-c', script.join('\n')], { cwd: dir, stdio: 'ignore' });
    child.unref();
  }

  private validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    this.start(context.templatePaths);
    const began = performance.now();
    const scans = [...new Set(context.templatePaths.map((p) => this.scanOf.get(p)!))];
    const violations = scans.flatMap((scan) => {
      this.await(scan);
      return scan.files.flatMap((f) => {
        const rc = Number(readFileSync(`${f.base}.rc`, 'utf8').trim());
        if (rc === GUARD_PASSED) return [];
        if (rc !== GUARD_FOUND) {
          const stderr = readFileSync(`${f.base}.stderr`, 'utf8').trim();
          throw new Error(`cfn-guard exited with ${rc} scanning ${relative(process.cwd(), f.template)}: ${stderr || 'no message'}`);
        }
        const sarif = JSON.parse(readFileSync(`${f.base}.sarif`, 'utf8')) as unknown;
        const findings = findingsOfSarif(sarif, (_uri, line) => resourceOnLine(f.input, line));
        return guardViolations(findings, f.rules, controlText, () => f.template);
      });
    });
    this.stats.waitedMs += performance.now() - began;
    return { success: violations.length === 0, violations: mergeByRule(violations).map((v) => ({ ...v, severity: 'error' })) };
  }

  /** Waits until every run of a scan has ended. */
  private await(scan: Scan): void {
    const done = join(scan.dir, 'done');
    const sleeper = new Int32Array(new SharedArrayBuffer(4));
    while (!existsSync(done)) {
      if (performance.now() - scan.began > SCAN_TIMEOUT_MS) throw new Error(`cfn-guard did not end within ${SCAN_TIMEOUT_MS / 60_000} minutes (${scan.dir})`);
      Atomics.wait(sleeper, 0, 0, 10);
    }
    if (!this.ended.has(scan)) {
      this.ended.add(scan);
      this.stats.scanMs += performance.now() - scan.began;
    }
  }
}

/** One violation per control across templates, as aws-cdk-lib reports a plugin's findings. */
function mergeByRule(violations: readonly GuardViolation[]): GuardViolation[] {
  const byRule = new Map<string, GuardViolation>();
  for (const v of violations) {
    const seen = byRule.get(v.ruleName);
    byRule.set(v.ruleName, seen ? { ...seen, violatingResources: [...seen.violatingResources, ...v.violatingResources] } : v);
  }
  return [...byRule.values()].sort((a, b) => a.ruleName.localeCompare(b.ruleName));
}

/** A word for /bin/sh, quoted. */
function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The bundled binary for this machine: cfn-guard ships Linux (`ubuntu`) and macOS builds for x86_64 and arm64. */
function guardBinary(): string {
  const os = platform() === 'linux' ? 'ubuntu' : platform() === 'darwin' ? 'macos' : undefined;
  const cpu = arch() === 'x64' ? 'x86_64' : arch() === 'arm64' ? 'aarch64' : undefined;
  if (!os || !cpu) throw new Error(`cfn-guard is bundled for Linux and macOS on x64 and arm64, not ${platform()} ${arch()}`);
  return join(PACKAGE_ROOT, 'bin', os, cpu, 'cfn-guard');
}

/** Every rule file under the rules folder, relative to it, sorted. */
export function listRules(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listRules(dir, join(prefix, e.name)) : e.name.endsWith('.guard') ? [join(prefix, e.name)] : []))
    .sort();
}

/** A control's title and fix, from Control Tower's metadata file beside the rule. */
function controlText(rule: GuardRule): GuardControlText {
  const file = join(METADATA_DIR, rule.file.replace(/\.guard$/, '.metadata.json'));
  const meta = JSON.parse(readFileSync(file, 'utf8')) as { DisplayName?: string; RemediationMessage?: string };
  return { title: meta.DisplayName ?? rule.ruleId, fix: meta.RemediationMessage ?? 'See the control in the AWS Control Tower Controls Reference Guide.' };
}
