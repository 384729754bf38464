#!/usr/bin/env bash
# Interoperability with the clients people use, permessage-deflate on:
# Node's `ws` and Python's `websockets` against the echo_server example.
# Installs both (pinned: package-lock.json here, and websockets==13.1 into
# a private directory), starts the server on a free port, runs both
# clients, and exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/../.."

cargo build --release --example echo_server
server_bin="${CARGO_TARGET_DIR:-target}/release/examples/echo_server"
(cd tests/interop && npm ci --no-audit --no-fund)
pydeps="tests/interop/.python"
if ! python3 -m pip --version >/dev/null 2>&1; then
    [ "$(id -u)" -eq 0 ] || { echo "python3 has no pip and installing python3-pip needs root" >&2; exit 1; }
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-pip
fi
# --target also keeps clear of PEP 668's externally-managed check on Debian.
[ -d "$pydeps/websockets" ] ||
    python3 -m pip install --quiet --disable-pip-version-check --target "$pydeps" websockets==13.1

source tests/common/serve.sh
serve_example ws "$server_bin" 127.0.0.1:0

node tests/interop/ws_client.mjs "$SERVE_URL/"
PYTHONPATH="$pydeps" python3 tests/interop/websockets_client.py "$SERVE_URL/"
