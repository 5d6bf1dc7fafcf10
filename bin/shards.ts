/**
 * `npm run -s shards -- <command>`: the shard of a user id, and what a reshard moves. Everything is in
 * lib/views/shards-cli.ts; this entry point only wires it to the process. `process.exitCode`, not `process.exit`,
 * so piped stdout is flushed before the process ends.
 */
import { run } from '../lib/views/shards-cli';

process.exitCode = run(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
