# The `api` section of Benchmarks/bench.sh (issue 7), sourced by it after gitops.sh.
#
# On the daemon of the `sync` section (or, run alone, one set up the same way untimed)
# holding SYNC_OBJECTS ConfigMaps, over --insecure-http on 127.0.0.1:
# - wrk GET of one object while the daemon still runs with --bootstrap-interval 1s (its
#   platform Sync re-plans every object every second), then the daemon is restarted on
#   the same data directory with --bootstrap-interval API_INTERVAL (10m: a production
#   setting) and every other figure is taken on it;
# - `kubectl get configmaps -A` (table), `-o json > file` and `--chunk-size=0` (table in
#   one request): one cold run of the table (empty discovery cache), then API_LIST_RUNS
#   warm runs of each; the peer is the same kubectl against
#   api_bench.py replay-server, which recorded Mooring's answers and replays the very
#   same bytes from memory (discovery, every page and continue token): pure transfer
#   plus kubectl's own work, so the ratio is Mooring's serving overhead;
# - wrk GET of one object for API_WRK_SECONDS with 2 connections per core (after a 2 s
#   warm-up), against etcd's JSON gateway range get of one key as the peer;
# - watch latency from write to delivery: API_WATCH_WRITES merge PATCHes one at a time
#   against a watch on the namespace; etcd's watch of puts as the peer;
# - RSS (VmRSS, VmHWM) of the daemon.

API_INTERVAL=${API_INTERVAL:-10m}
API_LIST_RUNS=${API_LIST_RUNS:-3}
API_WRK_SECONDS=${API_WRK_SECONDS:-10}
API_WATCH_WRITES=${API_WATCH_WRITES:-200}

install_wrk() {
  if ! command -v wrk >/dev/null; then
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk
  fi
}

# wrk with 2 connections per core after a 2 s warm-up; prints wrk_report.lua's JSON with
# the CPU time the server process PID used meanwhile.
run_wrk() { # URL PID [METHOD BODY CONTENT_TYPE]
  local threads conns before json after
  threads=$(nproc)
  conns=$((2 * threads))
  WRK_METHOD=${3:-} WRK_BODY=${4:-} WRK_CONTENT_TYPE=${5:-} \
    wrk -t"$threads" -c"$conns" -d2s -s Benchmarks/peers/wrk_report.lua "$1" >/dev/null
  before=$("$PY" Benchmarks/peers/api_bench.py cputime "$2")
  json=$(WRK_METHOD=${3:-} WRK_BODY=${4:-} WRK_CONTENT_TYPE=${5:-} \
    wrk -t"$threads" -c"$conns" -d"${API_WRK_SECONDS}s" --latency \
    -s Benchmarks/peers/wrk_report.lua "$1" | sed -n 's/^WRKJSON //p')
  after=$("$PY" Benchmarks/peers/api_bench.py cputime "$2")
  "$PY" Benchmarks/peers/api_bench.py wrk-json "$json" "$before" "$after"
}

timed() { "$PY" Benchmarks/peers/api_bench.py time-cmd "$@"; }

replay_pid=""
stop_replay() {
  stop_pid "$replay_pid"
  replay_pid=""
}

