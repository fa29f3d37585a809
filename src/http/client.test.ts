import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { createHttpClient, createPool, OutboundError } from "./client.js";

let server: Server;
let base: string;
const sockets = new Set<unknown>();

before(async () => {
  server = createServer((req, res) => {
    sockets.add(req.socket);
    let body = "";
    req.on("data", (c: Buffer) => (body += c));
    req.on("end", () => {
      if (req.url === "/echo") res.writeHead(200, { "content-type": "application/json", "x-seen": req.headers["x-probe"] ?? "" }).end(JSON.stringify({ method: req.method, body, probes: req.rawHeaders.filter((h) => h.toLowerCase() === "x-probe").length }));
      else if (req.url === "/big") res.writeHead(200).end("x".repeat(10_000));
      else if (req.url === "/slow") setTimeout(() => res.writeHead(200).end("late"), 2000).unref();
      else if (req.url === "/hang") { /* never answers */ }
      else res.writeHead(503, { "retry-after": "3" }).end("busy");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => {
  server.closeAllConnections();
  server.close();
});

test("a request and its answer: status, lower-case headers, the body as text; any status is an answer", async () => {
  const c = createHttpClient();
  try {
    const r = await c.request({ url: `${base}/echo`, method: "POST", headers: { "X-Probe": "p0", "x-probe": "p1" }, body: "hello" });
    assert.equal(r.status, 200);
    assert.equal(r.header("X-Seen"), "p1", "names are case-insensitive; the later value wins");
    assert.deepEqual(JSON.parse(r.text), { method: "POST", body: "hello", probes: 1 });
    const busy = await c.request({ url: `${base}/other`, read: "discard" });
    assert.equal(busy.status, 503);
    assert.equal(busy.header("retry-after"), "3");
    assert.equal(busy.text, "", "discarded");
  } finally {
    await c.close();
  }
});

test("keep-alive: sequential calls to one origin reuse their connections", async () => {
  const c = createHttpClient();
  sockets.clear();
  try {
    for (let i = 0; i < 10; i++) await c.request({ url: `${base}/echo`, method: "POST", body: String(i) });
    // undici may open a second socket while the first is settling its last response; never one per call
    assert.ok(sockets.size <= 2, `${sockets.size} connections for 10 calls`);
  } finally {
    await c.close();
  }
});

test("no answer in time: an OutboundError of kind timeout naming the bound", async () => {
  const c = createHttpClient({ timeoutMs: 100 });
  try {
    await assert.rejects(c.request({ url: `${base}/hang` }), (e: unknown) => e instanceof OutboundError && e.kind === "timeout" && e.message === "timed out after 100 ms");
    await assert.rejects(c.request({ url: `${base}/slow`, timeoutMs: 50 }), (e: unknown) => e instanceof OutboundError && e.message === "timed out after 50 ms", "a call's own timeout");
  } finally {
    await c.close();
  }
});

test("the caller's abort rejects with its reason; a refused connection is a network error", async () => {
  const c = createHttpClient();
  try {
    const ac = new AbortController();
    const p = c.request({ url: `${base}/hang`, signal: ac.signal });
    setImmediate(() => ac.abort(new Error("Keel was shutting down")));
    await assert.rejects(p, /Keel was shutting down/);
    const port = (server.address() as AddressInfo).port;
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, "127.0.0.1", r));
    const deadPort = (dead.address() as AddressInfo).port;
    await new Promise<void>((r) => dead.close(() => r()));
    assert.notEqual(deadPort, port);
    await assert.rejects(c.request({ url: `http://127.0.0.1:${deadPort}/` }), (e: unknown) => e instanceof OutboundError && e.kind === "network" && /ECONNREFUSED/.test(e.message));
  } finally {
    await c.close();
  }
});

test("a body over maxBodyBytes is refused rather than buffered", async () => {
  const c = createHttpClient();
  try {
    await assert.rejects(c.request({ url: `${base}/big`, maxBodyBytes: 1000 }), /over 1000 bytes/);
    assert.equal((await c.request({ url: `${base}/big` })).text.length, 10_000);
  } finally {
    await c.close();
  }
});

test("createPool: the providers' pool to one origin, reused across calls", async () => {
  const pool = createPool(base, { connections: 2, timeoutMs: 5000 });
  sockets.clear();
  try {
    for (let i = 0; i < 10; i++) {
      const r = await pool.request({ path: "/echo", method: "POST", body: "x" });
      await r.body.text();
      assert.equal(r.statusCode, 200);
    }
    assert.ok(sockets.size <= 2, `${sockets.size} connections for 10 calls`);
  } finally {
    await pool.close();
  }
});
