/**
 * The static checks of `npm test`: the type check, eslint and the import rules of .dependency-cruiser.cjs, run by the
 * global setup (test/support/static-checks.ts) while the tests run. A failing check fails here with its output.
 */
import { describe, expect, it } from 'vitest';
import { staticCheck } from './support/static-checks';

describe('static checks', () => {
  it('npm run -s typecheck: tsc --noEmit finds no type error', async () => {
    const r = await staticCheck('typecheck');
    expect({ code: r.code, output: r.stdout + r.stderr }).toEqual({ code: 0, output: '' });
  });

  it('npm run -s lint: eslint reports no problem', async () => {
    const r = await staticCheck('lint');
    expect({ code: r.code, output: r.stdout + r.stderr }).toEqual({ code: 0, output: '' });
  });

  it('npm run -s lint:deps: dependency-cruiser finds no import that breaks a rule', async () => {
    const r = await staticCheck('lint:deps');
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/^\n?✔ no dependency violations found \(\d+ modules, \d+ dependencies cruised\)\n+$/);
  });
});
