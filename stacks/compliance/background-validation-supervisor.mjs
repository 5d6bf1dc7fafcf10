/**
 * The thread background-validation.ts starts: it starts the validation worker (background-validation-worker.mjs, or
 * `workerData.workerFile`) and relays messages both ways, waking the main thread after each one it passes on.
 *
 * Why a thread in between: the main thread waits for the worker's answers inside a synchronous validation plugin
 * (Atomics.wait), so it cannot receive the Worker's 'error' or 'exit' events, which arrive on its event loop. This
 * thread's event loop stays free and turns them into a message the main thread does read: a worker that throws, runs
 * out of memory or exits fails the synth with what happened, instead of leaving it waiting.
 */
import { Worker, workerData } from 'node:worker_threads';

/** @type {{ port: import('node:worker_threads').MessagePort, signal: Int32Array, workerFile: string }} */
const { port, signal, workerFile } = workerData;

function tell(message) {
  port.postMessage(message);
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
}

tell({ kind: 'supervising' });
// No execArgv: the worker is plain JavaScript and needs no TypeScript loader, which would only slow its start.
const worker = new Worker(workerFile, { execArgv: [] });
let failed = false;
function fail(message) {
  if (failed) return;
  failed = true;
  tell({ kind: 'failed', message });
}
worker.on('message', tell);
worker.on('error', (e) => fail(`its worker thread threw ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`));
worker.on('messageerror', (e) => fail(`a message of its worker thread could not be read: ${e.message}`));
// The worker listens for requests until it is terminated with this thread: ending on its own is a failure too.
worker.on('exit', (code) => fail(`its worker thread exited with code ${code} before the synth was done with it`));
port.on('message', (message) => worker.postMessage(message));
