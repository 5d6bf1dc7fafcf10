/**
 * The deploy-time backstop: CloudFormation change sets checked before they are executed, offline, against the synth
 * output they were created from. A replacement or removal of a stateful resource is refused unless the config
 * allows it (review.allowDestructive), as `npm run -s review` refuses it on the template diff.
 *   npm run -s review:changeset -- [--assembly DIR] [--json] <describe-change-set JSON files...>
 * Exit 0 nothing refused, 1 a destructive change refused, 2 bad input (review/changeset-main.ts).
 */
import { runChangesetReview } from '../review/changeset-main';

process.exitCode = runChangesetReview(process.argv.slice(2), process.cwd());
