"""The etcd peer of StoreBench: the same ConfigMap-like documents written to a
single-node etcd through its gRPC-gateway JSON API (/v3/kv/put, /v3/kv/txn,
/v3/kv/range, /v3/watch) over keep-alive HTTP/1.1 connections (http.client), keyed as
kube-apiserver keys them (/registry/configmaps/<namespace>/<name>).

usage: etcd_peer.py HOST:PORT OBJECTS SINGLES WATCH_WRITES WATCHERS ETCD_PID
Prints one JSON object. Never asserts timings.
"""

import base64
import http.client
import json
import random
import sys
import threading
import time

NAMESPACES = 100
TXN_OPS = 128  # etcd's default --max-txn-ops
PAGE = 500
RARE = ("rollout.mooring.dev/canary", "true")


def namespace(i):
    return "tenant-%03d" % (i % NAMESPACES)


def name(i):
    return "config-%06d" % i


def labels(i):
    out = {
        "app.kubernetes.io/name": "service-%d" % (i % 37),
        "app.kubernetes.io/part-of": "platform",
        "app.kubernetes.io/managed-by": "mooring",
        "tier": ["frontend", "backend", "data"][i % 3],
    }
    if i % 100 == 42:
        out[RARE[0]] = RARE[1]
    return out


def document(i, rv):
    """The object as StoreBench's Workload.object(i) once the store has stored it."""
    props = "".join("service.setting.%d=value-%d-%d\n" % (k, i, k) for k in range(20))
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": name(i),
            "namespace": namespace(i),
            "labels": labels(i),
            "annotations": {
                "mooring.dev/sync": "%s/config-sync" % namespace(i),
                "mooring.dev/source": "git:https://git.example.com/org-acme/platform.git@sha1:"
                + ("%x" % (i % 16)) * 40,
                "mooring.dev/path": "clusters/prod/%s/%s.yaml" % (namespace(i), name(i)),
            },
            "uid": "%08x-0000-4000-8000-%012x" % (i, i),
            "creationTimestamp": "2026-01-01T00:00:00Z",
            "generation": 1,
            "resourceVersion": str(rv),
        },
        "data": {
            "application.properties": props,
            "LOG_LEVEL": ["debug", "info", "warn"][i % 3],
            "FEATURE_FLAGS": "search,billing-v2,audit-export",
            "REPLICAS": str(1 + i % 5),
        },
    }


def b64(s):
    return base64.b64encode(s if isinstance(s, bytes) else s.encode()).decode()


def key(i):
    return "/registry/configmaps/%s/%s" % (namespace(i), name(i))


def value(i, rv):
    return json.dumps(document(i, rv), separators=(",", ":")).encode()


def prefix_end(p):
    b = bytearray(p.encode())
    b[-1] += 1
    return bytes(b)


class Client:
    def __init__(self, host, port):
        self.conn = http.client.HTTPConnection(host, port)

    def call(self, path, body):
        payload = json.dumps(body)
        self.conn.request("POST", path, payload, {"Content-Type": "application/json"})
        r = self.conn.getresponse()
        data = r.read()
        if r.status != 200:
            raise RuntimeError("%s: %d %s" % (path, r.status, data[:200]))
        return json.loads(data)


def pct(samples):
    s = sorted(samples)
    if not s:
        return {"p50_ms": 0, "p99_ms": 0, "max_ms": 0, "mean_ms": 0}
    at = lambda q: s[min(len(s) - 1, int(len(s) * q))] * 1000
    return {"p50_ms": at(0.5), "p99_ms": at(0.99), "max_ms": s[-1] * 1000,
            "mean_ms": sum(s) / len(s) * 1000}


def rss_mb(pid):
    try:
        for line in open("/proc/%s/status" % pid):
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return -1


def decode_items(resp):
    return [json.loads(base64.b64decode(kv["value"])) for kv in resp.get("kvs", [])]


def watcher(host, port, prefix, expected, out, ready):
    """One watch stream on its own connection; records (revision, arrival time)."""
    conn = http.client.HTTPConnection(host, port)
    body = json.dumps({"create_request": {"key": b64(prefix), "range_end": b64(prefix_end(prefix))}})
    conn.request("POST", "/v3/watch", body, {"Content-Type": "application/json"})
    r = conn.getresponse()
    got = []
    while len(got) < expected:
        line = r.readline()
        if not line:
            break
        t = time.monotonic()
        msg = json.loads(line).get("result", {})
        if msg.get("created"):
            ready.release()
            continue
        for ev in msg.get("events", []):
            got.append((int(ev["kv"]["mod_revision"]), t))
    out.append(got)
    conn.close()


