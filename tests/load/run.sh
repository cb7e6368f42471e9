#!/usr/bin/env bash
# Loopback load test of POST /api/messages with expectReplies and real policy questions, next to the
# botbuilder-js echo baseline (../shared/bench/botbuilder-js-echo) measured in the same run on the same machine.
# Bot pinned to CPU 0, wrk to CPU 1, as the baseline does. Every process started here is stopped here.
#
# Env: DURATION (20s), WARMUP (10s), CONNS ("10 100"), SKIP_BASELINE=1, SEMANTIC (false: the chat host's default is
# decided by configuration; set true to load the semantic path).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-10s}
CONNS=${CONNS:-"10 100"}
OUT=${OUT:-$(mktemp -d /tmp/policybot-load.XXXXXX)}
PORT=3988
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
wait_port() { for _ in $(seq 1 200); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 never opened" >&2; return 1; }

# ---- baseline: a private copy, since shared/ is read-only in CI ----
if [ "${SKIP_BASELINE:-0}" != 1 ]; then
  cp -r "$ROOT/../shared/bench/botbuilder-js-echo" "$OUT/baseline"
  (cd "$OUT/baseline" && CONNS="$CONNS" DURATION="$DURATION" WARMUP="$WARMUP" REPS=1 SKIP_DEADSERVICE=1 OUTDIR="$OUT/baseline/results" bash run.sh) >"$OUT/baseline.log" 2>&1
  grep '^c=' "$OUT/baseline/results/summary.txt" | sed 's/^/baseline /'
fi

# ---- our bot ----
dotnet build -c Release Bot -v q -nologo >"$OUT/build.log" 2>&1
for C in $CONNS; do
  DATA=$(mktemp -d /tmp/policybot-load-data.XXXXXX)
  taskset -c 0 env Urls="http://127.0.0.1:$PORT" Storage__DataFolder="$DATA" Ask__Semantic="${SEMANTIC:-false}" \
    Logging__LogLevel__Default=Warning Bot/bin/Release/net10.0/WWPS.PolicyBot >"$OUT/bot-c$C.log" 2>&1 & BOT=$!; PIDS+=("$BOT")
  wait_port $PORT
  taskset -c 1 wrk -t1 -c"$C" -d"$WARMUP" -s tests/load/questions.lua "http://127.0.0.1:$PORT/api/messages" >/dev/null
  taskset -c 1 wrk -t1 -c"$C" -d"$DURATION" --latency -s tests/load/questions.lua "http://127.0.0.1:$PORT/api/messages" >"$OUT/wrk-c$C.txt" 2>"$OUT/wrk-c$C.err"
  HWM=$(awk '/VmHWM/{print $2}' "/proc/$BOT/status")
  LINE=$(sed -n 's/^JSON //p' "$OUT/wrk-c$C.txt")
  python3 - "$C" "$HWM" "$LINE" <<'PY'
import json, sys
c, hwm, line = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
errors = sum(line[k] for k in ("err_connect", "err_read", "err_write", "err_status", "err_timeout"))
print(f"policybot c={c} rps={line['rps']:.0f} p50_ms={line['p50_us']/1000:.2f} p99_ms={line['p99_us']/1000:.2f} "
      f"errors={errors} peak_rss_mb={hwm/1024:.1f}")
PY
  kill "$BOT"; wait "$BOT" 2>/dev/null || true
  rm -rf "$DATA"
done
echo "details in $OUT"
