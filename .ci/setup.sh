#!/usr/bin/env bash
# Installs the Debian packages Mooring needs, only those missing. Idempotent: when
# everything is present it changes nothing and does not touch the network.
set -euo pipefail

packages=(
  pkg-config      # finds the C libraries for SwiftPM's system library targets
  libyaml-dev     # CYAML: manifest parsing and printing
  libgit2-dev     # CGit2: Git sources (bare mirrors, fetch, trees)
  libre2-dev      # CRE2: linear-time regular expressions for CEL and schemas
  libsqlite3-dev  # the embedded store (GRDB uses the system SQLite)
  git             # end-to-end tests build real repositories
  curl            # end-to-end tests talk HTTP to the API and webhooks
  python3-venv    # `make bench` builds its Python peers in a virtual environment
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if ((${#missing[@]} > 0)); then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi

if ! command -v swift >/dev/null 2>&1; then
  echo "setup: the Swift toolchain (6.1 or later) is not on PATH; install it from swift.org" >&2
  exit 1
fi
