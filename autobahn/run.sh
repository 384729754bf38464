#!/usr/bin/env bash
# Run the Autobahn testsuite against rfc6455's examples and check the results.
#
#   server role: wstest -m fuzzingclient tests two agents in one run:
#                examples/echo_server (blocking, agent rfc6455, 127.0.0.1:9001) and
#                examples/tokio_echo (tokio, agent rfc6455-tokio, 127.0.0.1:9003)
#   client role: wstest -m fuzzingserver (127.0.0.1:9002) tests examples/autobahn_client
#
# Usage: bash autobahn/run.sh [options]
#   --server-only          run only the server role
#   --client-only          run only the client role
#   --server-bin PATH      server binary to test alone, run as `PATH 127.0.0.1:9001`
#                          (env AUTOBAHN_SERVER_BIN; default: our two example servers)
#   --server-agent NAME    agent name of that server in the reports
#                          (env AUTOBAHN_SERVER_AGENT; default rfc6455)
#   --client-bin PATH      client binary to test, run as `PATH ws://127.0.0.1:9002 AGENT`
#                          (env AUTOBAHN_CLIENT_BIN; default: our autobahn_client example)
#   --client-agent NAME    agent name the client reports as
#                          (env AUTOBAHN_CLIENT_AGENT; default rfc6455)
#   --no-build             do not run cargo build; use the binaries as they are
#   --compare-expected     also compare with expected-results.json (see check.py)
#   --write-expected       also (re)write expected-results.json from this run
#
# Results go to autobahn/reports/server and autobahn/reports/client (HTML:
# index.html there); an agent other than rfc6455 gets reports/server-AGENT or
# reports/client-AGENT so it does not overwrite ours. Logs: autobahn/reports/logs.
# Other environment: AUTOBAHN_VENV (wstest venv, default /opt/autobahn-venv),
# AUTOBAHN_TIMEOUT (seconds allowed per role run, default 3600).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
VENV="${AUTOBAHN_VENV:-/opt/autobahn-venv}"
WSTEST="$VENV/bin/wstest"
TARGET="${CARGO_TARGET_DIR:-target}"
[[ "$TARGET" = /* ]] || TARGET="$ROOT/$TARGET"

DEFAULT_AGENT=rfc6455
SERVER_PORT=9001   # must match fuzzingclient.json
TOKIO_PORT=9003    # the second agent in fuzzingclient.json
TOKIO_AGENT=rfc6455-tokio
CLIENT_PORT=9002   # must match fuzzingserver.json
SERVER_BIN="${AUTOBAHN_SERVER_BIN:-}"
SERVER_AGENT="${AUTOBAHN_SERVER_AGENT:-$DEFAULT_AGENT}"
CLIENT_BIN="${AUTOBAHN_CLIENT_BIN:-}"
CLIENT_AGENT="${AUTOBAHN_CLIENT_AGENT:-$DEFAULT_AGENT}"
TIMEOUT="${AUTOBAHN_TIMEOUT:-3600}"
RUN_SERVER=1
RUN_CLIENT=1
BUILD=1
CHECK_ARGS=()

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; }
log() { printf '[autobahn] %s\n' "$*"; }
die() { printf '[autobahn] error: %s\n' "$*" >&2; exit 1; }

while [ $# -gt 0 ]; do
    case "$1" in
        --server-only) RUN_CLIENT=0 ;;
        --client-only) RUN_SERVER=0 ;;
        --server-bin) SERVER_BIN="${2:?--server-bin needs a path}"; shift ;;
        --server-agent) SERVER_AGENT="${2:?--server-agent needs a name}"; shift ;;
        --client-bin) CLIENT_BIN="${2:?--client-bin needs a path}"; shift ;;
        --client-agent) CLIENT_AGENT="${2:?--client-agent needs a name}"; shift ;;
        --no-build) BUILD=0 ;;
        --compare-expected | --write-expected) CHECK_ARGS+=("$1") ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; die "unknown option: $1" ;;
    esac
    shift
done
[ "$RUN_SERVER$RUN_CLIENT" != 00 ] || die "--server-only and --client-only together leave nothing to run"
# We cd to autobahn/ below: make relative binary paths absolute now.
[[ -z "$SERVER_BIN" || "$SERVER_BIN" = /* || "$SERVER_BIN" != */* ]] || SERVER_BIN="$PWD/$SERVER_BIN"
[[ -z "$CLIENT_BIN" || "$CLIENT_BIN" = /* || "$CLIENT_BIN" != */* ]] || CLIENT_BIN="$PWD/$CLIENT_BIN"

# --- processes: every one we start is recorded here and stopped on exit ----
SERVER_PID=""
TOKIO_PID=""
WSTEST_PID=""
CLIENT_PID=""

