#!/usr/bin/env bash
# `make run`: makes (or updates) a git repository from examples/platform in the data
# directory and starts the daemon on it with the embedded store. Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA_DIR=${DATA_DIR:-.data}
BIN=${BIN:-.build/release/mooring}
repo="$DATA_DIR/example-repo"
mkdir -p "$DATA_DIR"
if [[ ! -d "$repo/.git" ]]; then
  git init -q -b main "$repo"
fi
# Mirror examples/platform into the repository and commit what changed.
find "$repo" -mindepth 1 -maxdepth 1 ! -name .git -exec rm -rf {} +
cp -R examples/platform/. "$repo/"
git -C "$repo" add -A
if ! git -C "$repo" diff --cached --quiet || ! git -C "$repo" rev-parse -q --verify HEAD >/dev/null; then
  git -C "$repo" -c user.name="Mooring example" -c user.email=example@mooring.dev \
    commit -q -m "examples/platform as of $(date -u +%Y-%m-%dT%H:%M:%SZ)"
fi
url="file://$(cd "$repo" && pwd)"
echo "mooring: serving $url (store: $DATA_DIR/store.db); stop with Ctrl-C"
echo "mooring: in another terminal: $BIN status --data-dir $DATA_DIR"
echo "mooring: kubectl: $BIN kubeconfig --data-dir $DATA_DIR > $DATA_DIR/kubeconfig && kubectl --kubeconfig $DATA_DIR/kubeconfig get syncs -A"
exec "$BIN" serve --data-dir "$DATA_DIR" --bootstrap "$url" --bootstrap-interval 10s
