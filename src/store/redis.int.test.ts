import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { after, before, test } from "node:test";
import type { Redis } from "ioredis";
import { freePort, killProcess, requireRedisServer, startRedisServer } from "../testing/service-servers.js";
import { connectRedis } from "./redis.js";
import { redisConfigSchema } from "./redis-schema.js";

/**
 * `redis.command_timeout_ms` against a redis-server of this test's own (so it may pause it): a
 * command Redis does not answer in time fails, but one whose answer came in time while Keel's own
 * event loop was blocked (a synchronous store call, a first call loading the tokenizer) does not.
 */
let server: ChildProcess;
let port: number;
const clients: Redis[] = [];

before(async () => {
  requireRedisServer();
  port = await freePort();
  server = await startRedisServer(port);
});

after(async () => {
  for (const c of clients) c.disconnect();
  if (server) await killProcess(server);
});

async function client(commandTimeoutMs: number): Promise<Redis> {
  const c = await connectRedis(redisConfigSchema.parse({ url: `redis://127.0.0.1:${port}`, command_timeout_ms: commandTimeoutMs }), "this test");
  clients.push(c);
  return c;
}

/** Holds this thread as a long synchronous call would. */
function block(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // spin
  }
}

test("a reply that arrived in time is not a timeout because the event loop was blocked when the timer fired", async () => {
  const c = await client(100);
  for (let i = 0; i < 3; i++) {
    const reply = c.ping();
    // Redis answers within a millisecond; the reply waits in the socket while this thread is held
    // past the command's deadline, and the timer is due before the socket is read.
    block(400);
    assert.equal(await reply, "PONG", "a reply waiting to be read is a reply, not a timeout");
  }
});

test("a command Redis does not answer still fails after command_timeout_ms", async () => {
  const c = await client(150);
  const admin = await client(5000);
  await admin.call("CLIENT", "PAUSE", "800", "ALL");
  const t0 = Date.now();
  await assert.rejects(c.ping(), /Command timed out/);
  const ms = Date.now() - t0;
  assert.ok(ms >= 140 && ms < 700, `timed out after ${ms} ms (command_timeout_ms 150, Redis paused for 800)`);
});
