#!/usr/bin/env bash
# `make bench`: builds the benchmarks in release mode, sets up the Python peers in a
# virtual environment under .bench/ (from PyPI), and prints each result with its ratio
# against a peer measured in the same run. Never part of `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_DIR=${BENCH_DIR:-.bench}
mkdir -p "$BENCH_DIR"

if [[ ! -x "$BENCH_DIR/venv/bin/python" ]]; then
  python3 -m venv "$BENCH_DIR/venv"
fi
if ! "$BENCH_DIR/venv/bin/python" -c 'import yaml; yaml.CSafeLoader' 2>/dev/null; then
  "$BENCH_DIR/venv/bin/pip" install -q PyYAML
fi
PY="$BENCH_DIR/venv/bin/python"

swift build -c release --package-path Benchmarks --product YAMLThroughput
BIN=$(swift build -c release --package-path Benchmarks --show-bin-path)

corpus="$BENCH_DIR/corpus"
[[ -d "$corpus" ]] || "$PY" Benchmarks/peers/make_corpus.py "$corpus"

echo "== YAML decode: 10,000 manifests =="
swift_json=$("$BIN/YAMLThroughput" "$corpus" 5)
py_json=$("$PY" Benchmarks/peers/pyyaml_load.py "$corpus" 3)
"$PY" - "$swift_json" "$py_json" <<'PY'
import json, sys
s, p = json.loads(sys.argv[1]), json.loads(sys.argv[2])
mb = s["bytes"] / 1e6
assert s["documents"] == p["documents"], (s["documents"], p["documents"])
dec, scan, py = mb / s["decode_seconds"], mb / s["scan_seconds"], mb / p["seconds"]
print(f"corpus: {mb:.1f} MB, {s['documents']} documents in {s['files']} files")
print(f"mooring decode:       {dec:8.1f} MB/s  ({s['documents'] / s['decode_seconds']:,.0f} docs/s)")
print(f"bare libyaml scan:    {scan:8.1f} MB/s")
print(f"PyYAML CSafeLoader:   {py:8.1f} MB/s")
print(f"ratio vs PyYAML:      {dec / py:6.2f}x   (target >= 3x)")
print(f"ratio vs libyaml scan:{dec / scan:6.2f}    (target >= 0.60)")
PY
