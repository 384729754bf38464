#!/usr/bin/env python3
"""Writes the seed corpora into corpus/<target>/ (run from fuzz/).

Frames from RFC 6455 section 5.7, a few multi-frame streams, browser- and
curl-like upgrade requests and 101 responses. The stream targets' inputs
start with a flags byte and cut bytes (see rfc6455_fuzz::split_input); the
handshake targets' with one or two option bytes."""
import os

KEY = bytes([0x37, 0xFA, 0x21, 0x3D])


def frame(opcode, payload, fin=True, mask=None, length=None):
    n = len(payload) if length is None else length
    mbit = 0x80 if mask else 0
    head = bytes([(0x80 if fin else 0) | opcode])
    if n <= 125:
        head += bytes([mbit | n])
    elif n <= 0xFFFF:
        head += bytes([mbit | 126]) + n.to_bytes(2, "big")
    else:
        head += bytes([mbit | 127]) + n.to_bytes(8, "big")
    if mask:
        head += mask
        payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return head + payload


def examples(mask):
    """RFC 6455 5.7, with the masking the receiving role expects."""
    m = KEY if mask else None
    return {
        "hello": frame(1, b"Hello", mask=m),
        "fragmented_hel_lo": frame(1, b"Hel", fin=False, mask=m) + frame(0, b"lo", mask=m),
        "ping_hello": frame(9, b"Hello", mask=m),
        "pong_hello": frame(10, b"Hello", mask=m),
        "binary_256": frame(2, bytes(range(256)), mask=m),
        # The 64 KiB header with a short payload (the frame stays incomplete).
        "binary_64k_head": frame(2, b"\x00" * 16, mask=m, length=65536),
        "stream_mixed": frame(1, b"caf\xc3", fin=False, mask=m)
        + frame(9, b"p", mask=m)
        + frame(0, b"\xa9!", mask=m)
        + frame(2, b"", mask=m)
        + frame(10, b"", mask=m)
        + frame(8, (1000).to_bytes(2, "big") + b"bye", mask=m),
        "stream_close_empty": frame(1, b"hi", mask=m) + frame(8, b"", mask=m) + frame(1, b"late", mask=m),
        "stream_bad_utf8": frame(1, b"ok", mask=m) + frame(1, b"\xe2\x28\xa1", mask=m),
    }


def write(target, name, data):
    os.makedirs(f"corpus/{target}", exist_ok=True)
    with open(f"corpus/{target}/{name}", "wb") as f:
        f.write(data)


# The RFC example masked frame is also a header seed.
write("frame_header", "rfc_masked_hello", frame(1, b"Hello", mask=KEY))
for name, data in examples(False).items():
    write("frame_header", name, data[:14])

for target, masked in (("server_stream", True), ("client_stream", False)):
    for name, data in examples(masked).items():
        write(target, name, b"\x00" + data)  # whole, default limits
    mixed = examples(masked)["stream_mixed"]
    write(target, "stream_mixed_cuts", bytes([0x03, 1, 5, 9]) + mixed)
    write(target, "stream_mixed_bytewise", b"\x07" + b"\x00" * 7 + mixed)
    write(target, "binary_256_small_limits", b"\x08" + examples(masked)["binary_256"])
    write(target, "ping_no_auto_reply", b"\x10" + examples(masked)["ping_hello"])

for name, data in examples(True).items():
    write("differential", name, data)

REQUESTS = {
    "rfc": b"GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\n"
    b"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    b"Origin: http://example.com\r\nSec-WebSocket-Protocol: chat, superchat\r\n"
    b"Sec-WebSocket-Version: 13\r\n\r\n\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58",
    "chrome": b"GET /socket?room=1 HTTP/1.1\r\nHost: example.com:8080\r\nConnection: Upgrade\r\n"
    b"Pragma: no-cache\r\nCache-Control: no-cache\r\n"
    b"User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36\r\n"
    b"Upgrade: websocket\r\nOrigin: https://example.com\r\nSec-WebSocket-Version: 13\r\n"
    b"Accept-Encoding: gzip, deflate, br\r\nAccept-Language: en-US,en;q=0.9\r\n"
    b"Sec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==\r\n"
    b"Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n",
    "firefox": b"GET /ws HTTP/1.1\r\nHost: example.com\r\n"
    b"User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0\r\n"
    b"Accept: */*\r\nAccept-Language: en-US,en;q=0.5\r\nAccept-Encoding: gzip, deflate, br\r\n"
    b"Sec-WebSocket-Version: 13\r\nOrigin: https://example.com\r\n"
    b"Sec-WebSocket-Protocol: chat, superchat\r\n"
    b"Sec-WebSocket-Extensions: permessage-deflate\r\n"
    b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nConnection: keep-alive, Upgrade\r\n"
    b"Sec-Fetch-Dest: empty\r\nSec-Fetch-Mode: websocket\r\nSec-Fetch-Site: same-origin\r\n"
    b"Pragma: no-cache\r\nCache-Control: no-cache\r\nUpgrade: websocket\r\n\r\n",
    "curl": b"GET / HTTP/1.1\r\nHost: localhost:9001\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n"
    b"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
    b"Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\n\r\n",
    "version_8": b"GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    b"Sec-WebSocket-Version: 8\r\nSec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\n\r\n",
}
for name, data in REQUESTS.items():
    write("handshake_request", name, bytes([0x1F, 0x40]) + data)

ACCEPT = b"ICX+Yqv66kxgM0FcWaLWlFLwTAI="  # for the nonce of 16 zero bytes
RESPONSES = {
    "101": b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    b"Sec-WebSocket-Accept: " + ACCEPT + b"\r\n\r\n",
    "101_protocol_extension": b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: WebSocket\r\n"
    b"Connection: upgrade\r\nSec-WebSocket-Accept:  " + ACCEPT + b" \r\n"
    b"Sec-WebSocket-Protocol: chat\r\n"
    b"Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=10\r\n\r\n\x81\x02hi",
    "101_rfc_key": b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    b"Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n",
    "302": b"HTTP/1.1 302 Found\r\nLocation: https://example.com/ws\r\nContent-Length: 0\r\n\r\n",
}
for name, data in RESPONSES.items():
    write("handshake_response", name, b"\x1f" + data)
