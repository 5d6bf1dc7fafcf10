/**
 * The worker thread of background-validation.ts: aws-cdk-lib's own CloudFormationValidatePlugin, one template per
 * request, so every finding is that plugin's code. Plain JavaScript: it starts without a TypeScript loader (faster,
 * and the same under tsx, `node --import tsx` and vitest). Messages are described in background-validation.ts
 * (`ToWorker`, `FromWorker`); the supervisor thread relays them and reports this thread's death.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parentPort } from 'node:worker_threads';

/** The WebAssembly instances created while the plugin loads its module: the engine's, caught for reserveMemory(). */
const instances = [];
const NativeInstance = WebAssembly.Instance;
WebAssembly.Instance = new Proxy(NativeInstance, {
  construct(target, args, newTarget) {
    const instance = Reflect.construct(target, args, newTarget);
    instances.push(instance);
    return instance;
  },
});

// aws-cdk-lib through require, not import: importing its CommonJS index as ESM leaves this thread a heap of ~20 MB
// instead of ~8, which every one of the GCs of the engine's first build (below) goes through.
const { CloudFormationValidatePlugin } = createRequire(import.meta.url)('aws-cdk-lib');

const plugin = new CloudFormationValidatePlugin();
// The version loads the engine's WASM module. A worker's performance.now() counts from the thread's start.
const version = plugin.version;
WebAssembly.Instance = NativeInstance;
parentPort.postMessage({ kind: 'version', version, ms: performance.now() });

/**
 * WASM memory the first engine needs, in all: @aws/cloudformation-validate 1.14.0 grows its memory from 33 MB to
 * 159 MB while it builds one (2,543 pages of 64 KiB), and its allocator leaves it fragmented; a little more than that
 * suffices for the first build without any growth.
 */
const ENGINE_MEMORY_BYTES = 176 * 1024 * 1024;

/**
 * Gives the engine's WASM memory its final size in one step, before the first engine is built. The module's
 * allocator grows the memory a few pages at a time, and V8 counts every growth as new external memory and starts a
 * full GC for it: about 300 GCs, 2 s of this thread and 3.5 s of CPU for the first engine. Allocated and freed once
 * through the module's own allocator (wasm-bindgen's `__wbindgen_malloc` and `__wbindgen_free`), the memory is the
 * allocator's to reuse, and the first engine builds in about 0.8 s. Returns the bytes reserved: 0 if the module was
 * not caught as one instance with that allocator (the engine then builds as before, only slower).
 */
function reserveMemory() {
  const exports = instances.length === 1 ? instances[0].exports : undefined;
  if (!(exports?.memory instanceof WebAssembly.Memory) || typeof exports.__wbindgen_malloc !== 'function' || typeof exports.__wbindgen_free !== 'function') return 0;
  const bytes = ENGINE_MEMORY_BYTES - exports.memory.buffer.byteLength;
  if (bytes <= 0) return 0;
  exports.__wbindgen_free(exports.__wbindgen_malloc(bytes, 8), bytes, 8);
  return bytes;
}

/** Resource types the engine was last initialized with, and every type seen since: it only grows. */
let engineTypes = new Set();

/**
 * (Re)initializes the plugin's engine for `types`. `initializeEngine` is private in aws-cdk-lib's TypeScript but
 * plain JavaScript: the plugin calls it from validate() with the types of the templates of that call, and builds a
 * new engine whenever they are not a subset of the last engine's; given the union of every type up front, no
 * template triggers a rebuild (test/background-validation.test.ts guards that this method still does so). The set
 * is copied: the plugin keeps the object it is given, and a later addition to it would skip the rebuild it needs.
 */
function initializeEngine(types, reason) {
  const start = performance.now();
  plugin.initializeEngine(new Set(types));
  parentPort.postMessage({ kind: 'engine', reason, types: types.size, ms: performance.now() - start });
}

// The first engine costs more than the next (~0.8 s against ~0.2 s, with the memory reserved), which reuse its
// memory. So the first is built now, while the main thread still builds the constructs that give the engine its types.
const reserving = performance.now();
parentPort.postMessage({ kind: 'memory', reservedBytes: reserveMemory(), ms: performance.now() - reserving });
initializeEngine(engineTypes, 'warm-up');

/** The resource types of a template, as aws-cdk-lib's plugin reads them (`Resources.*.Type`, unparsable text: none). */
function resourceTypes(text) {
  try {
    const resources = JSON.parse(text)?.Resources ?? {};
    return new Set(Object.values(resources).flatMap((r) => (r && typeof r === 'object' && typeof r.Type === 'string' ? [r.Type] : [])));
  } catch {
    return new Set();
  }
}

function sha256(text) {
  return createHash('sha256').update(text).digest('hex');
}

function validate({ id, stackTemplate }) {
  let start = performance.now();
  const text = readFileSync(stackTemplate.templatePath, 'utf8');
  const types = resourceTypes(text);
  if ([...types].some((t) => !engineTypes.has(t))) {
    // A type the construct tree did not announce: initialize for every type seen so far, as aws-cdk-lib would for
    // one call over all of them (initializing for this template's types alone would rebuild again on the next).
    engineTypes = new Set([...engineTypes, ...types]);
    const initializing = performance.now();
    initializeEngine(engineTypes, stackTemplate.templatePath);
    start += performance.now() - initializing; // counted as the engine's time, not the template's
  }
  const report = plugin.validate({ templatePaths: [stackTemplate.templatePath], stackTemplates: [stackTemplate] });
  // The plugin reads the file itself: a hash only when it read what was hashed, else the main thread asks again.
  const hash = readFileSync(stackTemplate.templatePath, 'utf8') === text ? sha256(text) : null;
  parentPort.postMessage({ kind: 'validated', id, sha256: hash, report, ms: performance.now() - start });
}

parentPort.on('message', (message) => {
  switch (message.kind) {
    case 'resource-types':
      if (message.types.some((t) => !engineTypes.has(t))) {
        engineTypes = new Set([...engineTypes, ...message.types]);
        initializeEngine(engineTypes, 'resource types of the construct tree');
      }
      break;
    case 'validate':
      validate(message);
      break;
    default:
      throw new Error(`unknown message ${JSON.stringify(message)}`);
  }
});
