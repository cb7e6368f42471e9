#!/usr/bin/env bash
# Loopback load test of POST /api/slack/events: how fast the bot acknowledges Slack's events (Slack wants a 2xx
# within 3 s; the bar here is p99 <= 50 ms at 50 connections). wrk has no HMAC, so a Python step signs EVENTS
# distinct DM events up front with one timestamp taken at the start (valid for Slack's 5 minutes) and writes them
# into a Lua file that wrk goes through. A repeated event (same event_id) is acknowledged without queueing, as
# Slack's retries are; the ack is what is measured. The bot really answers the distinct ones meanwhile (policy questions, on its 4 workers, on the same CPU), posting
# to a small fake Slack Web API. Bot pinned to CPU 0; wrk and the fake API to CPU 1. Every process started here is
# stopped here.
#
# Two measured runs: "new" sends each of EVENTS fresh events once (each is queued and answered: a real question
# turn and a chat.postMessage); "sustained" then sends the same events again for DURATION (redeliveries).
# Env: DURATION (20s), WARMUP (5s), CONNS (50), EVENTS (1500; the warm-up has a tenth as many, so the bot's
#      queues, 4 workers x 500, hold them all and no event is refused).
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-5s}
CONNS=${CONNS:-50}
EVENTS=${EVENTS:-1500}
OUT=${OUT:-$(mktemp -d /tmp/policybot-slack-load.XXXXXX)}
mkdir -p "$OUT"
PORT=3989
API_PORT=3990
SECRET=load-test-signing-secret
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
wait_port() { for _ in $(seq 1 200); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 never opened" >&2; return 1; }

dotnet build -c Release Bot -v q -nologo >"$OUT/build.log" 2>&1

# A fake Slack Web API: every chat.postMessage is ok. Counts what it got, for the summary.
cat >"$OUT/fake_slack.py" <<'PY'
import http.server, json, sys, threading
count = 0
lock = threading.Lock()
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        global count
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with lock:
            count += 1
            n = count
        body = json.dumps({"ok": True, "channel": "D", "ts": f"1700000000.{n:06d}"}).encode()
        self.send_response(200); self.send_header("Content-Type", "application/json"); self.send_header("Content-Length", str(len(body))); self.end_headers()
        self.wfile.write(body)
    def do_GET(self):
        body = str(count).encode()
        self.send_response(200); self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
taskset -c 1 python3 "$OUT/fake_slack.py" $API_PORT & PIDS+=($!)

# Signed events: two sets (warm-up, measured) so the measured run starts with events the bot has not seen.
python3 - "$OUT" "$SECRET" "$EVENTS" <<'PY'
import hashlib, hmac, json, sys, time
out, secret, n = sys.argv[1], sys.argv[2].encode(), int(sys.argv[3])
questions = ["can I friend a parent on facebook?", "cn i add parnts on fb", "can i put pics of the kids on my story?",
             "who runs the preschool facebook page", "is it ok to moan about the manager on twitter",
             "how do i tell the preschool my son is off sick", "what privacy settings should I use", "what time do you open?"]
ts = str(int(time.time()))
for name, count in (("warmup", max(1, n // 10)), ("measured", n)):
    rows = []
    for i in range(count):
        event = {"type": "message", "channel_type": "im", "channel": f"D{name[0].upper()}{i % 200:04d}", "user": f"U{i % 200:04d}",
                 "text": questions[i % len(questions)], "ts": f"1700000000.{i:06d}"}
        body = json.dumps({"token": "x", "team_id": "T0001", "api_app_id": "A0001", "type": "event_callback",
                           "event_id": f"Ev{name}{i:06d}", "event_time": 1700000000, "event": event,
                           "authorizations": [{"team_id": "T0001", "user_id": "UBOT", "is_bot": True}]}, separators=(",", ":"))
        sig = "v0=" + hmac.new(secret, f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
        rows.append("{b=[==[%s]==],s=%s}" % (body, json.dumps(sig)))
    with open(f"{out}/{name}.lua", "w") as f:
        f.write(f'local ts = "{ts}"\nlocal events = {{\n' + ",\n".join(rows) + "\n}\n")
        f.write('''
local counter = 0
local non2xx = 0
local once = os.getenv("ONCE") == "1"
function request()
   counter = counter + 1
   if once and counter > #events then wrk.thread:stop() end
   local e = events[((counter - 1) % #events) + 1]
   return wrk.format("POST", "/api/slack/events",
      { ["Content-Type"] = "application/json", ["X-Slack-Request-Timestamp"] = ts, ["X-Slack-Signature"] = e.s }, e.b)
end
function response(status, headers, body)
   if status ~= 200 then io.stderr:write("status " .. status .. "\\n") end
end
function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format('JSON {"requests":%d,"rps":%.2f,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"err_status":%d,"err_other":%d}\\n',
      summary.requests, summary.requests / (summary.duration / 1e6), latency:percentile(50), latency:percentile(90),
      latency:percentile(99), latency.max, e.status, e.connect + e.read + e.write + e.timeout))
end
''')
PY

DATA=$(mktemp -d /tmp/policybot-slack-load-data.XXXXXX)
(cd Bot/bin/Release/net10.0 && exec taskset -c 0 env Urls="http://127.0.0.1:$PORT" Storage__DataFolder="$DATA" \
  Slack__SigningSecret="$SECRET" Slack__BotToken=xoxb-load-test Slack__ApiBaseUrl="http://127.0.0.1:$API_PORT/api/" \
  ./WWPS.PolicyBot) >"$OUT/bot.log" 2>&1 & BOT=$!; PIDS+=("$BOT")
wait_port $PORT
wait_port $API_PORT
LOAD=$(cut -d' ' -f1 /proc/loadavg)
taskset -c 1 wrk -t1 -c"$CONNS" -d"$WARMUP" -s "$OUT/warmup.lua" "http://127.0.0.1:$PORT" >"$OUT/wrk-warmup.txt" 2>"$OUT/wrk-warmup.err"
# New events: each measured event sent once (all queued and answered while the rest are acknowledged).
taskset -c 1 env ONCE=1 wrk -t1 -c"$CONNS" -d5s --latency -s "$OUT/measured.lua" "http://127.0.0.1:$PORT" >"$OUT/wrk-new.txt" 2>"$OUT/wrk-new.err"
# Redeliveries: the same events again and again for DURATION, as Slack's retries and duplicates arrive.
taskset -c 1 wrk -t1 -c"$CONNS" -d"$DURATION" --latency -s "$OUT/measured.lua" "http://127.0.0.1:$PORT" >"$OUT/wrk.txt" 2>"$OUT/wrk.err"
sleep 2
POSTED=$(curl -s "http://127.0.0.1:$API_PORT/")
for RUN in new sustained; do
  FILE="$OUT/wrk.txt"; [ "$RUN" = new ] && FILE="$OUT/wrk-new.txt"
  python3 - "$RUN" "$CONNS" "$(sed -n 's/^JSON //p' "$FILE")" "$LOAD" "$POSTED" <<'PY'
import json, sys
run, c, line, load, posted = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), sys.argv[4], sys.argv[5]
what = "each a new event" if run == "new" else "redeliveries"
print(f"slack events {run} c={c} requests={line['requests']} ({what})" + (f" rps={line['rps']:.0f}" if run != 'new' else '') + " "
      f"p50_ms={line['p50_us']/1000:.2f} p90_ms={line['p90_us']/1000:.2f} p99_ms={line['p99_us']/1000:.2f} max_ms={line['max_us']/1000:.1f} "
      f"non2xx={line['err_status']} socket_errors={line['err_other']} replies_posted={posted} load_avg={load}")
PY
done
kill "$BOT"; wait "$BOT" 2>/dev/null || true
rm -rf "$DATA"
echo "details in $OUT"
