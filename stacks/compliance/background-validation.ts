import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import {
  CfnResource,
  CloudFormationValidatePlugin,
  Stage,
  Validations,
  type IPolicyValidationContext,
  type IPolicyValidationPlugin,
  type PolicyValidationPluginReport,
  type PolicyValidationStack,
  type PolicyViolation,
} from 'aws-cdk-lib';
import { UNKNOWN_ACCOUNT, UNKNOWN_REGION, type CloudAssembly } from 'aws-cdk-lib/cx-api';
import type { IConstruct } from 'constructs';

/**
 * aws-cdk-lib's CloudFormation validation (its built-in `CloudFormationValidatePlugin`, which `cdk synth` otherwise
 * runs over every template after cdk-nag) in a worker thread, so it overlaps the rest of the synth on the second
 * core: the engine initializes while the app builds its constructs, and each stage's templates are validated as soon
 * as the stage is synthesized, while the main thread synthesizes the next stages and runs cdk-nag. What it reports
 * is the built-in plugin's own report: the worker runs that plugin, one template per call, and `plugin` merges
 * the per-template reports as the plugin does within one call.
 *
 * Use (bin/app.ts): `start()` before the stacks load (the worker builds its first engine meanwhile); create the App
 * with `builtinCloudFormationValidation: false`; `expectResourceTypes(app)` once the stages exist; `submit()` each
 * stage's assembly after `stage.synth()`; `registerOn(app)` after every stage is synthesized and before
 * `app.synth()`; `close()` after it.
 */
export class BackgroundCloudFormationValidation {
  /**
   * Starts the worker, unless `CDK_VALIDATION=false` turns aws-cdk-lib's CloudFormation validation off (it then
   * skips its built-in plugin, and every method here does nothing).
   */
  static start(options: { readonly workerFile?: string } = {}): BackgroundCloudFormationValidation {
    return new BackgroundCloudFormationValidation(process.env.CDK_VALIDATION !== 'false', options.workerFile ?? WORKER_FILE);
  }

  /**
   * Named and versioned as the built-in plugin, so the validation report and the acknowledgments
   * (`CloudFormation-Validate::<rule>`) are the same. A plain object: aws-cdk-lib refuses a `CloudFormationValidatePlugin`
   * on a Stage, and only one instance of it in an app.
   */
  readonly plugin: IPolicyValidationPlugin;

  private readonly supervisor?: Worker;
  private readonly port?: MessagePort;
  /** Counts the messages the supervisor thread has posted; it notifies on each, and the main thread waits on it. */
  private readonly signal = new Int32Array(new SharedArrayBuffer(4));
  private nextId = 0;
  /** The latest request for each stack template (by `keyOf`), and its answer once the worker gave it. */
  private readonly requests = new Map<string, Request>();
  /** Every request by id, the superseded ones too (their answers are dropped). */
  private readonly byId = new Map<number, Request>();
  private version?: string;
  private failure?: string;
  /** Whether the supervisor thread has said it runs: until then, a wait is bounded (it may have failed to load). */
  private supervising = false;
  private readonly stats = { waitedMs: 0, loadMs: 0, reservedBytes: 0, engineMs: 0, engines: [] as EngineInitialization[], templatesMs: 0, templates: 0, atCheck: 0 };

  private constructor(readonly enabled: boolean, workerFile: string) {
    const version = (): string | undefined => this.pluginVersion();
    this.plugin = {
      name: CloudFormationValidatePlugin.PLUGIN_NAME,
      // Read by aws-cdk-lib after validate(), for the report's pluginVersion: the worker's plugin's version.
      get version(): string | undefined {
        return version();
      },
      validate: (context) => this.validate(context),
    };
    if (!enabled) return;
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.supervisor = new Worker(SUPERVISOR_FILE, {
      workerData: { port: port2, signal: this.signal, workerFile },
      transferList: [port2],
      // No TypeScript loader in the threads (plain JavaScript), and none of the parent's flags to inherit.
      execArgv: [],
    });
    // A synth that ends (or fails) before the checks must not wait for the worker to exit.
    this.supervisor.unref();
  }

  /**
   * Sends the worker every resource type under `scope` (plus AWS::CDK::Metadata, which aws-cdk-lib adds to each
   * template at synthesis), so it initializes its engine once for all templates: the built-in plugin initializes
   * for the union of the types of the templates it is given, and again whenever a template brings a type outside it.
   */
  expectResourceTypes(scope: IConstruct): void {
    if (!this.enabled) return;
    const types = new Set(['AWS::CDK::Metadata']);
    for (const c of scope.node.findAll()) if (CfnResource.isCfnResource(c)) types.add(c.cfnResourceType);
    this.post({ kind: 'resource-types', types: [...types].sort() });
  }

