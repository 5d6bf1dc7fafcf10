/**
 * The import rules of .dependency-cruiser.cjs (`npm run -s lint:deps`, part of `npm test`): each rule is shown to
 * fire on a small tree that breaks it, so a rule that silently matches nothing fails here.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/synth';

interface Violation {
  readonly from: string;
  readonly to: string;
  readonly rule: { readonly name: string };
}

/** Cruises a tree of `files` (path -> source) with the project's rules; returns the violations, sorted. */
function violations(files: Record<string, string>): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'gigascale-layers-'));
  const all = { 'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', types: ['node'] } }), ...files };
  for (const [file, text] of Object.entries(all)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  // The fixture's imports of node_modules resolve from the project's.
  const r = spawnSync(join(ROOT, 'node_modules', '.bin', 'depcruise'), ['lib', '--config', join(ROOT, '.dependency-cruiser.cjs'), '--output-type', 'json'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules') },
  });
  expect(r.stderr).toBe('');
  const report = JSON.parse(r.stdout) as { summary: { violations: Violation[] } };
  return report.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort();
}

describe('the import rules', () => {
  it('accept a tree whose layers import only downward', () => {
    expect(
      violations({
        'lib/util/errors.ts': 'export const E = 1;\n',
        'lib/facts/regions.ts': "import { E } from '../util/errors';\nexport const R = E;\n",
        'lib/plan/resolve.ts': "import { R } from '../facts/regions';\nexport const P = R;\n",
        'lib/views/cost.ts': "import { P } from '../plan/resolve';\nimport { R } from '../facts/regions';\nexport const C = P + R;\n",
        'lib/plan/load.ts': "import { readFileSync } from 'node:fs';\nexport const L = readFileSync;\n",
      }),
    ).toEqual([]);
  });

  it('refuse an import cycle, an upward import, an import of a program, and I/O in lib/', () => {
    expect(
      violations({
        'lib/facts/phases.ts': "import type { Sizes } from '../plan/planner';\nexport type Phase = Sizes;\n",
        'lib/plan/planner.ts': "import type { Phase } from '../facts/phases';\nexport type Sizes = Phase | number;\n",
        'lib/util/table.ts': "import { V } from '../views/report';\nexport const T = V;\n",
        'lib/views/report.ts': "import { readFileSync } from 'node:fs';\nexport const V = readFileSync;\n",
        'lib/views/target.ts': "import { M } from '../../probe/main';\nexport const X = M;\n",
        'probe/main.ts': 'export const M = 1;\n',
      }),
    ).toEqual([
      'lib-does-no-io: lib/views/report.ts -> fs',
      'lib-facts-imports-only-below: lib/facts/phases.ts -> lib/plan/planner.ts',
      'lib-imports-no-program: lib/views/target.ts -> probe/main.ts',
      'lib-util-imports-only-below: lib/util/table.ts -> lib/views/report.ts',
      'no-circular: lib/facts/phases.ts -> lib/plan/planner.ts',
    ]);
  });
});
