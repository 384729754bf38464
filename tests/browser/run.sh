#!/usr/bin/env bash
# The chat_server example in a real browser: builds the example, installs
# playwright-core (pinned in package-lock.json; it drives Debian's Chromium,
# no browser is downloaded), starts the server on a free port with two fresh
# tokens, and runs chat.test.mjs with node's test runner. Exits non-zero on
# any failure; the server is killed on exit.
#
#   apt-get install -y chromium   # once, if /usr/bin/chromium is missing
#   bash tests/browser/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
    echo "no Chromium at $CHROMIUM: apt-get install -y chromium" >&2
    exit 1
fi

cargo build --example chat_server
server_bin="${CARGO_TARGET_DIR:-target}/debug/examples/chat_server"
(cd tests/browser && npm ci --no-audit --no-fund)

token() { od -An -N12 -tx1 /dev/urandom | tr -d ' \n'; }
export CHAT_TOKEN_ALICE="a-$(token)" CHAT_TOKEN_BOB="b-$(token)"

source tests/common/serve.sh
# The first stdout line is "chat server listening on http://127.0.0.1:PORT".
serve_example http "$server_bin" --listen 127.0.0.1:0 \
    --token "alice=$CHAT_TOKEN_ALICE" --token "bob=$CHAT_TOKEN_BOB"
export CHAT_URL="$SERVE_URL"
echo "chat server at $CHAT_URL"

status=0
(cd tests/browser && node --test --test-timeout=120000 chat.test.mjs) || status=$?
if [ "$status" -ne 0 ]; then
    echo "--- chat server stderr" >&2
    cat "$SERVE_STDERR" >&2
fi
exit "$status"
