/**
 * Runs a generated Lambda function's source (plain CommonJS) the way the Node.js runtime would, with the AWS SDK
 * clients it requires replaced by fakes and its environment given: what the tests of the rotation and sync functions
 * call their handlers through.
 */
import * as crypto from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';

/** An SDK command as the fakes see it: its class name and its input. */
export class FakeCommand {
  constructor(readonly input: Record<string, unknown>) {}
}

/**
 * A stand-in for one `@aws-sdk/client-*` module: its client class (any name in `clients`), whose `send` is `send`,
 * and each command class in `commands`, named as the SDK names it.
 */
export function fakeSdk(clients: readonly string[], commands: readonly string[], send: (command: FakeCommand) => Promise<unknown>): Record<string, unknown> {
  const sdk: Record<string, unknown> = {};
  for (const name of clients) sdk[name] = class { send = (c: FakeCommand) => send(c); };
  for (const name of commands) sdk[name] = { [name]: class extends FakeCommand {} }[name];
  return sdk;
}

/** The source's exports, after running it with `modules` for its requires (Node's own modules included) and `env` as process.env. */
export function loadScript<T>(source: string, modules: Readonly<Record<string, unknown>>, env: Readonly<Record<string, string>> = {}): T {
  const builtins: Record<string, unknown> = { 'node:crypto': crypto, 'node:http': http, 'node:https': https };
  const module = { exports: {} as Record<string, unknown> };
  const require = (id: string) => {
    const found = modules[id] ?? builtins[id];
    if (found === undefined) throw new Error(`the script requires ${id}, which the test does not provide`);
    return found;
  };
  new Function('require', 'module', 'exports', 'process', source)(require, module, module.exports, { env: { ...env } });
  return module.exports as T;
}
