#!/usr/bin/env bash
# The deploy-time backstop: prepares CloudFormation change sets for the stacks a pattern selects, without executing
# them, fetches every page of each, and checks them with npm run -s review:changeset. A template diff can miss a
# replacement (aws-cdk#31426); the change set is what CloudFormation will do.
#
#   review/change-sets.sh <stack pattern, e.g. 'prod-us-east-1/*'> [change-set-name]
#
# Runs from the project root, in this order:
#   1. $CDK synth --quiet --output $ASSEMBLY                 only when $ASSEMBLY has no manifest.json
#   2. $CDK ls --app $ASSEMBLY --long --json <pattern>       offline: the stacks deploy will select (with the stacks
#                                                            they depend on, as deploy adds them) and their regions
#   3. $CDK deploy --app $ASSEMBLY --method=prepare-change-set --change-set-name <name> --require-approval never <pattern>
#                                                            creates (or recreates) the change sets, executes nothing;
#                                                            it publishes the assets the templates reference
#   4. per stack: $AWS cloudformation describe-change-set --region <region> --stack-name <stack>
#        --change-set-name <name> --output json --no-paginate [--next-token <token>]
#                                                            each page to $CHANGE_SETS_DIR/<stack>.page-<n>.json,
#                                                            following NextToken (DescribeChangeSet pages its Changes)
#   5. exec $NPM run -s review:changeset -- --assembly $ASSEMBLY <every page>
# Exit: review:changeset's code (0 nothing refused, 1 a destructive change refused: do not execute the change sets,
# 2 bad input); 2 for bad usage here; a failing cdk or aws command's own code.
#
# Environment, each overridable (tests put stubs here):
#   CDK              the CDK CLI command (default: npx cdk)
#   AWS              the AWS CLI command (default: aws)
#   NPM              npm (default: npm)
#   ASSEMBLY         the synthesized cloud assembly, relative to the project root (default: cdk.out)
#   CHANGE_SETS_DIR  where the pages are written (default: .tmp/change-sets/<change-set-name>)
set -euo pipefail

usage() {
  echo "usage: review/change-sets.sh <stack pattern, e.g. 'prod-us-east-1/*'> [change-set-name]" >&2
  echo "environment: CDK (npx cdk), AWS (aws), NPM (npm), ASSEMBLY (cdk.out), CHANGE_SETS_DIR (.tmp/change-sets/<name>)" >&2
}
fail() {
  echo "change-sets: $1" >&2
  exit 2
}

if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
  usage
  exit 0
fi
if [[ $# -lt 1 || $# -gt 2 || -z "$1" ]]; then
  usage
  exit 2
fi
pattern="$1"
change_set="${2:-gigascale-review}"
# CloudFormation's ChangeSetName: a letter, then letters, digits and hyphens, at most 128 characters (API Reference,
# CreateChangeSet).
if [[ ! "$change_set" =~ ^[A-Za-z][-A-Za-z0-9]{0,127}$ ]]; then
  fail "change set name $(printf '%q' "$change_set") must start with a letter and hold only letters, digits and hyphens (at most 128)"
fi

cd "$(dirname "$0")/.."
read -r -a cdk <<<"${CDK:-npx cdk}"
read -r -a aws <<<"${AWS:-aws}"
read -r -a npm <<<"${NPM:-npm}"
# The CDK CLI reads CDK_* variables as options (yargs .env('CDK') in aws-cdk's parse-command-line-arguments) and
# warns about a bare CDK as an unknown option "--": the commands run without these.
unset CDK AWS NPM
assembly="${ASSEMBLY:-cdk.out}"
out="${CHANGE_SETS_DIR:-.tmp/change-sets/$change_set}"

if [[ ! -f "$assembly/manifest.json" ]]; then
  echo "change-sets: $assembly has no manifest.json; synthesizing it" >&2
  "${cdk[@]}" synth --quiet --output "$assembly"
fi

# `<stack name><TAB><region>` per stack; the region is empty for an environment-agnostic stack, whose change set is
# where the AWS CLI's default region puts it, as it is for cdk deploy.
listing="$("${cdk[@]}" ls --app "$assembly" --long --json "$pattern")"
stacks="$(node -e '
  const list = JSON.parse(require("fs").readFileSync(0, "utf8"));
  for (const s of list) {
    const region = s.environment && s.environment.region && !s.environment.region.startsWith("unknown-") ? s.environment.region : "";
    console.log(`${s.name}\t${region}`);
  }
' <<<"$listing")"
if [[ -z "$stacks" ]]; then
  fail "pattern $(printf '%q' "$pattern") selects no stack of $assembly; check it with: npx cdk ls --app $assembly (synthesize the environment first, e.g. npx cdk synth -c env=prod)"
fi

"${cdk[@]}" deploy --app "$assembly" --method=prepare-change-set --change-set-name "$change_set" --require-approval never "$pattern"

mkdir -p "$out"
files=()
while IFS=$'\t' read -r stack region; do
  page=1
  token=""
  while :; do
    file="$out/$stack.page-$page.json"
    args=(cloudformation describe-change-set)
    if [[ -n "$region" ]]; then args+=(--region "$region"); fi
    # --no-paginate: one page per call and per file (by default the AWS CLI follows NextToken and merges the pages);
    # --next-token turns it off too (awscli's check_should_enable_pagination), so every call asks for exactly one page.
    args+=(--stack-name "$stack" --change-set-name "$change_set" --output json --no-paginate)
    if [[ -n "$token" ]]; then args+=(--next-token "$token"); fi
    "${aws[@]}" "${args[@]}" >"$file"
    files+=("$file")
    # A page that is not JSON ends the loop here; review:changeset then names the file and what is wrong with it.
    next="$(node -e '
      try {
        const page = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
        if (typeof page.NextToken === "string") process.stdout.write(page.NextToken);
      } catch {}
    ' "$file")"
    if [[ -z "$next" ]]; then break; fi
    if [[ "$next" == "$token" ]]; then fail "describe-change-set returned the same NextToken twice for $stack; stopping"; fi
    token="$next"
    page=$((page + 1))
  done
done <<<"$stacks"

echo "change-sets: ${#files[@]} page(s) in $out; checking them" >&2
exec "${npm[@]}" run -s review:changeset -- --assembly "$assembly" "${files[@]}"
