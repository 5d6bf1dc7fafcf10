/**
 * How gigascale's CLIs end: with the exit code main() returns (when it returns one), or, when it throws a
 * GigascaleError (bad input, a failed check), with its message on stderr and its exit code; anything else is a bug and
 * is thrown as it is, with its stack.
 */
import { GigascaleError } from '../lib/util/errors';

export function runCli(main: () => Promise<number | void>): void {
  main().then(
    (code) => {
      if (typeof code === 'number') process.exit(code);
    },
    (e: unknown) => {
      if (e instanceof GigascaleError) {
        console.error(`gigascale: ${e.message}`);
        process.exit(e.exitCode);
      }
      throw e;
    },
  );
}