def main():
    endpoint, n, singles, watch_writes, watchers, pid = sys.argv[1:7]
    host, port = endpoint.rsplit(":", 1)
    port = int(port)
    n, singles, watch_writes, watchers = int(n), int(singles), int(watch_writes), int(watchers)
    c = Client(host, port)
    out = {"client": "gRPC-gateway JSON over keep-alive http.client"}
    out["object_bytes"] = len(value(n + singles, 1))
    out["rss_mb"] = [[0, rss_mb(pid)]]

    # 1. Batched: txns of at most 128 puts, one client, in order (as the store's batches).
    writing = 0.0
    step = max(TXN_OPS, n // 10)
    mark = step
    for start in range(0, n, TXN_OPS):
        ops = [{"request_put": {"key": b64(key(i)), "value": b64(value(i, i + 1))}}
               for i in range(start, min(n, start + TXN_OPS))]
        t0 = time.monotonic()
        c.call("/v3/kv/txn", {"success": ops})
        writing += time.monotonic() - t0
        done = min(n, start + TXN_OPS)
        if done >= mark or done == n:
            out["rss_mb"].append([done, rss_mb(pid)])
            mark += step
    out["batched_per_s"] = n / writing
    out["batched_seconds"] = writing
    print("  [etcd] batched: %d objects in %.2f s" % (n, writing), file=sys.stderr)

    # 1b. One put per request (one raft entry, one WAL fsync each).
    lat = []
    for j in range(singles):
        body = {"key": b64(key(n + j)), "value": b64(value(n + j, 1))}
        t0 = time.monotonic()
        c.call("/v3/kv/put", body)
        lat.append(time.monotonic() - t0)
    out["single_per_s"] = singles / sum(lat)
    out["single_latency"] = pct(lat)

    # 2. Reads: linearizable ranges (etcd's default, as kube-apiserver's quorum reads).
    rng = random.Random(1)
    lat = []
    for _ in range(5000):
        i = rng.randrange(n)
        t0 = time.monotonic()
        r = c.call("/v3/kv/range", {"key": b64(key(i))})
        json.loads(base64.b64decode(r["kvs"][0]["value"]))
        lat.append(time.monotonic() - t0)
    out["get_latency"] = pct(lat)
    lat, items = [], 0
    for _ in range(30):
        p = "/registry/configmaps/%s/" % namespace(rng.randrange(NAMESPACES))
        t0 = time.monotonic()
        items = len(decode_items(c.call("/v3/kv/range", {"key": b64(p), "range_end": b64(prefix_end(p))})))
        lat.append(time.monotonic() - t0)
    out["list_namespace_latency"] = pct(lat)
    out["list_namespace_items"] = items

    # Full listing in pages of 500, decoded: also what a label selector costs on etcd,
    # which cannot index labels (kube-apiserver without its watch cache filters all).
    def full_list(selector=None):
        p = "/registry/configmaps/"
        start, end = p.encode(), prefix_end(p)
        count, matched, pages = 0, 0, []
        while True:
            t0 = time.monotonic()
            r = c.call("/v3/kv/range", {"key": b64(start), "range_end": b64(end), "limit": PAGE})
            objs = decode_items(r)
            if selector:
                matched += sum(1 for o in objs if o["metadata"].get("labels", {}).get(selector[0]) == selector[1])
            pages.append(time.monotonic() - t0)
            count += len(objs)
            if not r.get("more") or not r.get("kvs"):
                break
            start = base64.b64decode(r["kvs"][-1]["key"]) + b"\0"
        return count, matched, pages

    lat, matched = [], 0
    for _ in range(3):
        t0 = time.monotonic()
        _, matched, _ = full_list(RARE)
        lat.append(time.monotonic() - t0)
    out["list_label_latency"] = pct(lat)
    out["list_label_items"] = matched
    pages, fulls, count = [], [], 0
    for _ in range(2):
        t0 = time.monotonic()
        count, _, p = full_list()
        fulls.append(time.monotonic() - t0)
        pages += p
    out["page_latency"] = pct(pages)
    out["full_list_seconds"] = min(fulls)
    out["full_list_items"] = count
    print("  [etcd] reads done", file=sys.stderr)

    # 3. Watch: `watchers` streams (one connection and thread each) on the kind's prefix.
    results, ready, threads = [], threading.Semaphore(0), []
    for _ in range(watchers):
        t = threading.Thread(target=watcher, args=(host, port, "/registry/configmaps/",
                                                   watch_writes, results, ready), daemon=True)
        t.start()
        threads.append(t)
    for _ in range(watchers):
        ready.acquire()
    committed = {}
    base = n + singles + 1
    for j in range(watch_writes):
        body = {"key": b64(key(base + j)), "value": b64(value(base + j, 1))}
        t0 = time.monotonic()
        r = c.call("/v3/kv/put", body)
        committed[int(r["header"]["revision"])] = (t0, time.monotonic())
    for t in threads:
        t.join(timeout=60)
    from_return, from_call, early = [], [], 0
    for got in results:
        for rev, t in got:
            if rev in committed:
                called, returned = committed[rev]
                early += t < returned
                from_return.append(max(0.0, t - returned))
                from_call.append(t - called)
    out["watch_from_return"] = pct(from_return)
    out["watch_from_call"] = pct(from_call)
    out["watch_received"] = len(from_return)
    out["watch_before_return"] = early
    out["rss_end_mb"] = rss_mb(pid)
    print("  [etcd] watch: %d deliveries" % len(from_return), file=sys.stderr)
    print(json.dumps(out, sort_keys=True))


if __name__ == "__main__":
    main()
