#!/usr/bin/env bash
# Loopback load test of POST /api/messages with expectReplies and real policy questions, next to the
# botbuilder-js echo baseline (../shared/bench/botbuilder-js-echo) measured in the same run on the same machine.
# Bot pinned to CPU 0, wrk to CPU 1, as the baseline does. Every process started here is stopped here.
#
# Env: DURATION (20s), WARMUP (10s), CONNS ("10 100"), SKIP_BASELINE=1,
#      MIXES ("repeat unique"): "repeat" cycles the 8 questions of questions.lua (people ask the same things);
#        "unique" makes every question's text new, so the semantic path embeds each one,
#      SEMANTIC (unset: the host's default configuration, Ask:Semantic on; "false" for BM25 alone),
#      STORAGE (unset: the default, SQLite in a fresh data folder; "memory" for in-process state).
# Prints one line per run, the ratio to the baseline at the same connection count, and the load average before
# each run (the machine is shared: figures taken at a high load average are not comparable).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-10s}
CONNS=${CONNS:-"10 100"}
MIXES=${MIXES:-"repeat unique"}
OUT=${OUT:-$(mktemp -d /tmp/policybot-load.XXXXXX)}
mkdir -p "$OUT"
PORT=3988
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
wait_port() { for _ in $(seq 1 200); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 never opened" >&2; return 1; }
loadavg() { cut -d' ' -f1 /proc/loadavg; }

# ---- baseline: a private copy, since shared/ is read-only in CI ----
if [ "${SKIP_BASELINE:-0}" != 1 ]; then
  echo "baseline load_avg=$(loadavg)"
  cp -r "$ROOT/../shared/bench/botbuilder-js-echo" "$OUT/baseline"
  (cd "$OUT/baseline" && CONNS="$CONNS" DURATION="$DURATION" WARMUP="$WARMUP" REPS=1 SKIP_DEADSERVICE=1 OUTDIR="$OUT/baseline/results" bash run.sh) >"$OUT/baseline.log" 2>&1
  grep '^c=' "$OUT/baseline/results/summary.txt" | sed 's/^/baseline /' | tee "$OUT/baseline.txt"
fi

# ---- our bot, in its default configuration unless told otherwise ----
dotnet build -c Release Bot -v q -nologo >"$OUT/build.log" 2>&1
# Started from its build folder, so its appsettings.json applies as it does when deployed (among others, request logging
# by ASP.NET Core at Warning); from the repository root the file would not be found and every request would log 4 lines.
SETTINGS=(Urls="http://127.0.0.1:$PORT")
[ -n "${SEMANTIC:-}" ] && SETTINGS+=(Ask__Semantic="$SEMANTIC")
[ -n "${STORAGE:-}" ] && SETTINGS+=(Storage__Provider="$STORAGE")
echo "policybot settings: ${SETTINGS[*]}"
for MIX in $MIXES; do
  for C in $CONNS; do
    DATA=$(mktemp -d /tmp/policybot-load-data.XXXXXX)
    UNIQUE=0; [ "$MIX" = unique ] && UNIQUE=1
    LOAD=$(loadavg)
    (cd Bot/bin/Release/net10.0 && exec taskset -c 0 env "${SETTINGS[@]}" Storage__DataFolder="$DATA" \
      ./WWPS.PolicyBot) >"$OUT/bot-$MIX-c$C.log" 2>&1 & BOT=$!; PIDS+=("$BOT")
    wait_port $PORT
    taskset -c 1 env UNIQUE=$UNIQUE wrk -t1 -c"$C" -d"$WARMUP" -s tests/load/questions.lua "http://127.0.0.1:$PORT/api/messages" >/dev/null
    taskset -c 1 env UNIQUE=$UNIQUE wrk -t1 -c"$C" -d"$DURATION" --latency -s tests/load/questions.lua "http://127.0.0.1:$PORT/api/messages" >"$OUT/wrk-$MIX-c$C.txt" 2>"$OUT/wrk-$MIX-c$C.err"
    HWM=$(awk '/VmHWM/{print $2}' "/proc/$BOT/status")
    LINE=$(sed -n 's/^JSON //p' "$OUT/wrk-$MIX-c$C.txt")
    python3 - "$MIX" "$C" "$HWM" "$LINE" "$LOAD" "$OUT/baseline.txt" <<'PY'
import json, os, re, sys
mix, c, hwm, line, load, baseline = sys.argv[1], sys.argv[2], int(sys.argv[3]), json.loads(sys.argv[4]), sys.argv[5], sys.argv[6]
errors = sum(line[k] for k in ("err_connect", "err_read", "err_write", "err_status", "err_timeout"))
ratio = ""
if os.path.exists(baseline):
    for l in open(baseline):
        m = re.search(rf"\bc={c} .*median_rps=([\d.]+)", l)
        if m:
            ratio = f" ratio_to_baseline={line['rps'] / float(m.group(1)):.2f}"
print(f"policybot mix={mix} c={c} rps={line['rps']:.0f} p50_ms={line['p50_us']/1000:.2f} p99_ms={line['p99_us']/1000:.2f} "
      f"errors={errors} peak_rss_mb={hwm/1024:.1f}{ratio} load_avg={load}")
PY
    kill "$BOT"; wait "$BOT" 2>/dev/null || true
    rm -rf "$DATA"
  done
done
echo "details in $OUT"
