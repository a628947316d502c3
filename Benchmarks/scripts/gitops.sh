# Shared by the `sync` and `api` sections of Benchmarks/bench.sh, which sources this file
# (it uses that script's $PY, `cleanups` list, `stop_pid` and `free_ports`): the release
# `mooring`, a `git daemon` on a free port, the 10,000-object platform repository, and
# `mooring serve` daemons, every one stopped at exit.

SYNC_FILES=${SYNC_FILES:-1000}
SYNC_OBJECTS=${SYNC_OBJECTS:-10000}
SYNC_TIMEOUT=${SYNC_TIMEOUT:-300}
SYNC_INTERVAL=${SYNC_INTERVAL:-1s}

# MOORING_BIN=PATH measures that binary instead of building the release product.
MOORING=""
build_mooring() {
  [[ -n "$MOORING" ]] && return 0
  if [[ -n "${MOORING_BIN:-}" ]]; then
    MOORING=$MOORING_BIN
    return 0
  fi
  swift build -c release --product mooring
  MOORING="$(swift build -c release --show-bin-path)/mooring"
}

# One temporary directory for both sections (repositories, data directories, logs),
# removed at exit after every process in it has stopped.
gitops_tmp=""
gitops_tmp() {
  [[ -n "$gitops_tmp" ]] && return 0
  gitops_tmp=$(mktemp -d "${TMPDIR:-/tmp}/mooring-bench.XXXXXX")
  cleanups+=(remove_gitops_tmp)
  mkdir -p "$gitops_tmp/served"
}
remove_gitops_tmp() {
  if [[ -n "${BENCH_KEEP:-}" ]]; then
    echo "kept $gitops_tmp (BENCH_KEEP)" >&2
  elif [[ -n "$gitops_tmp" ]]; then
    rm -rf "$gitops_tmp"
  fi
  gitops_tmp=""
}

# git-daemon itself (not the `git daemon` wrapper, whose child would outlive a kill),
# serving every repository under $gitops_tmp/served, pushes included.
git_daemon_pid=""
git_port=""
start_git_daemon() {
  [[ -n "$git_daemon_pid" ]] && return 0
  gitops_tmp
  git_port=$(free_ports 1)
  "$(git --exec-path)/git-daemon" --reuseaddr --export-all --enable=receive-pack \
    --listen=127.0.0.1 --port="$git_port" --base-path="$gitops_tmp/served" \
    "$gitops_tmp/served" >"$gitops_tmp/git-daemon.log" 2>&1 &
  git_daemon_pid=$!
  cleanups+=(stop_git_daemon)
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$git_port") 2>/dev/null && return 0
    sleep 0.05
  done
  echo "git-daemon did not start: $(cat "$gitops_tmp/git-daemon.log")" >&2
  return 1
}
stop_git_daemon() {
  stop_pid "$git_daemon_pid"
  git_daemon_pid=""
}

# `mooring serve` on a free port with --insecure-http; sets mooring_pid. Every daemon
# started here is stopped (SIGTERM, then SIGKILL after 10 s) at exit.
mooring_pids=()
mooring_pid=""
start_mooring() { # DATA_DIR LOG [serve options...]
  local dir=$1 log=$2
  shift 2
  if ((${#mooring_pids[@]} == 0)); then cleanups+=(stop_moorings); fi
  rm -f "$dir/api-address"
  "$MOORING" serve --data-dir "$dir" --listen 127.0.0.1:0 --insecure-http "$@" >"$log" 2>&1 &
  mooring_pid=$!
  mooring_pids+=("$mooring_pid")
}
stop_mooring() { # PID
  stop_pid "$1"
  local kept=() p
  for p in "${mooring_pids[@]}"; do [[ "$p" == "$1" ]] || kept+=("$p"); done
  mooring_pids=(${kept[@]+"${kept[@]}"})
}
stop_moorings() {
  local p
  for p in ${mooring_pids[@]+"${mooring_pids[@]}"}; do stop_pid "$p"; done
  mooring_pids=()
}
api_url() { # DATA_DIR: waits for the API address file and /healthz
  local dir=$1
  for _ in $(seq 300); do
    [[ -s "$dir/api-address" ]] && break
    sleep 0.05
  done
  local url
  url=$(cat "$dir/api-address") || return 1
  "$PY" Benchmarks/peers/api_bench.py wait-http "$url/healthz" 30 || return 1
  echo "$url"
}
vm() { # PID FIELD (VmRSS, VmHWM): MB
  awk -v f="$2:" '$1 == f { printf "%.1f", $2 / 1024 }' "/proc/$1/status"
}
# Fails with the end of LOG when the daemon PID has exited.
check_alive() { # PID LOG
  if [[ ! "$(ps -o stat= -p "$1" 2>/dev/null)" =~ ^[^Z] ]]; then
    echo "mooring serve (pid $1) exited; the end of $2:" >&2
    tail -20 "$2" >&2
    return 1
  fi
}

# The platform repository: SYNC_OBJECTS ConfigMaps in SYNC_FILES files, in namespaces
# the repository declares; a work tree with `origin` at the git daemon.
platform_work=""
platform_url=""
platform_sha=""
make_platform_repo() {
  [[ -n "$platform_work" ]] && return 0
  start_git_daemon
  platform_work="$gitops_tmp/platform"
  git init -q --bare -b main "$gitops_tmp/served/platform.git"
  platform_sha=$("$PY" Benchmarks/peers/sync_bench.py make-platform "$platform_work" \
    "$SYNC_FILES" "$SYNC_OBJECTS")
  platform_url="git://127.0.0.1:$git_port/platform.git"
  git -C "$platform_work" remote add origin "$platform_url"
}
push_platform() {
  git -C "$platform_work" push -q origin main 2>>"$gitops_tmp/push.log"
}

# The daemon holding the platform repository's objects, shared by both sections.
platform_dir=""
platform_pid=""
platform_api=""
platform_log=""
start_platform_daemon() { # INTERVAL LOG: on $gitops_tmp/data (kept across restarts)
  platform_dir="$gitops_tmp/data"
  platform_log=$2
  start_mooring "$platform_dir" "$platform_log" --bootstrap "$platform_url" \
    --bootstrap-interval "$1"
  platform_pid=$mooring_pid
}
wait_synced() { # DATA_DIR NAMESPACE/SYNC SHA SINCE: prints the JSON of sync_bench.py wait
  "$PY" Benchmarks/peers/sync_bench.py wait "$1/store.db" "$2" "$3" "$4" "$SYNC_TIMEOUT"
}
now() { date +%s.%N; }
# The machine's load, for the record: these 2 cores are shared with other builds.
load_note() { # LABEL
  echo "load $1: loadavg $(cut -d' ' -f1-3 /proc/loadavg), swift-frontend processes:" \
    "$(pgrep -c swift-frontend || true), swift-build: $(pgrep -c swift-build || true)"
}
