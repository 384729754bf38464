// Node's `ws` client (permessage-deflate on, as by default) against our
// echo server: every message comes back unchanged, and the handshake
// negotiated permessage-deflate. Exits non-zero on any failure.
import WebSocket from "ws";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";

const url = process.argv[2];
const ws = new WebSocket(url, { perMessageDeflate: true });
const opened = new Promise((resolve, reject) => {
  ws.once("open", resolve);
  ws.once("error", reject);
});
await opened;
assert.match(ws.extensions, /permessage-deflate/, "deflate negotiated");

function echo(data, binary) {
  return new Promise((resolve, reject) => {
    ws.once("message", (reply, isBinary) => {
      try {
        assert.equal(isBinary, binary);
        assert.deepEqual(Buffer.from(reply), Buffer.from(data));
        resolve();
      } catch (error) {
        reject(error);
      }
    });
    ws.send(data, { binary, compress: true });
  });
}

const json = JSON.stringify({ type: "message", room: "lobby", text: "héllo ".repeat(50) });
for (const size of [0, 1, 125, 126, 4096, 65536, 1 << 20]) {
  await echo("é".repeat(size >> 1) + "x".repeat(size & 1), false);
  await echo(randomBytes(size), true);
}
for (let i = 0; i < 200; i++) await echo(json, false); // context takeover
await echo(Buffer.alloc(4 << 20), true); // highly compressible

ws.close(1000, "done");
await new Promise((resolve) => ws.once("close", (code) => {
  assert.equal(code, 1000);
  resolve();
}));
console.log("node ws: every echo matched, permessage-deflate:", ws.extensions);
