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


# The `ops` target's input is decoded by `#[derive(Arbitrary)]` (arbitrary
# 1.x), so its seeds are written in that layout, mirroring `Input` and
# `Op` in fuzz_targets/ops.rs: an enum is a little-endian u32 `x` choosing
# variant `x * count >> 32`; a bool is a byte's low bit; an Option a bool
# then the value; a Vec a 1 byte before each element and a 0 after the
# last. (Strings take their length from the end of the data: not used.)
# Change these along with the types.
def tag(index, count):
    return (((index << 32) + count - 1) // count).to_bytes(4, "little")


def u8(n):
    return bytes([n])


def u16(n):
    return n.to_bytes(2, "little")


def u64(n):
    return n.to_bytes(8, "little")


def boolean(b):
    return b"\x01" if b else b"\x00"


def vec(items):
    return b"".join(b"\x01" + item for item in items) + b"\x00"


def blob(data):
    return vec([bytes([b]) for b in data])


CLIENT, SERVER = tag(0, 2), tag(1, 2)
AMPLE = tag(0, 3)


def exactly(n):
    return tag(1, 3) + u8(n)


def short(k):
    return tag(2, 3) + u8(k)


def inflate_small(n):
    return tag(0, 2) + u8(n - 1)


def inflate_any(n):
    return tag(1, 2) + u16(n - 1)


OPS = 15


def op(index, *fields):
    return tag(index, OPS) + b"".join(fields)


def receive(side, data, room):
    return op(0, side, blob(data), room)


def receive_no_room(to, max_, room):
    return op(1, to, u16(max_), room)


def send_binary(side, data, room):
    return op(3, side, blob(data), room)


def send_frame(side, opcode, fin, data, room, uncompressed=False):
    return op(5 if uncompressed else 4, side, u8(opcode), boolean(fin), blob(data), room)


def ping(side, data, room):
    return op(6, side, blob(data), room)


def start_frame(side, opcode, fin, length, room):
    return op(9, side, u8(opcode), boolean(fin), length, room)


def frame_payload(side, data, written):
    return op(10, side, blob(data), boolean(written))


def poll_transmit(side, room):
    return op(11, side, room)


def to_vec_binary(side, data, prefix):
    return op(12, side, tag(1, 5) + blob(data), u8(prefix))


def to_vec_frame(side, opcode, fin, data, prefix):
    return op(12, side, tag(2, 5) + u8(opcode) + boolean(fin) + blob(data), u8(prefix))


def to_vec_poll(side, prefix):
    return op(12, side, tag(4, 5), u8(prefix))


def eof(side):
    return op(13, side)


def deliver(to, max_, room):
    return op(14, to, u16(max_), room)


def deflate_side(level=6, bits=15, peer_bits=15, no_takeover=False, peer_no_takeover=False):
    # Fields are mapped into range by the target: level % 10, 8 + bits % 8.
    return u8(level) + u8(bits - 8) + u8(peer_bits - 8) + boolean(no_takeover) + boolean(peer_no_takeover)


def ops_input(deflate, ops, replies=(True, True, True, True)):
    head = b"\x00" if deflate is None else b"\x01" + deflate[0] + deflate[1]
    return head + b"".join(boolean(r) for r in replies) + vec(ops)


TEXT, BINARY, CLOSE, CONTINUATION = 1, 2, 3, 0
HELLO = b"hello hello hello hello"
DEFLATE_DEFAULT = (deflate_side(), deflate_side())
DEFLATE_SMALL = (
    deflate_side(level=9, bits=8, peer_bits=9, no_takeover=True),
    deflate_side(level=1, bits=10, peer_bits=8, peer_no_takeover=True),
)
DEFLATE_STORED = (deflate_side(level=0), deflate_side(level=0, no_takeover=True))
OPS_SEEDS = {
    "deflate_messages_both_ways": ops_input(DEFLATE_DEFAULT, [
        send_binary(CLIENT, HELLO, AMPLE),
        send_binary(CLIENT, HELLO, AMPLE),
        deliver(SERVER, 1000, inflate_small(1)),
        send_frame(SERVER, TEXT, False, b"caf\xc3", AMPLE),
        ping(SERVER, b"p", AMPLE),
        send_frame(SERVER, CONTINUATION, True, b"\xa9 caf\xc3\xa9", AMPLE),
        deliver(CLIENT, 1000, inflate_any(3)),
        poll_transmit(CLIENT, AMPLE),
        deliver(SERVER, 1000, inflate_any(65536)),
    ]),
    "deflate_short_rooms": ops_input(DEFLATE_SMALL, [
        send_binary(CLIENT, HELLO, short(1)),
        send_binary(CLIENT, HELLO, short(0)),
        send_binary(CLIENT, HELLO, exactly(20)),
        send_binary(SERVER, HELLO * 3, short(5)),
        send_frame(SERVER, BINARY, False, HELLO, short(2)),
        send_frame(SERVER, CONTINUATION, True, HELLO, exactly(40)),
        deliver(CLIENT, 1000, inflate_small(7)),
        deliver(SERVER, 1000, inflate_small(2)),
    ]),
    "deflate_no_room_and_to_vec": ops_input(DEFLATE_STORED, [
        to_vec_binary(CLIENT, HELLO, 3),
        to_vec_frame(CLIENT, TEXT, True, b"hi", 0),
        receive_no_room(SERVER, 1000, inflate_small(4)),
        to_vec_binary(SERVER, HELLO, 0),
        send_frame(SERVER, BINARY, True, b"raw", short(1), uncompressed=True),
        receive_no_room(CLIENT, 1000, inflate_any(100)),
        send_frame(CLIENT, CLOSE, True, b"\x03\xe8bye", AMPLE),
        deliver(SERVER, 1000, inflate_small(1)),
        to_vec_poll(SERVER, 2),
        deliver(CLIENT, 1000, inflate_small(1)),
        eof(CLIENT),
    ]),
    "deflate_start_frame": ops_input(DEFLATE_DEFAULT, [
        start_frame(CLIENT, BINARY, False, tag(0, 3) + u8(3), AMPLE),
        frame_payload(CLIENT, b"abc", False),
        send_frame(CLIENT, CONTINUATION, True, HELLO, AMPLE),
        send_binary(CLIENT, HELLO, AMPLE),
        deliver(SERVER, 1000, inflate_small(5)),
    ]),
    "plain_messages_both_ways": ops_input(None, [
        send_binary(CLIENT, HELLO, short(0)),
        send_frame(SERVER, TEXT, True, b"hi", short(1)),
        deliver(SERVER, 1000, inflate_small(1)),
        deliver(CLIENT, 1000, inflate_small(1)),
        receive_no_room(SERVER, 1000, inflate_small(1)),
    ]),
}
for name, data in OPS_SEEDS.items():
    write("ops", name, data)

# Past crashes of `ops`, kept in regressions/ops/ (rewritten here when the
# input layout changes): start_frame ending a text message whose last
# fragment split a code point, and a length of 2^63 or more.
os.makedirs("regressions/ops", exist_ok=True)
REGRESSIONS = {
    "start_frame_empty_final_text_split_code_point": [
        send_frame(SERVER, TEXT, False, b"\xe2", AMPLE),
        start_frame(SERVER, CONTINUATION, True, tag(2, 3), AMPLE),
    ],
    "start_frame_len_top_bit_set": [
        start_frame(SERVER, BINARY, True, tag(1, 3) + u64(0x8000000000000005), AMPLE),
    ],
}
for name, ops in REGRESSIONS.items():
    with open(f"regressions/ops/{name}", "wb") as f:
        f.write(ops_input(None, ops))
