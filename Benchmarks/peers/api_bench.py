"""Helpers of the `api` section of `make bench` (issue 7).

  api_bench.py replay-server UPSTREAM PORT_FILE
      The list peer: an http.server (threaded, HTTP/1.1 keep-alive) that first proxies
      every request to UPSTREAM and records the answer (status, content type and
      encoding, body) by method, path with query and Accept header; after
      `GET /__bench/replay` it answers every recorded request from memory without
      asking UPSTREAM: pure transfer of the very bytes Mooring sent (discovery, OpenAPI,
      every page of the list with its continue tokens). `GET /__bench/stats` gives the
      counts of recorded, replayed and missed requests. Writes its port to PORT_FILE.
  api_bench.py watch BASE_URL NAMESPACE NAME WRITES
      Creates ConfigMap NAMESPACE/NAME (not owned by any Sync), watches the namespace's
      ConfigMaps from its resourceVersion on one connection and merge-PATCHes it WRITES
      times on another, one at a time, each after the previous event arrived. Prints
      JSON: latency from the PATCH's return (and from its call) to the event's arrival.
  api_bench.py etcd-watch HOST:PORT KEY WRITES
      The same against etcd's JSON gateway: a watch on KEY's parent prefix, puts of KEY.
  api_bench.py etcd-put HOST:PORT KEY FILE
      Stores FILE's bytes at KEY through the gateway (`/v3/kv/put`).
  api_bench.py etcd-range-body KEY
      Prints the JSON body of a `/v3/kv/range` get of KEY (for wrk).
  api_bench.py rss PID
      VmRSS and VmHWM of PID in MB, as JSON.
  api_bench.py cputime PID
      The CPU seconds (user+system) PID has used so far.
  api_bench.py wrk-json WRKJSON CPU_BEFORE CPU_AFTER
      wrk_report.lua's JSON with the server's CPU seconds and microseconds per request.
  api_bench.py fetch URL [OUT]
      GET URL (status 200 or exit 1); the body goes to OUT or standard output.
  api_bench.py wait-http URL SECONDS
      Waits until GET URL answers 200.
  api_bench.py time-cmd RUNS OUT CMD...
      Runs CMD RUNS times in a row, standard output to OUT; prints JSON: wall seconds of
      each run and the lines of the last output.
  api_bench.py throttle OUT CMD...
      Runs the kubectl command CMD (given -v=3) once, standard output to OUT; prints
      JSON: its wall seconds, and the waits client-go's rate limiter logged ("Waited for
      ... due to client-side throttling"): how many, and their sum in seconds.

Never asserts timings.
"""

import base64
import http.client
import http.server
import json
import sys
import threading
import time
import urllib.parse


def pct(samples):
    s = sorted(samples)
    if not s:
        return {"p50_ms": None, "p99_ms": None, "max_ms": None, "mean_ms": None, "n": 0}
    at = lambda q: s[min(len(s) - 1, int(len(s) * q))] * 1000
    return {"p50_ms": at(0.5), "p90_ms": at(0.9), "p99_ms": at(0.99), "max_ms": s[-1] * 1000,
            "mean_ms": sum(s) / len(s) * 1000, "n": len(s)}


# ---------------------------------------------------------------- replay server