  /** Queues every stack template of a synthesized stage (or app) for validation. */
  submit(assembly: CloudAssembly): void {
    if (!this.enabled) return;
    for (const stack of assembly.stacksRecursively) {
      // As aws-cdk-lib describes a stack to validation plugins (synthesis-validation.ts, invokeSinglePlugin).
      this.submitTemplate({
        stackConstructPath: stack.hierarchicalId,
        templatePath: stack.templateFullPath,
        accountId: stack.environment.account !== UNKNOWN_ACCOUNT ? stack.environment.account : undefined,
        region: stack.environment.region !== UNKNOWN_REGION ? stack.environment.region : undefined,
      });
    }
  }

  /** Queues one stack template for validation; one submitted before is validated again, as it is now. */
  submitTemplate(stackTemplate: PolicyValidationStack): void {
    if (!this.enabled) return;
    const id = this.nextId++;
    const request: Request = {};
    this.requests.set(keyOf(stackTemplate), request);
    this.byId.set(id, request);
    this.post({ kind: 'validate', id, stackTemplate });
  }

  /**
   * Adds `plugin` to every stage under `app`, the app included. The same object on each: aws-cdk-lib gives one
   * plugin every stack of the stages it is registered on, in one call, placed where it first meets it (after the first
   * stage's own plugins), which is where its built-in plugin runs. Call it after every stage's `synth()`: aws-cdk-lib
   * writes the plugins registered on a stage into its templates' AWS::CDK::Metadata, where the built-in one is absent.
   */
  registerOn(app: IConstruct): void {
    if (!this.enabled) return;
    for (const c of app.node.findAll()) if (Stage.isStage(c)) Validations.of(c).addPlugins(this.plugin);
  }

  /** Stops the threads. */
  close(): void {
    void this.supervisor?.terminate();
  }

  /** What the worker told of a failure (it threw, exited, or answered something unreadable), if it did. */
  get failed(): string | undefined {
    return this.failure;
  }

  /** Milliseconds spent, for the synth's timing breakdown. */
  get timings(): BackgroundValidationTimings {
    const { waitedMs, loadMs, reservedBytes, engineMs, engines, templatesMs, templates, atCheck } = this.stats;
    return { waitedMs, workerMs: loadMs + engineMs + templatesMs, loadMs, reservedBytes, engineMs, engines: [...engines], templatesMs, templates, atCheck };
  }

  private validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    if (!this.enabled) throw new Error('CloudFormation validation is off (CDK_VALIDATION=false): there is no worker to ask');
    const began = performance.now();
    try {
      const answers = this.answersFor(context.stackTemplates);
      // As CloudFormationValidatePlugin.validate merges the diagnostics of its templates, in their order: a finding
      // with the rule, severity and description of an earlier one adds its resources to it.
      const violations: PolicyViolation[] = [];
      for (const report of answers) {
        for (const v of structuredClone(report.violations)) {
          const existing = violations.find((e) => e.ruleName === v.ruleName && e.severity === v.severity && e.description === v.description);
          if (existing) existing.violatingResources.push(...v.violatingResources);
          else violations.push(v);
        }
      }
      return { success: violations.every((v) => v.severity !== 'error' && v.severity !== 'fatal'), violations };
    } finally {
      this.stats.waitedMs += performance.now() - began;
    }
  }

  /**
   * The worker's report of each stack template, in order, for the templates as they are now: one not yet submitted is
   * submitted now, and one changed since the worker read it (another sha-256) is validated again.
   */
  private answersFor(stackTemplates: readonly PolicyValidationStack[]): PolicyValidationPluginReport[] {
    const hashes = stackTemplates.map((s) => sha256(readFileSync(s.templatePath, 'utf8')));
    for (let attempt = 0; ; attempt++) {
      stackTemplates.forEach((s, i) => {
        const answer = this.requests.get(keyOf(s))?.answer;
        if (!this.requests.has(keyOf(s)) || (answer && answer.sha256 !== hashes[i])) {
          this.stats.atCheck += 1;
          this.submitTemplate(s);
        }
      });
      while (stackTemplates.some((s) => !this.requests.get(keyOf(s))?.answer)) this.receive();
      const answers = stackTemplates.map((s) => this.requests.get(keyOf(s))!.answer!);
      if (answers.every((a, i) => a.sha256 === hashes[i])) return answers.map((a) => a.report);
      // The main thread waits here and nothing else writes the assembly: a second mismatch is not a race to retry.
      if (attempt > 0) {
        const changed = stackTemplates.filter((_, i) => answers[i].sha256 !== hashes[i]).map((s) => s.templatePath);
        throw new Error(`${changed.join(', ')} changed while the CloudFormation validation worker read it`);
      }
    }
  }

  private pluginVersion(): string | undefined {
    if (!this.enabled) return undefined;
    while (this.version === undefined && this.failure === undefined) this.receive();
    return this.version;
  }

  private post(message: ToWorker): void {
    this.port!.postMessage(message);
  }

  /** Blocks until the worker has said something more, and takes it all in; throws once it has failed. */
  private receive(): void {
    for (;;) {
      if (this.failure !== undefined) throw new Error(`CloudFormation validation in the background failed: ${this.failure}`);
      const seen = Atomics.load(this.signal, 0);
      let got = false;
      for (let m = receiveMessageOnPort(this.port!); m; m = receiveMessageOnPort(this.port!)) {
        this.take(m.message as FromWorker);
        got = true;
      }
      if (got) return;
      // The supervisor posts, then bumps the count and notifies: a message posted after `seen` was read ends the wait.
      if (Atomics.wait(this.signal, 0, seen, this.supervising ? undefined : SUPERVISOR_START_MS) === 'timed-out') {
        this.failure = `its supervisor thread (${SUPERVISOR_FILE}) did not start within ${SUPERVISOR_START_MS / 1000} s`;
      }
    }
  }

  private take(message: FromWorker): void {
    switch (message.kind) {
      case 'supervising':
        this.supervising = true;
        break;
      case 'version':
        this.version = message.version;
        this.stats.loadMs += message.ms;
        break;
      case 'memory':
        // Counted with the engines: the reservation is what their first build would otherwise spend growing memory.
        this.stats.reservedBytes = message.reservedBytes;
        this.stats.engineMs += message.ms;
        break;
      case 'engine':
        this.stats.engineMs += message.ms;
        this.stats.engines.push({ reason: message.reason, types: message.types, ms: message.ms });
        break;
      case 'validated': {
        this.stats.templatesMs += message.ms;
        this.stats.templates += 1;
        const request = this.byId.get(message.id);
        this.byId.delete(message.id);
        if (request) request.answer = { sha256: message.sha256, report: message.report };
        break;
      }
      case 'failed':
        this.failure ??= message.message;
        break;
    }
  }
}

