#!/usr/bin/env bash
# Install Python 2.7 and the Autobahn testsuite (`wstest`) on Debian 12, as root.
#
# Idempotent: when the venv already has a working wstest, it says so and exits
# without touching anything.
#
# Recipe:
#   1. Debian 12 (bookworm) dropped python2.7; Debian 11 (bullseye) still ships
#      it from the same mirror. Add a bullseye apt source (same URIs as the
#      system's own Debian source), pinned to priority 100 so nothing else is
#      taken from it, and install python2.7 + python2.7-dev from it.
#   2. From Python 3: virtualenv 20.21.1 (the last line that can create 2.7
#      envs) into a throwaway --target dir, create a 2.7 venv with it.
#   3. pip install autobahntestsuite==25.10.1 into that venv. Its sdist pins
#      every direct dependency (Twisted 19.10, autobahn 0.10.9, ...) itself.
#
# Environment:
#   AUTOBAHN_VENV  where the 2.7 venv goes (default /opt/autobahn-venv)
#   PYTHON3        Python 3 with pip used to run virtualenv (default python3)
set -euo pipefail

VENV="${AUTOBAHN_VENV:-/opt/autobahn-venv}"
WSTEST="$VENV/bin/wstest"
PY2=/usr/bin/python2.7   # explicit path: never a pyenv shim or similar
AUTOBAHNTESTSUITE_VERSION=25.10.1
VIRTUALENV_VERSION=20.21.1

log() { printf '[autobahn/install] %s\n' "$*"; }
die() { printf '[autobahn/install] error: %s\n' "$*" >&2; exit 1; }

wstest_works() {
    [ -x "$WSTEST" ] && "$WSTEST" --help >/dev/null 2>&1
}

if wstest_works; then
    log "already installed: $WSTEST (nothing changed)"
    exit 0
fi

# --- 1. python2.7 from bullseye -------------------------------------------
pkg_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

# Print the URI of the system's main Debian source: the first source entry
# whose suites include this release's codename (e.g. "bookworm", not
# "bookworm-security"). Handles deb822 (*.sources) and one-line (*.list).
debian_mirror_uri() {
    local codename="$1" f
    for f in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        awk -v want="$codename" '
            function flush() { if (types ~ /(^| )deb( |$)/ && hit && uri != "") { print uri; found = 1; exit } }
            /^[ \t]*#/ { next }
            /^[ \t]*$/ { flush(); types = ""; uri = ""; hit = 0; next }
            tolower($1) == "types:" { types = $0 }
            tolower($1) == "uris:" { uri = $2 }
            tolower($1) == "suites:" { for (i = 2; i <= NF; i++) if ($i == want) hit = 1 }
            END { if (!found) flush() }
        ' "$f" | head -n1 | grep . && return 0
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        # deb [options] URI SUITE COMPONENTS...
        awk -v want="$codename" '
            $1 == "deb" {
                i = 2
                if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
                if ($(i + 1) == want) { print $i; exit }
            }
        ' "$f" | head -n1 | grep . && return 0
    done
    return 1
}

install_python27() {
    if [ -x "$PY2" ] && pkg_installed python2.7-dev; then
        log "python2.7 already present: $("$PY2" --version 2>&1)"
        return
    fi
    [ "$(id -u)" -eq 0 ] || die "python2.7 is missing and installing it needs root"
    local codename
    # shellcheck source=/dev/null
    codename="$(. /etc/os-release && echo "${VERSION_CODENAME:-}")"
    [ -n "$codename" ] || die "cannot read VERSION_CODENAME from /etc/os-release"
    local uri
    uri="$(debian_mirror_uri "$codename")" \
        || die "no Debian source for '$codename' found in /etc/apt/sources.list{,.d/}"
    log "adding bullseye apt source (mirror: $uri), pinned to priority 100"
    cat > /etc/apt/sources.list.d/autobahn-bullseye.sources <<EOF
# Added by autobahn/install.sh: Debian 11 still ships python2.7.
Types: deb
URIs: $uri
Suites: bullseye
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    cat > /etc/apt/preferences.d/autobahn-bullseye <<'EOF'
# Added by autobahn/install.sh: take nothing from bullseye unless asked (-t bullseye).
Package: *
Pin: release n=bullseye
Pin-Priority: 100
EOF
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        -t bullseye python2.7 python2.7-dev
    [ -x "$PY2" ] || die "python2.7 install did not produce $PY2"
}

# --- 2. virtualenv + venv ---------------------------------------------------
pick_python3() {
    local py="${PYTHON3:-python3}"
    if "$py" -m pip --version >/dev/null 2>&1; then
        echo "$py"; return
    fi
    if ! /usr/bin/python3 -m pip --version >/dev/null 2>&1; then
        [ "$(id -u)" -eq 0 ] || die "python3 has no pip and installing python3-pip needs root"
        log "installing python3-pip"
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3-pip >&2
    fi
    echo /usr/bin/python3
}

create_venv() {
    local py3 tools
    py3="$(pick_python3)"
    tools="$(mktemp -d /tmp/autobahn-virtualenv.XXXXXX)"
    # shellcheck disable=SC2064
    trap "rm -rf '$tools'" EXIT
    log "installing virtualenv==$VIRTUALENV_VERSION with $py3 into a temporary dir"
    # --target bypasses PEP 668's externally-managed check on Debian's python3.
    "$py3" -m pip install --quiet --disable-pip-version-check \
        --target "$tools" "virtualenv==$VIRTUALENV_VERSION"
    rm -rf "$VENV"
    log "creating python2.7 venv at $VENV"
    PYTHONPATH="$tools" "$py3" -m virtualenv --quiet -p "$PY2" "$VENV"
}

# --- 3. autobahntestsuite ---------------------------------------------------
install_wstest() {
    log "installing autobahntestsuite==$AUTOBAHNTESTSUITE_VERSION into $VENV"
    # The sdist pins its direct dependencies (setuptools 44, Twisted 19.10,
    # autobahn 0.10.9, cryptography 3.3.2, ...). The py2.7 pip bundled by
    # virtualenv honours python_requires, so transitive deps resolve to their
    # last 2.7 releases by themselves.
    "$VENV/bin/pip" install --disable-pip-version-check --no-cache-dir \
        "autobahntestsuite==$AUTOBAHNTESTSUITE_VERSION"
}

start=$SECONDS
install_python27
create_venv
install_wstest

wstest_works || die "$WSTEST --help failed after install"
log "installed in $((SECONDS - start)) s: $("$PY2" --version 2>&1), autobahntestsuite $AUTOBAHNTESTSUITE_VERSION"
log "wstest: $WSTEST"
