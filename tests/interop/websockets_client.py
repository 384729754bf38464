"""Python's `websockets` client (permessage-deflate on, as by default)
against our echo server: every message comes back unchanged, and the
handshake negotiated permessage-deflate. Exits non-zero on any failure."""

import os
import sys

from websockets.sync.client import connect


def main(url: str) -> None:
    with connect(url, max_size=None) as ws:
        extensions = ws.response.headers.get("Sec-WebSocket-Extensions", "")
        assert "permessage-deflate" in extensions, extensions
        json = '{"type": "message", "room": "lobby", "text": "' + "héllo " * 50 + '"}'
        for size in [0, 1, 125, 126, 4096, 65536, 1 << 20]:
            text = "é" * (size // 2) + "x" * (size % 2)
            ws.send(text)
            assert ws.recv() == text
            data = os.urandom(size)
            ws.send(data)
            assert ws.recv() == data
        for _ in range(200):  # context takeover
            ws.send(json)
            assert ws.recv() == json
        zeros = bytes(4 << 20)
        ws.send(zeros)
        assert ws.recv() == zeros
        ws.close(1000, "done")
    print("python websockets: every echo matched, permessage-deflate:", extensions)


if __name__ == "__main__":
    main(sys.argv[1])