bench_api() {
  echo "== API (issue 7): kubectl, wrk and watch against mooring serve on 127.0.0.1 =="
  install_wrk
  build_mooring
  load_note "at the start"
  if [[ -z "$platform_pid" ]]; then
    # Run alone: the sync section's daemon, set up without timing.
    make_platform_repo
    push_platform
    start_platform_daemon "$SYNC_INTERVAL" "$gitops_tmp/mooring.log"
    wait_synced "$platform_dir" mooring-system/platform "$platform_sha" "$(now)" >/dev/null
    platform_api=$(api_url "$platform_dir")
  fi
  check_alive "$platform_pid" "$platform_log"
  local results="$gitops_tmp/api-results"
  : >"$results"
  local probe_ns probe_name
  read -r probe_ns probe_name < <("$PY" Benchmarks/peers/sync_bench.py probe "$SYNC_FILES" \
    "$SYNC_OBJECTS")
  local path="/api/v1/namespaces/$probe_ns/configmaps/$probe_name"

  # GET/s while the 1 s sync loop runs, then restart with API_INTERVAL.
  echo "rss_busy $("$PY" Benchmarks/peers/api_bench.py rss "$platform_pid")" >>"$results"
  echo "wrk_busy $(run_wrk "$platform_api$path" "$platform_pid")" >>"$results"
  stop_mooring "$platform_pid"
  start_platform_daemon "$API_INTERVAL" "$gitops_tmp/mooring-api.log"
  platform_api=$(api_url "$platform_dir")
  "$PY" Benchmarks/peers/sync_bench.py settled "$platform_dir/store.db" \
    mooring-system/platform "$SYNC_TIMEOUT"
  sleep 1
  check_alive "$platform_pid" "$platform_log"
  echo "rss_start $("$PY" Benchmarks/peers/api_bench.py rss "$platform_pid")" >>"$results"

  # kubectl get of every ConfigMap: mooring, then the replay peer.
  local kc="$gitops_tmp/kubectl" out="$gitops_tmp/kubectl.out"
  mkdir -p "$kc"
  "$MOORING" kubeconfig --data-dir "$platform_dir" >"$kc/mooring.kubeconfig"
  local k=(kubectl --kubeconfig "$kc/mooring.kubeconfig" --cache-dir "$kc/mooring-cache")
  echo "list_table_cold $(timed 1 "$out" "${k[@]}" get configmaps -A)" >>"$results"
  echo "list_table $(timed "$API_LIST_RUNS" "$out" "${k[@]}" get configmaps -A)" >>"$results"
  echo "list_json $(timed "$API_LIST_RUNS" "$out" "${k[@]}" get configmaps -A -o json)" >>"$results"
  # kubectl pages by 500 and its client-side rate limiter (5 requests/s after a burst of
  # 10) spaces the pages out; one request (--chunk-size=0) shows the server without it.
  echo "list_table_one $(timed "$API_LIST_RUNS" "$out" "${k[@]}" get configmaps -A \
    --chunk-size=0)" >>"$results"
  # kubectl's own account of that spacing: client-go logs each wait at -v=3.
  echo "list_throttle $("$PY" Benchmarks/peers/api_bench.py throttle "$out" "${k[@]}" \
    get configmaps -A -v=3)" >>"$results"
  echo "rss_list $("$PY" Benchmarks/peers/api_bench.py rss "$platform_pid")" >>"$results"

  "$PY" Benchmarks/peers/api_bench.py replay-server "$platform_api" "$kc/replay-port" &
  replay_pid=$!
  cleanups+=(stop_replay)
  for _ in $(seq 100); do
    [[ -s "$kc/replay-port" ]] && break
    sleep 0.05
  done
  local replay="http://127.0.0.1:$(cat "$kc/replay-port")"
  "$MOORING" kubeconfig --data-dir "$platform_dir" --server "$replay" >"$kc/replay.kubeconfig"
  local p=(kubectl --kubeconfig "$kc/replay.kubeconfig" --cache-dir "$kc/replay-cache")
  # Recording: the same commands once through the proxy (discovery cache filled too).
  timed 1 "$out" "${p[@]}" get configmaps -A >/dev/null
  timed 1 "$out" "${p[@]}" get configmaps -A -o json >/dev/null
  timed 1 "$out" "${p[@]}" get configmaps -A --chunk-size=0 >/dev/null
  "$PY" Benchmarks/peers/api_bench.py fetch "$replay/__bench/replay" >/dev/null
  echo "peer_list_table $(timed "$API_LIST_RUNS" "$out" "${p[@]}" get configmaps -A)" >>"$results"
  echo "peer_list_json $(timed "$API_LIST_RUNS" "$out" "${p[@]}" get configmaps -A -o json)" \
    >>"$results"
  echo "peer_list_table_one $(timed "$API_LIST_RUNS" "$out" "${p[@]}" get configmaps -A \
    --chunk-size=0)" >>"$results"
  echo "replay_stats $("$PY" Benchmarks/peers/api_bench.py fetch "$replay/__bench/stats")" \
    >>"$results"
  stop_replay

  # GET of one object under load, then watch latency.
  echo "wrk $(run_wrk "$platform_api$path" "$platform_pid")" >>"$results"
  echo "rss_wrk $("$PY" Benchmarks/peers/api_bench.py rss "$platform_pid")" >>"$results"
  echo "watch $("$PY" Benchmarks/peers/api_bench.py watch "$platform_api" "$probe_ns" \
    watch-probe "$API_WATCH_WRITES")" >>"$results"
  echo "rss_end $("$PY" Benchmarks/peers/api_bench.py rss "$platform_pid")" >>"$results"
  check_alive "$platform_pid" "$platform_log"

  # etcd: the same object's JSON at its kube-apiserver key, read by wrk through the
  # gateway (linearizable range, as the store section reads), and its watch.
  start_etcd
  local key="/registry/configmaps/$probe_ns/$probe_name"
  "$PY" Benchmarks/peers/api_bench.py fetch "$platform_api$path" "$kc/object.json"
  echo "etcd_object $("$PY" Benchmarks/peers/api_bench.py etcd-put \
    "127.0.0.1:$etcd_client_port" "$key" "$kc/object.json")" >>"$results"
  local body
  body=$("$PY" Benchmarks/peers/api_bench.py etcd-range-body "$key")
  echo "etcd_wrk $(run_wrk "http://127.0.0.1:$etcd_client_port/v3/kv/range" "$etcd_pid" POST "$body" \
    application/json)" >>"$results"
  echo "etcd_watch $("$PY" Benchmarks/peers/api_bench.py etcd-watch \
    "127.0.0.1:$etcd_client_port" "/registry/configmaps/$probe_ns/watch-probe" \
    "$API_WATCH_WRITES")" >>"$results"
  local etcd_version
  etcd_version=$(etcd --version | head -1)
  stop_etcd

  load_note "at the end"
  "$PY" - "$results" "$SYNC_OBJECTS" "$(nproc)" "$SYNC_INTERVAL" "$API_INTERVAL" \
    "$API_WRK_SECONDS" "$etcd_version" "$path" "$(wc -c <"$kc/object.json")" <<'PY'
