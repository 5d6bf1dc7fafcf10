/**
 * The one error type of gigascale. Every failure a user can fix (a config value, a `-c` flag, a prop) is an
 * issue with a location and a message; all issues found in one pass travel together, so a user sees every
 * problem at once instead of fixing them one synth at a time.
 */
export interface Issue {
  /** Where the problem is: a config path (`environments.prod.regions[2].cidr`), a flag (`-c shards`) or a construct path. */
  readonly at: string;
  /** What is wrong and what is allowed. */
  readonly message: string;
}

/** Exit codes shared by every entry point (STYLE.md: 0 ok, 1 check failed, 2 bad input). */
export const EXIT_OK = 0;
export const EXIT_CHECK_FAILED = 1;
export const EXIT_BAD_INPUT = 2;

export class GigascaleError extends Error {
  readonly issues: readonly Issue[];
  readonly exitCode: number;

  constructor(title: string, issues: readonly Issue[], exitCode: number = EXIT_BAD_INPUT) {
    super(formatIssues(title, issues));
    this.name = 'GigascaleError';
    this.issues = issues;
    this.exitCode = exitCode;
  }
}

export function formatIssues(title: string, issues: readonly Issue[]): string {
  const lines = issues.map((i) => `  - ${i.at}: ${i.message}`);
  return [`${title} (${issues.length} problem${issues.length === 1 ? '' : 's'}):`, ...lines].join('\n');
}