/** The time the CloudFormation validation took, on the main thread and in its worker. */
export interface BackgroundValidationTimings {
  /** Milliseconds the main thread spent in the plugin: waiting for the worker, and merging its reports. */
  readonly waitedMs: number;
  /** Milliseconds the worker was busy: starting and loading aws-cdk-lib, initializing engines, validating templates. */
  readonly workerMs: number;
  readonly loadMs: number;
  /** Bytes of WASM memory reserved for the engine before its first build (0: not reserved, the build grows it). */
  readonly reservedBytes: number;
  readonly engineMs: number;
  /** Every engine initialization, in order: the warm-up, the construct tree's types, any type it missed. */
  readonly engines: readonly EngineInitialization[];
  readonly templatesMs: number;
  /** Templates validated (a template validated again counts again). */
  readonly templates: number;
  /** Templates submitted at check time, because they were not submitted before or changed since. */
  readonly atCheck: number;
}

export interface EngineInitialization {
  /** `warm-up`, `resource types of the construct tree`, or the template that brought a type outside them. */
  readonly reason: string;
  readonly types: number;
  readonly ms: number;
}

/** Messages to the worker (through the supervisor thread). */
type ToWorker =
  | { readonly kind: 'resource-types'; readonly types: readonly string[] }
  | { readonly kind: 'validate'; readonly id: number; readonly stackTemplate: PolicyValidationStack };

/** Messages from the worker and, for `supervising` and `failed`, from the supervisor thread. */
type FromWorker =
  | { readonly kind: 'supervising' }
  | { readonly kind: 'version'; readonly version: string; readonly ms: number }
  | { readonly kind: 'memory'; readonly reservedBytes: number; readonly ms: number }
  | { readonly kind: 'engine'; readonly reason: string; readonly types: number; readonly ms: number }
  | { readonly kind: 'validated'; readonly id: number; readonly sha256: string | null; readonly report: PolicyValidationPluginReport; readonly ms: number }
  | { readonly kind: 'failed'; readonly message: string };

interface Request {
  answer?: Validated;
}

interface Validated {
  /** Of the template the worker validated; null when the file changed while it read it. */
  readonly sha256: string | null;
  readonly report: PolicyValidationPluginReport;
}

const SUPERVISOR_FILE = join(__dirname, 'background-validation-supervisor.mjs');
const WORKER_FILE = join(__dirname, 'background-validation-worker.mjs');
/** The supervisor says it runs within milliseconds of its start; the first wait comes seconds after that. */
const SUPERVISOR_START_MS = 60_000;

/** A stack template's identity: its report depends on each field (paths and environment are in the findings). */
function keyOf(s: PolicyValidationStack): string {
  return JSON.stringify([s.stackConstructPath, s.templatePath, s.accountId, s.region]);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