import json, statistics, sys
path, objects, cores, sync_interval, api_interval, seconds, etcd_version, url, obj_bytes = sys.argv[1:10]
r = {}
for line in open(path):
    k, v = line.split(" ", 1)
    r[k] = json.loads(v)
def med(x): return statistics.median(x["seconds"])
def ratio(ours, peer, higher_better=False):
    if not ours or not peer: return "-"
    return f"{(ours / peer) if higher_better else (peer / ours):.2f}x"
print(f"machine: {cores} cores shared with other engineers' builds (noisy); wrk, kubectl and the")
print("  Python clients run on the same cores as the servers.")
print(f"daemon: {int(objects):,} ConfigMaps synced by the sync section, --insecure-http; restarted on the")
print(f"  same data directory with --bootstrap-interval {api_interval} (from {sync_interval}) before all but")
print("  the first GET figure.")
print()
lt, lj, plt, plj = r["list_table"], r["list_json"], r["peer_list_table"], r["peer_list_json"]
print(f"kubectl get configmaps -A, {lt['lines'] - 1:,} rows (table), median of {len(lt['seconds'])} warm runs:")
print(f"  mooring {med(lt):.3f} s   replay peer {med(plt):.3f} s   ratio {ratio(med(lt), med(plt))} "
      "(peer/mooring; 1.0 = no server overhead)")
print(f"  cold (empty discovery cache): mooring {r['list_table_cold']['seconds'][0]:.3f} s")
print(f"kubectl get configmaps -A -o json > file, {lj.get('items', 0):,} items, {lj['bytes'] / 1e6:.1f} MB:")
print(f"  mooring {med(lj):.3f} s   replay peer {med(plj):.3f} s   ratio {ratio(med(lj), med(plj))}")
st = r["replay_stats"]
print(f"  replay peer: {st['replayed']} answers replayed, {st['missed']} missed (proxied)"
      + (": " + ", ".join(st["missed_paths"][:5]) if st["missed"] else ""))
