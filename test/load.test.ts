import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigModule } from '../lib/plan';

const dir = mkdtempSync(join(tmpdir(), 'gigascale-load-'));

describe('loadConfigModule', () => {
  it('loads the default export of a TypeScript module', async () => {
    const file = join(dir, 'ok.config.ts');
    writeFileSync(file, "export default { environments: { x: { phase: 3 as const } } };\n");
    await expect(loadConfigModule(file)).resolves.toEqual({ environments: { x: { phase: 3 } } });
  });

  it('names the path it could not find', async () => {
    await expect(loadConfigModule('missing.config.ts', dir)).rejects.toThrow(`-c config: no file at ${join(dir, 'missing.config.ts')}`);
  });

  it('explains a module without a default export', async () => {
    const file = join(dir, 'named.config.ts');
    writeFileSync(file, 'export const config = {};\n');
    await expect(loadConfigModule(file)).rejects.toThrow('has no default export; end it with `export default defineConfig({ ... })`');
  });

  it('reports a module that fails to load', async () => {
    const file = join(dir, 'broken.config.ts');
    writeFileSync(file, "throw new Error('boom');\nexport default {};\n");
    await expect(loadConfigModule(file)).rejects.toThrow('the module failed to load: boom');
  });
});
