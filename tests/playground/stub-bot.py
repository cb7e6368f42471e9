#!/usr/bin/env python3
"""A stand-in bot endpoint for seeing what the Agents Playground sends, before the real /api/messages exists.

Logs every request (method, path, headers, JSON body) as one JSON line on stdout, answers 200, and for a message
replies once through the activity's serviceUrl, so the mock connector's answer is logged too.
Usage: python3 stub-bot.py [PORT]   (default 3978; binds to loopback only)
"""
import json
import sys
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def log(record):
    print(json.dumps(record), flush=True)


class Handler(BaseHTTPRequestHandler):
    def _record(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        log({"method": self.command, "path": self.path, "headers": dict(self.headers), "body": body})
        return body

    def _ok(self):
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_HEAD(self):
        self._record()
        self._ok()

    def do_GET(self):
        self._record()
        self._ok()

    def do_POST(self):
        activity = self._record()
        self._ok()
        if isinstance(activity, dict) and activity.get("type") == "message":
            self._reply(activity)

    def _reply(self, a):
        # The playground's serviceUrl has no trailing slash; the Connector convention is to add one.
        base = a["serviceUrl"].rstrip("/") + "/"
        cid = urllib.parse.quote(a["conversation"]["id"], safe="")
        reply = {"type": "message", "text": "stub reply to: " + str(a.get("text")), "from": a["recipient"],
                 "recipient": a["from"], "conversation": a["conversation"], "replyToId": a.get("id"),
                 "channelId": a.get("channelId")}
        req = urllib.request.Request(f"{base}v3/conversations/{cid}/activities/{urllib.parse.quote(a.get('id') or '', safe='')}",
                                     data=json.dumps(reply).encode(), headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                log({"reply_status": r.status, "reply_body": r.read().decode()})
        except Exception as ex:  # a stub: report and carry on
            log({"reply_error": repr(ex)})

    def log_message(self, *args):
        pass  # the JSON lines above are the log


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 3978
    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
