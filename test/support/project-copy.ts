/**
 * A copy of this project in another directory, as a second clone of it would be: the files git tracks (and the
 * untracked ones it does not ignore, so a working tree under edit copies as it is), with node_modules linked to
 * this one's rather than installed again.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PROJECT_ROOT } from '../../lib/plan/cdk-json';

export function copyProject(dest: string): string {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: PROJECT_ROOT, encoding: 'utf8' })
    .split('\0')
    .filter((f) => f.length > 0);
  for (const file of files) {
    // A file git tracks but the working tree deleted is left out, as a copy of the working tree would be.
    if (!existsSync(join(PROJECT_ROOT, file))) continue;
    mkdirSync(dirname(join(dest, file)), { recursive: true });
    cpSync(join(PROJECT_ROOT, file), join(dest, file));
  }
  symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(dest, 'node_modules'), 'dir');
  return dest;
}
