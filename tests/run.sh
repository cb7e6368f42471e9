#!/usr/bin/env bash
# Runs every test of WWPS PolicyBot. Installs what the tests need first, so it works on a fresh machine:
# the node tools (tests/node, pinned by its lock file) used to check the sentiment port and to run axe-core in Chromium, the Microsoft 365
# Agents Playground (tests/playground, pinned) for the Teams-like conformance test, Chromium for the Web Chat
# end-to-end tests, and PostgreSQL's server for the storage tests on PostgreSQL (a throwaway cluster, started here).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -f tests/node/package-lock.json ] && [ ! -d tests/node/node_modules/axe-core ]; then
  npm ci --prefix tests/node --no-audit --no-fund --loglevel=error
fi

if [ -f tests/playground/package-lock.json ] && [ ! -d tests/playground/node_modules ]; then
  npm ci --prefix tests/playground --no-audit --no-fund --loglevel=error
fi

# The Web Chat end-to-end tests drive Debian's Chromium; Playwright's own browser download does not work on these
# machines. Installed once, as root and without questions, as CI runs.
if [ ! -x /usr/bin/chromium ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi

# The PostgreSQL tests run against a throwaway server in a temporary folder (tests/postgres.sh), started once for the
# whole run and removed on exit; its superuser's connection string reaches the tests as POLICYBOT_TEST_POSTGRES. A
# server given in that variable already is used as it is. Debian's package, as root and without questions, as CI runs.
pgdir=
log=$(mktemp)
trap 'rm -f "$log"; if [ -n "$pgdir" ]; then bash tests/postgres.sh stop "$pgdir"; fi' EXIT
if [ -z "${POLICYBOT_TEST_POSTGRES:-}" ]; then
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq postgresql >/dev/null
  fi

  pgdir=$(mktemp -d "${TMPDIR:-/tmp}/policybot-pg.XXXXXX")
  POLICYBOT_TEST_POSTGRES=$(bash tests/postgres.sh start "$pgdir")
  export POLICYBOT_TEST_POSTGRES
fi
status=0
dotnet test WWPS.PolicyBot.sln --nologo 2>&1 | tee "$log" || status=$?

# The shipped models scored on the shared evaluation sets by their own scorer, against the bar of the understanding
# issue (CI does not train; Cognitive/Understanding/Training/README.md says how the models are rebuilt).
if [ "$status" -eq 0 ]; then
  shared=../shared/eval
  bot=Bot/bin/Debug/net10.0/WWPS.PolicyBot
  if [ -f "$shared/score.py" ]; then
    score() { python3 "$shared/score.py" "$@" | tail -n 1 | sed 's/^/eval: /'; return "${PIPESTATUS[0]}"; }
    score ask "$shared/questions.dev.jsonl" --min-top1 0.95 --min-resolved 0.95 --min-abstain 0.95 -- "$bot" ask --jsonl || status=1
    score ask "$shared/questions.test.jsonl" --min-top1 0.92 --min-resolved 0.97 --max-clarify 0.15 --min-abstain 0.92 -- "$bot" ask --jsonl || status=1
    score check "$shared/drafts.dev.jsonl" --min-allowed 0.95 --min-clause 0.95 --min-pii 0.95 --max-fp 0 -- "$bot" check --jsonl || status=1
    score check "$shared/drafts.test.jsonl" --min-allowed 0.95 --min-clause 0.92 --min-pii 0.97 --max-fp 0 -- "$bot" check --jsonl || status=1
  else
    echo "eval: $shared/score.py not found beside the repository; the shipped models were not scored" >&2
    status=1
  fi
fi

# One plain summary line for tools that read the closing line of a test run.
awk '/(Passed|Failed)! +- +Failed: /{ for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1) } }
     END { gsub(",", "", f); printf "tests: %d passed, %d failed\n", p, f }' "$log"
exit "$status"
