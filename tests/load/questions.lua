-- wrk script: real policy questions as Bot Framework message activities with deliveryMode=expectReplies.
-- Each request is a new conversation and activity id, so every turn loads and saves fresh state.
-- UNIQUE=1 makes every question's text unique (a request number is appended), so no cache of question embeddings
-- helps: the cost of a question the bot has never seen.
local counter = 0
local unique = os.getenv("UNIQUE") == "1"
local thread_id = 0
local threads = {}

local questions = {
   "can I friend a parent on facebook?",
   "cn i add parnts on fb",
   "can i put pics of the kids on my story?",
   "who runs the preschool facebook page",
   "is it ok to moan about the manager on twitter",
   "how do i tell the preschool my son is off sick",
   "what privacy settings should I use",
   "what time do you open?",
}

function setup(thread)
   thread:set("id", #threads + 1)
   table.insert(threads, thread)
end

function init(args)
   thread_id = tonumber(wrk.thread:get("id")) or 0
end

local headers = { ["Content-Type"] = "application/json" }
local template = '{"type":"message","id":"m%d","channelId":"test","serviceUrl":"http://127.0.0.1:9/",' ..
                 '"from":{"id":"u%d"},"recipient":{"id":"bot"},"conversation":{"id":"load-%d-%d"},' ..
                 '"text":"%s","deliveryMode":"expectReplies"}'

function request()
   counter = counter + 1
   local q = questions[(counter % #questions) + 1]
   if unique then
      q = string.format("%s (question %d-%d)", q, thread_id, counter)
   end
   return wrk.format("POST", "/api/messages", headers, string.format(template, counter, counter, thread_id, counter, q))
end

function response(status, headers, body)
   if status ~= 200 then
      io.stderr:write("status " .. status .. "\n")
   end
end

-- One machine-readable line (latencies in microseconds), the same fields as the baseline's script.
function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      'JSON {"requests":%d,"duration_us":%d,"rps":%.2f,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,' ..
      '"err_connect":%d,"err_read":%d,"err_write":%d,"err_status":%d,"err_timeout":%d}\n',
      summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
      e.connect, e.read, e.write, e.status, e.timeout))
end
