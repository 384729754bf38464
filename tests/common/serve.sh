# shellcheck shell=bash
# Starts an example server on a free port for the scripts in tests/*/run.sh,
# finds the address it listens on, and kills it when the script exits.
#
#   source tests/common/serve.sh
#   serve_example ws "$server_bin" 127.0.0.1:0    # the server's own arguments
#   node client.mjs "$SERVE_URL/"
#
# `serve_example SCHEME BINARY [ARG...]` runs BINARY with the arguments in
# the background, its stdout and stderr going to files in a fresh temporary
# directory, and waits up to 10 seconds for the first line of its stdout to
# contain SCHEME://ADDRESS:PORT (give the server port 0 so that the system
# picks a free one; the examples print the port they got). It then sets
#
#   SERVE_URL     the address printed, e.g. ws://127.0.0.1:40123
#   SERVE_PID     the server's process id
#   SERVE_STDERR  the file with the server's stderr, to show after a failure
#
# If the server exits before printing its address, its stderr is copied to
# ours; if it prints nothing in time, that is said. Either way the function
# returns 1, which stops a `set -e` script.
#
# It sets the EXIT trap (kill the server, wait for it, remove the directory),
# so a script that uses it must not set its own. One server per script.

SERVE_URL=""
SERVE_PID=""
SERVE_STDERR=""
serve_dir=""

serve_cleanup() {
    if [ -n "$SERVE_PID" ]; then
        kill "$SERVE_PID" 2>/dev/null || true
        wait "$SERVE_PID" 2>/dev/null || true
    fi
    if [ -n "$serve_dir" ]; then
        rm -rf "$serve_dir"
    fi
}

serve_example() {
    local scheme="$1" bin="$2"
    shift 2
    serve_dir="$(mktemp -d)"
    SERVE_STDERR="$serve_dir/stderr"
    trap serve_cleanup EXIT

    "$bin" "$@" >"$serve_dir/stdout" 2>"$SERVE_STDERR" &
    SERVE_PID=$!
    SERVE_URL=""
    for _ in $(seq 100); do
        SERVE_URL="$(head -n1 "$serve_dir/stdout" | grep -o "$scheme://[0-9.:]*" || true)"
        [ -n "$SERVE_URL" ] && return 0
        kill -0 "$SERVE_PID" 2>/dev/null || { cat "$SERVE_STDERR" >&2; return 1; }
        sleep 0.1
    done
    echo "$(basename "$bin") did not print its address within 10 s" >&2
    return 1
}
