"""Helpers of the `sync` section of `make bench` (issue 6): repositories, waiting for the
daemon, and the naive Python GitOps peer.

  sync_bench.py make-platform DIR FILES OBJECTS
      A git work tree at DIR (branch main, one commit): OBJECTS ConfigMaps in FILES files
      spread over FILES/10 namespaces, each namespace declared (a Namespace document) at
      the top of its first file. Prints the commit.
  sync_bench.py change DIR STEP
      Edits one file (one ConfigMap's data) and commits. Prints the commit.
  sync_bench.py make-tenants PLATFORM_DIR BARE_ROOT COUNT GIT_URL
      COUNT small bare repositories BARE_ROOT/tenant-NNNN.git (one file, 2 ConfigMaps,
      distinct content each) and a platform work tree at PLATFORM_DIR declaring, per
      tenant, a Namespace, a GitRepository, a Sync, and a Role and RoleBinding that let the
      Sync's identity write ConfigMaps in its namespace (tenants/tenant-NNNN.yaml).
  sync_bench.py wait DB NAMESPACE/SYNC SHA SINCE TIMEOUT
      Polls the store (read-only SQLite) until the Sync reports Synced at SHA. Prints JSON:
      seconds from SINCE (epoch seconds) until the GitRepository's artifact was at SHA
      (fetched) and until the Sync was Synced at it.
  sync_bench.py wait-all DB COUNT SINCE TIMEOUT
      Polls until COUNT Syncs (not counting mooring-system/platform) are Synced. Prints
      JSON with the time the platform Sync was Synced, then each 10% of tenants.
  sync_bench.py peer first|update URL CLONE DB
      The peer: a naive GitOps loop in Python. `first`: git clone, PyYAML
      (CSafeLoader: safe_load_all's semantics in C) of every file, insert every object in
      one SQLite transaction (WAL, synchronous=FULL). `update`: git fetch + reset, parse
      every file again, upsert the objects whose content changed and delete those that
      left, in one transaction. Prints JSON: seconds, objects, written.
  sync_bench.py cpu PID SECONDS
      The CPU seconds (user+system) PID used over SECONDS of wall time.
  sync_bench.py probe FILES OBJECTS
      The namespace and name of the platform repository's middle ConfigMap.
  sync_bench.py settled DB NAMESPACE/SYNC TIMEOUT
      Waits until the Sync and its GitRepository have observed their generation and the
      Sync is Synced (after a restart that changed their spec).

Never asserts timings.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time

GIT_ENV = dict(
    os.environ,
    GIT_AUTHOR_NAME="Bench",
    GIT_AUTHOR_EMAIL="bench@example.com",
    GIT_COMMITTER_NAME="Bench",
    GIT_COMMITTER_EMAIL="bench@example.com",
    GIT_CONFIG_NOSYSTEM="1",
)


def git(*args, cwd=None, stdin=None):
    r = subprocess.run(
        ["git", *args], cwd=cwd, env=GIT_ENV, input=stdin, capture_output=True, check=False
    )
    if r.returncode != 0:
        raise SystemExit("git %s: %s" % (" ".join(args), r.stderr.decode(errors="replace")))
    return r.stdout.decode().strip()


def configmap(ns, i, step=0):
    props = "".join("service.setting.%d=value-%d-%d\n" % (k, i, k) for k in range(10))
    props_block = "".join("    " + line + "\n" for line in props.splitlines())
    extra = '  BENCH_STEP: "%d"\n' % step if step else ""
    return (
        "apiVersion: v1\n"
        "kind: ConfigMap\n"
        "metadata:\n"
        "  name: cm-%05d\n"
        "  namespace: %s\n"
        "  labels:\n"
        "    app.kubernetes.io/name: service-%d\n"
        "    app.kubernetes.io/part-of: platform\n"
        "    tier: %s\n"
        "  annotations:\n"
        "    description: ConfigMap number %d of the sync benchmark\n"
        "data:\n"
        "  application.properties: |\n%s"
        "  LOG_LEVEL: %s\n"
        '  REPLICAS: "%d"\n'
        "%s"
    ) % (i, ns, i % 37, ["frontend", "backend", "data"][i % 3], i, props_block,
         ["debug", "info", "warn"][i % 3], 1 + i % 5, extra)


def namespace_doc(ns):
    return "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: %s\n" % ns


def platform_layout(files, objects):
    """[(path, namespace, [object indices], declares namespace)] for the platform repo."""
    per_ns = 10
    namespaces = max(1, files // per_ns)
    per_file = objects // files
    out = []
    i = 0
    for f in range(files):
        ns = "bench-%02d" % (f // per_ns) if namespaces <= 100 else "bench-%03d" % (f // per_ns)
        n = per_file + (1 if f < objects % files else 0)
        out.append(("apps/%s/cm-%03d.yaml" % (ns, f % per_ns), ns, list(range(i, i + n)),
                    f % per_ns == 0))
        i += n
    return out


def write_platform_file(root, path, ns, indices, declares, changed=None, step=0):
    docs = [namespace_doc(ns)] if declares else []
    docs += [configmap(ns, i, step if i == changed else 0) for i in indices]
    full = os.path.join(root, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w") as f:
        f.write("---\n".join(docs))


def make_platform(root, files, objects):
    os.makedirs(root, exist_ok=True)
    git("init", "-q", "-b", "main", cwd=root)
    for path, ns, indices, declares in platform_layout(files, objects):
        write_platform_file(root, path, ns, indices, declares)
    git("add", "-A", cwd=root)
    git("commit", "-q", "-m", "platform: %d ConfigMaps in %d files" % (objects, files), cwd=root)
    print(git("rev-parse", "HEAD", cwd=root))


def change(root, step):
    step = int(step)
    layout = platform_layout(*json.load(open(os.path.join(root, ".git", "bench-layout.json"))))
    # A different file each step, one ConfigMap in it gets a new data key.
    path, ns, indices, declares = layout[(len(layout) // 2 + 37 * step) % len(layout)]
    write_platform_file(root, path, ns, indices, declares, changed=indices[0], step=step)
    git("commit", "-q", "-a", "-m", "change %d: %s" % (step, path), cwd=root)
    print(git("rev-parse", "HEAD", cwd=root))


def tenant_config(t):
    ns = "tenant-%04d" % t
    return (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-config\n  namespace: %s\n"
        "  labels:\n    app.kubernetes.io/name: app-%d\ndata:\n  TENANT: \"%d\"\n"
        "  LOG_LEVEL: info\n---\n"
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-flags\n  namespace: %s\n"
        "data:\n  FEATURES: search,billing-v2\n  OWNER: team-%d@example.com\n"
    ) % (ns, t, t, ns, t)


def tenant_declaration(t, url):
    ns = "tenant-%04d" % t
    return (
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {ns}\n---\n"
        "apiVersion: gitops.mooring.dev/v1alpha1\nkind: GitRepository\nmetadata:\n"
        "  name: {ns}\n  namespace: {ns}\nspec:\n  url: {url}/tenants/{ns}.git\n"
        "  ref: {{branch: main}}\n  interval: 10m\n---\n"
        "apiVersion: gitops.mooring.dev/v1alpha1\nkind: Sync\nmetadata:\n"
        "  name: {ns}\n  namespace: {ns}\nspec:\n"
        "  sourceRef: {{kind: GitRepository, name: {ns}}}\n  path: ./\n  interval: 10m\n"
        "  prune: true\n  targetNamespace: {ns}\n  allowedNamespaces: [{ns}]\n---\n"
        # The Sync writes as system:sync:NS:NAME under RBAC: it may manage ConfigMaps in
        # its own namespace, nothing else.
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n"
        "  name: sync-writer\n  namespace: {ns}\nrules:\n"
        "- {{apiGroups: [\"\"], resources: [configmaps], "
        "verbs: [get, list, watch, create, update, patch, delete]}}\n---\n"
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n"
        "  name: sync-writer\n  namespace: {ns}\n"
        "roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: Role, name: sync-writer}}\n"
        "subjects:\n"
        "- {{apiGroup: rbac.authorization.k8s.io, kind: User, name: \"system:sync:{ns}:{ns}\"}}\n"
    ).format(ns=ns, url=url)


def make_tenants(platform, bare_root, count, url):
    count = int(count)
    os.makedirs(bare_root, exist_ok=True)
    template = os.path.join(bare_root, ".template.git")
    if not os.path.isdir(template):
        git("init", "-q", "--bare", "-b", "main", template)
    for t in range(count):
        bare = os.path.join(bare_root, "tenant-%04d.git" % t)
        shutil.rmtree(bare, ignore_errors=True)
        shutil.copytree(template, bare)
        content = tenant_config(t).encode()
        message = b"tenant %d" % t
        stream = (
            b"blob\nmark :1\ndata %d\n%s\n"
            b"commit refs/heads/main\nmark :2\n"
            b"author Bench <bench@example.com> 1767225600 +0000\n"
            b"committer Bench <bench@example.com> 1767225600 +0000\n"
            b"data %d\n%s\nM 100644 :1 config.yaml\n\n"
        ) % (len(content), content, len(message), message)
        git("--git-dir", bare, "fast-import", "--quiet", stdin=stream)
    shutil.rmtree(template)
    os.makedirs(os.path.join(platform, "tenants"), exist_ok=True)
    git("init", "-q", "-b", "main", cwd=platform)
    for t in range(count):
        with open(os.path.join(platform, "tenants", "tenant-%04d.yaml" % t), "w") as f:
            f.write(tenant_declaration(t, url))
    git("add", "-A", cwd=platform)
    git("commit", "-q", "-m", "%d tenants" % count, cwd=platform)
    print(git("rev-parse", "HEAD", cwd=platform))


def open_ro(db):
    deadline = time.time() + 30
    while True:
        try:
            c = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=5)
            c.execute("SELECT 1 FROM objects LIMIT 1").fetchall()
            return c
        except sqlite3.OperationalError:
            if time.time() > deadline:
                raise
            time.sleep(0.005)


def row(c, resource, ns, name):
    r = c.execute(
        "SELECT rv, data FROM objects WHERE grp = 'gitops.mooring.dev' AND resource = ? "
        "AND namespace = ? AND name = ?", (resource, ns, name)).fetchone()
    return r if r else (None, None)


def wait(db, sync, sha, since, timeout):
    since, timeout = float(since), float(timeout)
    ns, name = sync.split("/")
    c = None
    fetched = synced = None
    seen = {}
    status = {}
    while time.time() - since < timeout:
        if c is None and os.path.exists(db):
            c = open_ro(db)
        if c is not None:
            for resource in ("gitrepositories", "syncs"):
                rv, data = row(c, resource, ns, name)
                if rv is None or seen.get(resource) == rv:
                    continue
                seen[resource] = rv
                s = json.loads(data).get("status", {})
                status[resource] = s
                now = time.time()
                if resource == "gitrepositories" and fetched is None \
                        and s.get("artifact", {}).get("revision", "").endswith(sha):
                    fetched = now - since
                if resource == "syncs" and s.get("sync") == "Synced" \
                        and s.get("lastAppliedRevision", "").endswith(sha):
                    synced = now - since
            if synced is not None:
                break
        time.sleep(0.005)
    out = {"fetched_s": fetched, "synced_s": synced}
    sync_status = status.get("syncs", {})
    if synced is None:
        out["status"] = {k: v for k, v in sync_status.items() if k != "inventory"}
    else:
        h = (sync_status.get("history") or [{}])[0]
        out.update(created=h.get("created"), updated=h.get("updated"), pruned=h.get("pruned"),
                   inventory=len(sync_status.get("inventory", {}).get("entries", [])))
    print(json.dumps(out))


def wait_all(db, count, since, timeout):
    count, since, timeout = int(count), float(since), float(timeout)
    c = None
    platform = None
    first_error = None
    marks = {}
    done = 0
    failed = 0
    step = max(1, count // 10)
    fetched_all = None
    while time.time() - since < timeout:
        if c is None and os.path.exists(db):
            c = open_ro(db)
        if c is not None:
            rows = c.execute(
                "SELECT namespace, name, json_extract(CAST(data AS TEXT), '$.status.sync'), "
                "json_extract(CAST(data AS TEXT), '$.status.lastAppliedRevision'), "
                "json_extract(CAST(data AS TEXT), '$.status.errors') "
                "FROM objects WHERE grp = 'gitops.mooring.dev' AND resource = 'syncs'"
            ).fetchall()
            now = time.time() - since
            if fetched_all is None:
                fetched = c.execute(
                    "SELECT count(*) FROM objects WHERE grp = 'gitops.mooring.dev' AND "
                    "resource = 'gitrepositories' AND namespace != 'mooring-system' AND "
                    "json_extract(CAST(data AS TEXT), '$.status.artifact.revision') IS NOT NULL"
                ).fetchone()[0]
                if fetched >= count:
                    fetched_all = now
            done = failed = 0
            first_error = None
            for ns, name, state, applied, errors in rows:
                if (ns, name) == ("mooring-system", "platform"):
                    if platform is None and state == "Synced" and applied:
                        platform = now
                elif state == "Synced" and applied:
                    done += 1
                elif errors:
                    failed += 1
                    first_error = first_error or "%s/%s: %s" % (ns, name, errors[:300])
            for m in range(step, count + 1, step):
                if done >= m and m not in marks:
                    marks[m] = now
            if done >= count:
                marks[count] = now
                break
            if failed and done + failed >= count:
                break
        time.sleep(0.05)
    print(json.dumps({"platform_synced_s": platform, "synced": done, "failed": failed,
                      "repositories_fetched_s": fetched_all,
                      "first_error": first_error if c is not None else None,
                      "marks": sorted(marks.items()), "all_synced_s": marks.get(count)}))


def load_objects(tree):
    import yaml

    objects = {}
    for dirpath, dirnames, filenames in os.walk(tree):
        dirnames[:] = sorted(d for d in dirnames if d != ".git")
        for fn in sorted(filenames):
            if not fn.endswith((".yaml", ".yml")):
                continue
            with open(os.path.join(dirpath, fn), "rb") as f:
                for doc in yaml.load_all(f, Loader=yaml.CSafeLoader):
                    if not doc:
                        continue
                    md = doc.get("metadata", {})
                    key = (doc.get("apiVersion", ""), doc.get("kind", ""),
                           md.get("namespace", ""), md.get("name", ""))
                    objects[key] = json.dumps(doc, sort_keys=True, separators=(",", ":"))
    return objects


def open_peer_db(db):
    c = sqlite3.connect(db, isolation_level=None)
    c.execute("PRAGMA journal_mode=WAL")
    c.execute("PRAGMA synchronous=FULL")
    c.execute(
        "CREATE TABLE IF NOT EXISTS objects (api TEXT, kind TEXT, namespace TEXT, name TEXT, "
        "data TEXT NOT NULL, PRIMARY KEY (api, kind, namespace, name)) WITHOUT ROWID")
    return c


def peer(mode, url, clone, db):
    t0 = time.monotonic()
    if mode == "first":
        shutil.rmtree(clone, ignore_errors=True)
        git("clone", "-q", "--branch", "main", url, clone)
    else:
        git("fetch", "-q", "origin", cwd=clone)
        git("reset", "-q", "--hard", "origin/main", cwd=clone)
    objects = load_objects(clone)
    c = open_peer_db(db)
    c.execute("BEGIN IMMEDIATE")
    written = 0
    if mode == "first":
        c.executemany("INSERT INTO objects VALUES (?, ?, ?, ?, ?)",
                      [(*k, v) for k, v in objects.items()])
        written = len(objects)
    else:
        for k, v in objects.items():
            cur = c.execute(
                "INSERT INTO objects VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET "
                "data = excluded.data WHERE data IS NOT excluded.data", (*k, v))
            written += cur.rowcount
        live = c.execute("SELECT api, kind, namespace, name FROM objects").fetchall()
        gone = [k for k in live if tuple(k) not in objects]
        c.executemany("DELETE FROM objects WHERE api = ? AND kind = ? AND namespace = ? "
                      "AND name = ?", gone)
        written += len(gone)
    c.execute("COMMIT")
    c.close()
    print(json.dumps({"seconds": time.monotonic() - t0, "objects": len(objects),
                      "written": written}))


def cpu(pid, seconds):
    tick = os.sysconf("SC_CLK_TCK")

    def used():
        fields = open("/proc/%s/stat" % pid).read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / tick

    a = used()
    time.sleep(float(seconds))
    print("%.2f" % (used() - a))


def probe(files, objects):
    layout = platform_layout(int(files), int(objects))
    path, ns, indices, declares = layout[len(layout) // 2]
    print(ns, "cm-%05d" % indices[len(indices) // 2])


def settled(db, sync, timeout):
    ns, name = sync.split("/")
    deadline = time.time() + float(timeout)
    c = open_ro(db)
    while time.time() < deadline:
        ok = True
        for resource in ("gitrepositories", "syncs"):
            rv, data = row(c, resource, ns, name)
            o = json.loads(data) if data else {}
            st = o.get("status", {})
            if st.get("observedGeneration") != o.get("metadata", {}).get("generation"):
                ok = False
            if resource == "syncs" and st.get("sync") != "Synced":
                ok = False
        if ok:
            return
        time.sleep(0.05)
    raise SystemExit("%s did not settle within %s s" % (sync, timeout))


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "make-platform":
        root, files, objects = args[0], int(args[1]), int(args[2])
        make_platform(root, files, objects)
        json.dump([files, objects], open(os.path.join(root, ".git", "bench-layout.json"), "w"))
    elif cmd == "change":
        change(*args)
    elif cmd == "make-tenants":
        make_tenants(*args)
    elif cmd == "wait":
        wait(*args)
    elif cmd == "wait-all":
        wait_all(*args)
    elif cmd == "peer":
        peer(*args)
    elif cmd == "cpu":
        cpu(*args)
    elif cmd == "probe":
        probe(*args)
    elif cmd == "settled":
        settled(*args)
    else:
        raise SystemExit("unknown command " + cmd)


if __name__ == "__main__":
    main()