def replay_server(upstream, port_file):
    up = urllib.parse.urlsplit(upstream)
    recorded = {}
    stats = {"recorded": 0, "replayed": 0, "missed": 0, "missed_paths": []}
    state = {"replay": False}
    local = threading.local()
    lock = threading.Lock()

    def upstream_conn():
        c = getattr(local, "conn", None)
        if c is None:
            c = http.client.HTTPConnection(up.hostname, up.port, timeout=120)
            local.conn = c
        return c

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def answer(self, status, ctype, encoding, body):
            self.send_response(status)
            if ctype:
                self.send_header("Content-Type", ctype)
            if encoding:
                self.send_header("Content-Encoding", encoding)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def handle_any(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            if self.path == "/__bench/replay":
                state["replay"] = True
                return self.answer(200, "application/json", None, b'{"replay":true}')
            if self.path == "/__bench/stats":
                return self.answer(200, "application/json", None, json.dumps(stats).encode())
            key = (self.command, self.path, self.headers.get("Accept", ""))
            if state["replay"]:
                hit = recorded.get(key)
                if hit is not None:
                    with lock:
                        stats["replayed"] += 1
                    return self.answer(*hit)
                with lock:
                    stats["missed"] += 1
                    stats["missed_paths"].append("%s %s" % (self.command, self.path))
            headers = {k: v for k, v in self.headers.items()
                       if k.lower() in ("accept", "accept-encoding", "content-type",
                                        "user-agent", "authorization")}
            for attempt in range(2):
                c = upstream_conn()
                try:
                    c.request(self.command, self.path, body, headers)
                    r = c.getresponse()
                    data = r.read()
                    break
                except (http.client.HTTPException, OSError):
                    c.close()
                    local.conn = None
                    if attempt:
                        raise
            hit = (r.status, r.getheader("Content-Type"), r.getheader("Content-Encoding"), data)
            if not state["replay"]:
                with lock:
                    recorded[key] = hit
                    stats["recorded"] += 1
            self.answer(*hit)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    with open(port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    import os
    os.replace(port_file + ".tmp", port_file)
    server.serve_forever()


# ---------------------------------------------------------------- watch latency

class Arrivals:
    """Event arrival times by revision, filled by a reader thread."""

    def __init__(self):
        self.times = {}
        self.cond = threading.Condition()
        self.ready = threading.Event()
        self.error = None

    def add(self, rev, t):
        with self.cond:
            self.times.setdefault(rev, t)
            self.cond.notify_all()

    def wait(self, rev, timeout=5.0):
        deadline = time.monotonic() + timeout
        with self.cond:
            while rev not in self.times:
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.cond.wait(left)
            return self.times[rev]


def measure(write, arrivals, writes, warmup=10):
    from_return, from_call, early, lost = [], [], 0, 0
    for i in range(warmup + writes):
        t0 = time.monotonic()
        rev = write(i)
        t1 = time.monotonic()
        got = arrivals.wait(rev)
        if i < warmup:
            continue
        if got is None:
            lost += 1
            continue
        early += got < t1
        from_return.append(max(0.0, got - t1))
        from_call.append(got - t0)
    return {"from_return": pct(from_return), "from_call": pct(from_call),
            "before_return": early, "lost": lost, "writes": writes}


def watch(base, namespace, name, writes):
    u = urllib.parse.urlsplit(base)
    writes = int(writes)
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    coll = "/api/v1/namespaces/%s/configmaps" % namespace
    obj = {"apiVersion": "v1", "kind": "ConfigMap",
           "metadata": {"name": name, "namespace": namespace}, "data": {"seq": "start"}}
    c.request("POST", coll, json.dumps(obj), {"Content-Type": "application/json"})
    r = c.getresponse()
    data = r.read()
    if r.status == 409:
        c.request("GET", coll + "/" + name)
        r = c.getresponse()
        data = r.read()
    if r.status not in (200, 201):
        raise SystemExit("create %s/%s: %d %s" % (namespace, name, r.status, data[:300]))
    rv = json.loads(data)["metadata"]["resourceVersion"]
    arrivals = Arrivals()

    def reader():
        w = http.client.HTTPConnection(u.hostname, u.port, timeout=120)
        w.request("GET", coll + "?watch=1&resourceVersion=%s&timeoutSeconds=600" % rv)
        resp = w.getresponse()
        arrivals.ready.set()
        if resp.status != 200:
            arrivals.error = "watch: %d %s" % (resp.status, resp.read()[:300])
            return
        while True:
            line = resp.readline()
            if not line:
                return
            t = time.monotonic()
            ev = json.loads(line)
            rev = ev.get("object", {}).get("metadata", {}).get("resourceVersion")
            if rev:
                arrivals.add(rev, t)

    threading.Thread(target=reader, daemon=True).start()
    arrivals.ready.wait(30)
    if arrivals.error:
        raise SystemExit(arrivals.error)

    def write(i):
        body = json.dumps({"data": {"seq": str(i)}})
        c.request("PATCH", coll + "/" + name, body,
                  {"Content-Type": "application/merge-patch+json"})
        r = c.getresponse()
        data = r.read()
        if r.status != 200:
            raise SystemExit("patch: %d %s" % (r.status, data[:300]))
        return json.loads(data)["metadata"]["resourceVersion"]

    print(json.dumps(measure(write, arrivals, writes)))


def b64(s):
    return base64.b64encode(s if isinstance(s, bytes) else s.encode()).decode()


def prefix_end(p):
    b = bytearray(p.encode())
    b[-1] += 1
    return bytes(b)


def etcd_watch(endpoint, key, writes):
    host, port = endpoint.rsplit(":", 1)
    port, writes = int(port), int(writes)
    prefix = key.rsplit("/", 1)[0] + "/"
    arrivals = Arrivals()

    def reader():
        w = http.client.HTTPConnection(host, port, timeout=120)
        body = json.dumps({"create_request": {"key": b64(prefix),
                                              "range_end": b64(prefix_end(prefix))}})
        w.request("POST", "/v3/watch", body, {"Content-Type": "application/json"})
        resp = w.getresponse()
        while True:
            line = resp.readline()
            if not line:
                return
            t = time.monotonic()
            msg = json.loads(line).get("result", {})
            if msg.get("created"):
                arrivals.ready.set()
            for ev in msg.get("events", []):
                arrivals.add(ev["kv"]["mod_revision"], t)

    threading.Thread(target=reader, daemon=True).start()
    arrivals.ready.wait(30)
    c = http.client.HTTPConnection(host, port, timeout=30)

    def write(i):
        value = json.dumps({"kind": "ConfigMap", "data": {"seq": str(i)}})
        c.request("POST", "/v3/kv/put", json.dumps({"key": b64(key), "value": b64(value)}),
                  {"Content-Type": "application/json"})
        r = c.getresponse()
        return json.loads(r.read())["header"]["revision"]

    print(json.dumps(measure(write, arrivals, writes)))


def etcd_put(endpoint, key, path):
    host, port = endpoint.rsplit(":", 1)
    c = http.client.HTTPConnection(host, int(port), timeout=30)
    value = open(path, "rb").read()
    c.request("POST", "/v3/kv/put", json.dumps({"key": b64(key), "value": b64(value)}),
              {"Content-Type": "application/json"})
    r = c.getresponse()
    data = r.read()
    if r.status != 200:
        raise SystemExit("etcd put: %d %s" % (r.status, data[:300]))
    c.request("POST", "/v3/kv/range", json.dumps({"key": b64(key)}),
              {"Content-Type": "application/json"})
    r = c.getresponse()
    got = json.loads(r.read())
    print(json.dumps({"value_bytes": len(value),
                      "range_response_bytes": len(json.dumps(got))}))


def rss(pid):
    out = {}
    for line in open("/proc/%s/status" % pid):
        if line.startswith(("VmRSS:", "VmHWM:")):
            out[line.split(":")[0]] = int(line.split()[1]) / 1024
    print(json.dumps(out))


def fetch(url, out=None):
    import urllib.request

    with urllib.request.urlopen(url, timeout=60) as r:
        data = r.read()
    if out:
        open(out, "wb").write(data)
    else:
        sys.stdout.buffer.write(data)


def wait_http(url, seconds):
    import urllib.request

    deadline = time.monotonic() + float(seconds)
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit("no answer from " + url)
        time.sleep(0.05)


def time_cmd(runs, out, *cmd):
    import subprocess

    times = []
    for _ in range(int(runs)):
        with open(out, "wb") as f:
            t0 = time.monotonic()
            r = subprocess.run(cmd, stdout=f, stderr=subprocess.PIPE)
            times.append(time.monotonic() - t0)
        if r.returncode != 0:
            raise SystemExit("%s: exit %d: %s" % (" ".join(cmd), r.returncode,
                                                   r.stderr.decode(errors="replace")[:500]))
    data = open(out, "rb").read()
    result = {"seconds": times, "lines": data.count(b"\n"), "bytes": len(data)}
    if data[:1] == b"{":
        result["items"] = len(json.loads(data).get("items", []))
    print(json.dumps(result))


def go_seconds(text):
    """A Go time.Duration's text (1.5s, 196.4ms, 850µs, 1m2s) in seconds."""
    import re

    units = {"h": 3600, "m": 60, "s": 1, "ms": 1e-3, "us": 1e-6, "µs": 1e-6, "ns": 1e-9}
    return sum(float(n) * units[u] for n, u in re.findall(r"([0-9.]+)(h|ms|m|s|us|µs|ns)", text))


def throttle(out, *cmd):
    import re
    import subprocess

    with open(out, "wb") as f:
        t0 = time.monotonic()
        r = subprocess.run(cmd, stdout=f, stderr=subprocess.PIPE)
        seconds = time.monotonic() - t0
    if r.returncode != 0:
        raise SystemExit("%s: exit %d: %s" % (" ".join(cmd), r.returncode,
                                               r.stderr.decode(errors="replace")[-500:]))
    log = r.stderr.decode(errors="replace")
    # client-go up to 1.32, then 1.33's structured form; a wait over 1 s is logged twice
    # (also by its once-a-second logger), so each (delay, request) counts once.
    waits = set(re.findall(
        r"Waited for (\S+) due to client-side throttling, not priority and fairness, request: (\S+)",
        log))
    waits |= set(re.findall(
        r'Waited before sending request" delay="([^"]+)" reason="client-side throttling[^"]*"'
        r'.*?URL="([^"]+)"', log))
    waited = sum(go_seconds(d) for d, _ in waits)
    print(json.dumps({"seconds": seconds, "waits": len(waits), "waited": waited}))


def cputime(pid):
    import os

    fields = open("/proc/%s/stat" % pid).read().rsplit(")", 1)[1].split()
    print((int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"))


def wrk_json(text, before, after):
    d = json.loads(text)
    d["server_cpu_s"] = float(after) - float(before)
    d["server_cpu_us_per_request"] = d["server_cpu_s"] / max(1, d["requests"]) * 1e6
    print(json.dumps(d))


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "cputime":
        return cputime(*args)
    if cmd == "wrk-json":
        return wrk_json(*args)
    if cmd == "fetch":
        return fetch(*args)
    if cmd == "wait-http":
        return wait_http(*args)
    if cmd == "throttle":
        return throttle(*args)
    if cmd == "time-cmd":
        return time_cmd(*args)
    if cmd == "replay-server":
        replay_server(*args)
    elif cmd == "watch":
        watch(*args)
    elif cmd == "etcd-watch":
        etcd_watch(*args)
    elif cmd == "etcd-put":
        etcd_put(*args)
    elif cmd == "etcd-range-body":
        print(json.dumps({"key": b64(args[0])}))
    elif cmd == "rss":
        rss(*args)
    else:
        raise SystemExit("unknown command " + cmd)


if __name__ == "__main__":
    main()