lo, plo = r["list_table_one"], r["peer_list_table_one"]
print(f"kubectl get configmaps -A --chunk-size=0 (one request, no client-side throttling), table:")
print(f"  mooring {med(lo):.3f} s   replay peer {med(plo):.3f} s   ratio {ratio(med(lo), med(plo))}")
print(f"  (by default kubectl asks for pages of 500: {(int(objects) + 499) // 500} requests, and its rate")
print("  limiter (client-go defaults: 5/s, burst 10) delays each page past the 10th by ~0.2 s)")
th = r["list_throttle"]
print(f"  kubectl's own log (-v=3), one table run of {th['seconds']:.3f} s: {th['waits']} waits for"
      f" client-side throttling, {th['waited']:.3f} s in all")
w, wb, ew = r["wrk"], r["wrk_busy"], r["etcd_wrk"]
def wrkline(x):
    errs = x["errors_status"] + x["errors_connect"] + x["errors_read"] + x["errors_write"] + x["errors_timeout"]
    return (f"{x['rps']:>9,.0f} req/s  p50 {x['p50_ms']:.2f} ms  p99 {x['p99_ms']:.2f} ms"
            f"  server CPU {x['server_cpu_us_per_request']:.0f} us/req"
            + (f"  ({errs} errors)" if errs else ""))
print(f"GET {url} ({int(obj_bytes)} B), wrk {cores} threads x {2 * int(cores)} connections, {seconds} s:")
print(f"  mooring:                 {wrkline(w)}")
print(f"  mooring, {sync_interval} sync loop on: {wrkline(wb)}")
print(f"  {etcd_version.replace(' Version:', '')} range:      {wrkline(ew)}   (JSON gateway, linearizable,"
      f" {r['etcd_object']['range_response_bytes']} B answer)")
print(f"  ratio vs etcd: {ratio(w['rps'], ew['rps'], higher_better=True)} req/s, "
      f"p99 {ratio(w['p99_ms'], ew['p99_ms'])} (etcd/mooring), server CPU per request "
      f"{ratio(w['server_cpu_us_per_request'], ew['server_cpu_us_per_request'])} (etcd/mooring)")
print(f"  (wrk shares the {cores} cores: at {w['server_cpu_us_per_request']:.0f} us of CPU per request the daemon"
      f" alone could serve at most ~{int(cores) * 1e6 / w['server_cpu_us_per_request']:,.0f}/s on them)")
wa, ea = r["watch"], r["etcd_watch"]
def lat(x): return f"p50 {x['p50_ms']:.2f} ms  p99 {x['p99_ms']:.2f} ms  max {x['max_ms']:.2f} ms"
print(f"watch, {wa['writes']} merge PATCHes one at a time, write return -> event received:")
print(f"  mooring: {lat(wa['from_return'])}  (from the call: {lat(wa['from_call'])}; "
      f"{wa['before_return']} events before the return, {wa['lost']} lost)")
print(f"  etcd put: {lat(ea['from_return'])}  (from the call: {lat(ea['from_call'])}; "
      f"{ea['before_return']} before the return, {ea['lost']} lost)")
def mb(k, f): return f"{r[k].get(f, 0):.0f}"
print(f"memory (MB): with the {sync_interval} sync loop VmRSS {mb('rss_busy', 'VmRSS')} (VmHWM {mb('rss_busy', 'VmHWM')});"
      f" restarted: at start {mb('rss_start', 'VmRSS')}, after lists {mb('rss_list', 'VmRSS')},"
      f" after wrk {mb('rss_wrk', 'VmRSS')}, at the end {mb('rss_end', 'VmRSS')}, VmHWM {mb('rss_end', 'VmHWM')}")
print()
print("targets (printed, not asserted):")
def met(ok): return "met" if ok else "NOT met"
print(f"  kubectl list of {int(objects):,} < 1 s: {med(lt):.3f} s table, {med(lj):.3f} s json  {met(med(lt) < 1)}"
      f"  (one request: {med(lo):.3f} s; the replay peer's {med(plt):.3f} s is kubectl's own floor)")
print(f"  > 20,000 GET/s:           {w['rps']:,.0f}  {met(w['rps'] > 20000)}")
print(f"  watch p99 < 10 ms:        {wa['from_return']['p99_ms']:.2f} ms  {met(wa['from_return']['p99_ms'] < 10)}")
hwm = max(r[k].get("VmHWM", 0) for k in ("rss_busy", "rss_end"))
print(f"  RSS < 150 MB:             VmHWM {hwm:.0f} MB (the larger of both daemons)  {met(hwm < 150)}")
PY
}
