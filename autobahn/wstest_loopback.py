"""Run wstest with its listening socket bound to 127.0.0.1 only (Python 2.7).

wstest's fuzzingserver mode calls autobahn's listenWS(), which binds every
interface (interface=''). This shim makes it bind the loopback interface and
then runs wstest unchanged, with the same command-line arguments:

    $AUTOBAHN_VENV/bin/python wstest_loopback.py -m fuzzingserver -s fuzzingserver.json --webport 0
"""
import sys

import autobahntestsuite.fuzzing as fuzzing
from autobahntestsuite.wstest import run

_listen_ws = fuzzing.listenWS


def _listen_ws_loopback(factory, contextFactory=None, backlog=50, interface="127.0.0.1"):
    return _listen_ws(factory, contextFactory, backlog, interface)


fuzzing.listenWS = _listen_ws_loopback

if __name__ == "__main__":
    sys.argv[0] = "wstest"
    sys.exit(run())
