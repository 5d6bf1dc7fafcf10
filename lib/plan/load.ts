/** Loads a config module (`regions.config.ts` or the one `-c config=<path>` names). */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { GigascaleError } from '../util/errors';

export const DEFAULT_CONFIG_PATH = resolve(__dirname, '..', '..', 'regions.config.ts');

/** Imports the module and returns its default export, unvalidated. */
export async function loadConfigModule(path: string = DEFAULT_CONFIG_PATH, cwd: string = process.cwd()): Promise<unknown> {
  const file = isAbsolute(path) ? path : resolve(cwd, path);
  if (!existsSync(file)) {
    throw new GigascaleError('Cannot load config', [{ at: '-c config', message: `no file at ${file}` }]);
  }
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (e) {
    throw new GigascaleError('Cannot load config', [{ at: file, message: `the module failed to load: ${(e as Error).message}` }]);
  }
  // A CommonJS-compiled module exposes its default export one level down.
  const value = (mod.default as { default?: unknown } | undefined)?.default ?? mod.default;
  if (value === undefined) {
    throw new GigascaleError('Cannot load config', [
      { at: file, message: 'has no default export; end it with `export default defineConfig({ ... })`' },
    ]);
  }
  return value;
}
