/** The git the review needs: refs to commits, trees, and a detached worktree per commit. */
import { execFileSync } from 'node:child_process';
import { EXIT_BAD_INPUT, GigascaleError } from '../lib/util/errors';

function git(cwd: string, args: readonly string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** The repository holding `dir` and where `dir` sits in it (`''` at the top, `infra/` in a monorepo). */
export function repositoryOf(dir: string): { readonly root: string; readonly prefix: string } {
  try {
    return { root: git(dir, ['rev-parse', '--show-toplevel']), prefix: git(dir, ['rev-parse', '--show-prefix']) };
  } catch {
    throw new GigascaleError('Not a git checkout', [{ at: dir, message: 'is not inside a git repository: the review compares git refs; run it in a clone' }], EXIT_BAD_INPUT);
  }
}

/** The commit a ref names, or a GigascaleError (exit 2) naming the flag. */
export function commitOf(root: string, ref: string, flag: string): string {
  try {
    return git(root, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
  } catch {
    throw new GigascaleError(
      'Unknown ref',
      [{ at: flag, message: `${JSON.stringify(ref)} names no commit in ${root}; give a branch, tag or commit (git fetch it first in a shallow clone)` }],
      EXIT_BAD_INPUT,
    );
  }
}

/** The tree a commit records: equal trees synthesize equal outputs, whatever the commit's message or parents. */
export const treeOf = (root: string, commit: string): string => git(root, ['rev-parse', `${commit}^{tree}`]);

/** Checks `commit` out, detached, at `dir` (which must not exist). */
export function addWorktree(root: string, dir: string, commit: string): void {
  git(root, ['worktree', 'add', '--detach', '--quiet', dir, commit]);
}

/** Removes a worktree `addWorktree` made, and git's record of it. */
export function removeWorktree(root: string, dir: string): void {
  try {
    git(root, ['worktree', 'remove', '--force', dir]);
  } catch {
    // Already gone (a failed add): forget it.
  }
  git(root, ['worktree', 'prune']);
}

/**
 * What differs between a fresh checkout and its commit (`git status --porcelain` lines): empty when the files are
 * exactly the commit's. The index is first read again from HEAD without stat data, so status compares every file's
 * content through git's filters: right after a checkout, a file a filter or an `eol` attribute rewrites has the
 * stat data git just recorded, and status would call it clean unless the checkout was quick enough to be racy.
 */
export function uncommitted(dir: string): string[] {
  git(dir, ['read-tree', 'HEAD']);
  // Not git(): its trim would eat the leading space of the first ` M file` line.
  const out = execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return out.split('\n').filter((l) => l !== '');
}

/** A file of a commit, as bytes; undefined when the commit has no such file. */
export function fileAt(root: string, commit: string, path: string): Buffer | undefined {
  try {
    return execFileSync('git', ['show', `${commit}:${path}`], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 256 * 1024 * 1024 });
  } catch {
    return undefined;
  }
}
