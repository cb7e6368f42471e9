#!/usr/bin/env bash
# Runs every test of WWPS PolicyBot. Installs what the tests need first, so it works on a fresh machine:
# the node reference tools (tests/node, pinned by its lock file) used to check the sentiment port.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -f tests/node/package-lock.json ] && [ ! -d tests/node/node_modules ]; then
  npm ci --prefix tests/node --no-audit --no-fund --loglevel=error
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test WWPS.PolicyBot.sln --nologo 2>&1 | tee "$log" || status=$?

# One plain summary line for tools that read the closing line of a test run.
awk '/(Passed|Failed)! +- +Failed: /{ for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1) } }
     END { gsub(",", "", f); printf "tests: %d passed, %d failed\n", p, f }' "$log"
exit "$status"
