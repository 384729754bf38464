// The chat_server example in a real browser: headless Chromium (Debian's
// package, never a downloaded build) driven by playwright-core. run.sh starts
// the server and passes its URL and two users' tokens in the environment:
// CHAT_URL, CHAT_TOKEN_ALICE, CHAT_TOKEN_BOB. Optional: CHAT_SCREENSHOT=path.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";

const url = process.env.CHAT_URL;
const tokens = { alice: process.env.CHAT_TOKEN_ALICE, bob: process.env.CHAT_TOKEN_BOB };
assert.ok(url && tokens.alice && tokens.bob, "run through tests/browser/run.sh");

const WAIT = { timeout: 15_000 };
let browser;

before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
    ],
  });
});

after(async () => {
  await browser?.close();
});

/** Opens the chat page as `user` in a fresh browser context (its own tab). */
async function openAs(user) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error));
  await page.goto(`${url}/?token=${encodeURIComponent(tokens[user])}`);
  await page.locator("#status", { hasText: "connected" }).waitFor(WAIT);
  await page.locator("#me", { hasText: `as ${user}` }).waitFor(WAIT);
  return { page, errors, close: () => context.close() };
}

/** Types `room` and presses Join. */
async function join(page, room) {
  await page.fill("#room", room);
  await page.click("#join");
}

/** Waits for a log line containing all of `parts`, and returns it. */
async function logLine(page, kind, ...parts) {
  let line = page.locator(`#log li[data-type="${kind}"]`);
  for (const part of parts) line = line.filter({ hasText: part });
  await line.first().waitFor(WAIT);
  return line.first();
}

test("two browser tabs join a room and chat through the server", async () => {
  const alice = await openAs("alice");
  const bob = await openAs("bob");
  try {
    await join(alice.page, "lobby");
    await logLine(alice.page, "notice", "alice joined");
    await join(bob.page, "lobby");
    await logLine(alice.page, "notice", "bob joined", "here: alice, bob");
    await logLine(bob.page, "notice", "bob joined");

    // Markup in a message is shown as text, never run.
    const text = "hello from Chromium <b>&</b> ünïcödé";
    await alice.page.fill("#text", text);
    await alice.page.click("#send");
    const seen = await logLine(bob.page, "message", text);
    assert.equal(await seen.locator(".from").textContent(), "alice");
    assert.equal(await seen.locator("b").count(), 0);
    await logLine(alice.page, "message", text);

    await bob.page.fill("#text", "hi alice");
    await bob.page.press("#text", "Enter");
    await logLine(alice.page, "message", "hi alice");

    // The server answers a message to a room one is not in with an error.
    await bob.page.fill("#room", "elsewhere");
    await bob.page.fill("#text", "anyone?");
    await bob.page.click("#send");
    await logLine(bob.page, "error", "not_a_member");
    assert.equal(await bob.page.locator("#status").textContent(), "connected");
    // Chromium offers permessage-deflate, and the server accepted it: the
    // messages above went through the compressed path.
    assert.match(await bob.page.locator("#extensions").textContent(), /permessage-deflate/);

    if (process.env.CHAT_SCREENSHOT) {
      await alice.page.screenshot({ path: process.env.CHAT_SCREENSHOT, fullPage: true });
    }
    assert.deepEqual([...alice.errors, ...bob.errors], []);
  } finally {
    await alice.close();
    await bob.close();
  }
});

test("the ticker room shows the server's clock in the page", async () => {
  const alice = await openAs("alice");
  try {
    await join(alice.page, "ticker");
    const tick = alice.page.locator("#tick");
    await tick.locator("xpath=self::*[@data-ts]").waitFor(WAIT);
    const first = Number(await tick.getAttribute("data-ts"));
    await alice.page.waitForFunction(
      (previous) => Number(document.querySelector("#tick").dataset.ts) > previous,
      first,
      WAIT,
    );
    const second = Number(await tick.getAttribute("data-ts"));
    assert.ok(second - first >= 500 && second - first <= 3000, `${first} → ${second}`);
  } finally {
    await alice.close();
  }
});

test("a page with a wrong token is refused", async () => {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${url}/?token=not-a-token`);
    // The 401 fails the WebSocket handshake; browsers report that as 1006.
    await page.locator("#status.closed", { hasText: "closed (1006" }).waitFor(WAIT);
  } finally {
    await context.close();
  }
});