stop_pid() {   # stop_pid PID: TERM, up to 5 s grace, then KILL
    local pid="$1"
    [ -n "$pid" ] || return 0
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}
# shellcheck disable=SC2317  # (called from the EXIT trap)
cleanup() {
    stop_pid "$CLIENT_PID"
    stop_pid "$WSTEST_PID"
    stop_pid "$SERVER_PID"
    stop_pid "$TOKIO_PID"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- ports ------------------------------------------------------------------
port_accepts() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

require_free_port() {   # fail unless we can listen on 127.0.0.1:PORT
    python3 -c 'import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # ignore TIME_WAIT leftovers
s.bind(("127.0.0.1", int(sys.argv[1])))' "$1" 2>/dev/null \
        || die "port 127.0.0.1:$1 is in use; stop whatever listens there (see \`ss -ltnp 'sport = :$1'\`)"
}

wait_for_port() {   # wait_for_port PORT PID SECONDS LOG
    local port="$1" pid="$2" limit="$3" logfile="$4" start=$SECONDS
    until port_accepts "$port"; do
        if ! kill -0 "$pid" 2>/dev/null; then
            tail -n 20 "$logfile" >&2 || true
            die "process $pid exited before listening on 127.0.0.1:$port (log: $logfile)"
        fi
        if [ $((SECONDS - start)) -ge "$limit" ]; then
            tail -n 20 "$logfile" >&2 || true
            die "nothing listening on 127.0.0.1:$port after ${limit}s (log: $logfile)"
        fi
        sleep 0.2
    done
}

RC=0
wait_pid() {   # wait_pid PID: wait for our child PID; its exit status in RC
    RC=0
    wait "$1" || RC=$?
}

wait_bounded() {   # wait_bounded PID SECONDS: as wait_pid, but stop it after SECONDS (RC=124)
    local pid="$1" limit="$2" start=$SECONDS
    while kill -0 "$pid" 2>/dev/null; do
        if [ $((SECONDS - start)) -ge "$limit" ]; then
            stop_pid "$pid"
            RC=124
            return
        fi
        sleep 0.5
    done
    wait_pid "$pid"
}

# spec_for TEMPLATE OUTDIR AGENT: the spec to give wstest. Ours is used as it
# is; another agent gets a copy with its own outdir (and server entry).
spec_for() {
    local template="$1" outdir="$2" agent="$3"
    if [ "$agent" = "$DEFAULT_AGENT" ] && { [ "$template" != fuzzingclient.json ] || [ -z "$CUSTOM_SERVER" ]; }; then
        echo "$template"
        return
    fi
    local out="$LOGS/${template%.json}-$agent.json"
    python3 - "$template" "$outdir" "$agent" "$out" <<'EOF'
import json, sys
template, outdir, agent, out = sys.argv[1:]
with open(template) as f:
    spec = json.load(f)
spec["outdir"] = outdir
if "servers" in spec:
    spec["servers"] = [{"agent": agent, "url": spec["servers"][0]["url"]}]
with open(out, "w") as f:
    json.dump(spec, f, indent=3)
EOF
    echo "$out"
}

outdir_for() {   # outdir_for ROLE AGENT
    if [ "$2" = "$DEFAULT_AGENT" ]; then echo "reports/$1"; else echo "reports/$1-$2"; fi
}

# --- (a) wstest, (b) build ----------------------------------------------------
cd "$HERE"   # the specs' outdirs are relative to autobahn/
LOGS="$HERE/reports/logs"
mkdir -p "$LOGS"

if [ ! -x "$WSTEST" ]; then
    log "wstest not found at $WSTEST; running install.sh"
    bash "$HERE/install.sh"
fi

EXAMPLES=()
CUSTOM_SERVER="$SERVER_BIN"
[ "$RUN_SERVER" = 0 ] || [ -n "$SERVER_BIN" ] || EXAMPLES+=(--example echo_server --example tokio_echo)
[ "$RUN_CLIENT" = 0 ] || [ -n "$CLIENT_BIN" ] || EXAMPLES+=(--example autobahn_client)
if [ "$BUILD" = 1 ] && [ ${#EXAMPLES[@]} -gt 0 ]; then
    log "cargo build --release ${EXAMPLES[*]}"
    (cd "$ROOT" && cargo build --release "${EXAMPLES[@]}")
fi
SERVER_BIN="${SERVER_BIN:-$TARGET/release/examples/echo_server}"
TOKIO_BIN="$TARGET/release/examples/tokio_echo"
CLIENT_BIN="${CLIENT_BIN:-$TARGET/release/examples/autobahn_client}"

REPORT_DIRS=()

# --- (c) server role: wstest is the client ----------------------------------
run_server_role() {
    local outdir spec logfile start=$SECONDS
    [ -x "$SERVER_BIN" ] || die "server binary not found: $SERVER_BIN"
    outdir="$(outdir_for server "$SERVER_AGENT")"
    spec="$(spec_for fuzzingclient.json "$outdir" "$SERVER_AGENT")"
    rm -rf "$outdir"
    require_free_port "$SERVER_PORT"

    logfile="$LOGS/server-$SERVER_AGENT.log"
    log "server role: starting $SERVER_BIN 127.0.0.1:$SERVER_PORT (agent $SERVER_AGENT)"
    "$SERVER_BIN" "127.0.0.1:$SERVER_PORT" >"$logfile" 2>&1 &
    SERVER_PID=$!
    wait_for_port "$SERVER_PORT" "$SERVER_PID" 30 "$logfile"
    if [ -z "$CUSTOM_SERVER" ]; then
        [ -x "$TOKIO_BIN" ] || die "server binary not found: $TOKIO_BIN"
        require_free_port "$TOKIO_PORT"
        log "server role: starting $TOKIO_BIN 127.0.0.1:$TOKIO_PORT (agent $TOKIO_AGENT)"
        "$TOKIO_BIN" "127.0.0.1:$TOKIO_PORT" >"$LOGS/server-$TOKIO_AGENT.log" 2>&1 &
        TOKIO_PID=$!
        wait_for_port "$TOKIO_PORT" "$TOKIO_PID" 30 "$LOGS/server-$TOKIO_AGENT.log"
    fi

    log "server role: wstest -m fuzzingclient -s $spec (log: $LOGS/wstest-fuzzingclient.log)"
    "$WSTEST" -m fuzzingclient -s "$spec" >"$LOGS/wstest-fuzzingclient.log" 2>&1 &
    WSTEST_PID=$!
    wait_bounded "$WSTEST_PID" "$TIMEOUT"
    WSTEST_PID=""
    [ "$RC" != 124 ] || log "server role: wstest timed out after ${TIMEOUT}s"
    [ "$RC" = 0 ] || [ "$RC" = 124 ] || log "server role: wstest exited with status $RC (see its log)"

    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        wait_pid "$SERVER_PID"
        log "server role: the server exited during the run (status $RC); log: $logfile"
    fi
    stop_pid "$SERVER_PID"
    SERVER_PID=""
    REPORT_DIRS+=("$outdir=$SERVER_AGENT")
    if [ -n "$TOKIO_PID" ]; then
        kill -0 "$TOKIO_PID" 2>/dev/null \
            || log "server role: $TOKIO_AGENT exited during the run; log: $LOGS/server-$TOKIO_AGENT.log"
        stop_pid "$TOKIO_PID"
        TOKIO_PID=""
        REPORT_DIRS+=("$outdir=$TOKIO_AGENT")
    fi
    log "server role: done in $((SECONDS - start)) s"
}

# --- (d) client role: wstest is the server ----------------------------------
run_client_role() {
    local outdir spec logfile start=$SECONDS
    [ -x "$CLIENT_BIN" ] || die "client binary not found: $CLIENT_BIN"
    outdir="$(outdir_for client "$CLIENT_AGENT")"
    spec="$(spec_for fuzzingserver.json "$outdir" "$CLIENT_AGENT")"
    rm -rf "$outdir"
    require_free_port "$CLIENT_PORT"

    logfile="$LOGS/wstest-fuzzingserver.log"
    # wstest_loopback.py = wstest with its listener bound to 127.0.0.1 only;
    # --webport 0: no embedded HTTP server (it would listen on *:8080).
    log "client role: wstest -m fuzzingserver -s $spec (log: $logfile)"
    "$VENV/bin/python" "$HERE/wstest_loopback.py" -m fuzzingserver -s "$spec" --webport 0 \
        >"$logfile" 2>&1 &
    WSTEST_PID=$!
    wait_for_port "$CLIENT_PORT" "$WSTEST_PID" 60 "$logfile"

    log "client role: $CLIENT_BIN ws://127.0.0.1:$CLIENT_PORT $CLIENT_AGENT (log: $LOGS/client-$CLIENT_AGENT.log)"
    "$CLIENT_BIN" "ws://127.0.0.1:$CLIENT_PORT" "$CLIENT_AGENT" >"$LOGS/client-$CLIENT_AGENT.log" 2>&1 &
    CLIENT_PID=$!
    wait_bounded "$CLIENT_PID" "$TIMEOUT"
    CLIENT_PID=""
    [ "$RC" != 124 ] || log "client role: the client timed out after ${TIMEOUT}s"
    [ "$RC" = 0 ] || [ "$RC" = 124 ] || log "client role: the client exited with status $RC (see its log)"

    # /updateReports has normally written index.json already; allow a moment.
    for _ in $(seq 50); do [ -f "$outdir/index.json" ] && break; sleep 0.1; done
    stop_pid "$WSTEST_PID"
    WSTEST_PID=""
    log "client role: done in $((SECONDS - start)) s"
    REPORT_DIRS+=("$outdir=$CLIENT_AGENT")
}

[ "$RUN_SERVER" = 0 ] || run_server_role
[ "$RUN_CLIENT" = 0 ] || run_client_role

# --- (e) check ----------------------------------------------------------------
rc=0
python3 "$HERE/check.py" ${CHECK_ARGS[@]+"${CHECK_ARGS[@]}"} "${REPORT_DIRS[@]}" || rc=$?
exit "$rc"
