import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { KeelError } from "../errors/errors.js";
import { HttpTransport, callHeaders, headerList, upstreamMessage } from "./http-transport.js";

const SECRET = "sk-test-0123456789abcdef";
type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;
const routes = new Map<string, Handler>();
const ports: number[] = [];
let server: Server;
let base: string;

before(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c));
    req.on("end", () => {
      ports.push(req.socket.remotePort ?? 0);
      const h = routes.get(req.url ?? "");
      if (h) h(req, body, res);
      else res.writeHead(404).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

function transport(timeoutMs = 5000): HttpTransport {
  return new HttpTransport({ provider: "up", baseUrl: base, connections: 4, timeoutMs, secrets: [SECRET] });
}
const post = (path: string, extra: Partial<Parameters<HttpTransport["json"]>[0]> = {}): Parameters<HttpTransport["json"]>[0] => ({
  method: "POST",
  path,
  headers: callHeaders(headerList({ "Content-Type": "application/json", authorization: `Bearer ${SECRET}` }), "req-1", undefined),
  body: "{}",
  ...extra,
});
function expectKeel(code: KeelError["code"], check?: (err: KeelError) => void): (err: unknown) => boolean {
  return (err: unknown) => {
    assert.ok(err instanceof KeelError, `expected KeelError, got ${String(err)}`);
    assert.equal(err.code, code);
    const dump = `${err.message} ${JSON.stringify(err)}`;
    assert.ok(!dump.includes(SECRET), `secret leaked: ${dump}`);
    check?.(err);
    return true;
  };
}

test("json(): prefixes the base path, sends headers and body, reuses the kept-alive socket", async () => {
  const seen: Record<string, unknown>[] = [];
  routes.set("/v1/echo", (req, body, res) => {
    seen.push({ auth: req.headers.authorization, id: req.headers["x-request-id"], body });
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true }));
  });
  const t = transport();
  ports.length = 0;
  const a = await t.json(post("/echo", { body: '{"x":1}' }));
  const b = await t.json(post("/echo"));
  await t.json(post("/echo"));
  assert.deepEqual([a.status, a.body, b.body], [200, { ok: true }, { ok: true }]);
  assert.deepEqual(seen[0], { auth: `Bearer ${SECRET}`, id: "req-1", body: '{"x":1}' });
  // undici may open a second socket while the first one's 'drain' is pending, but not a third
  assert.ok(new Set(ports).size < 3, `three calls, sockets ${ports.join(",")}: no keep-alive`);
  await t.close();
});

test("stream(): yields body chunks as they arrive", async () => {
  routes.set("/v1/stream", (_req, _body, res) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.write("one,");
    setTimeout(() => res.end("two"), 20);
  });
  const t = transport();
  const res = await t.stream(post("/stream"));
  let text = "";
  for await (const c of res.body) text += Buffer.from(c).toString();
  assert.equal(text, "one,two");
  await t.close();
});

test("non-2xx: code from the status, provider message, parsed body, Retry-After", async () => {
  routes.set("/v1/e500", (_q, _b, res) =>
    res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "boom", type: "server_error" } })),
  );
  routes.set("/v1/e429", (_q, _b, res) =>
    res.writeHead(429, { "retry-after": "7" }).end(JSON.stringify({ error: { message: `Rate limit for key ${SECRET}`, type: "requests" } })),
  );
  // retry-after-ms (OpenAI/Anthropic SDKs) is the more precise ask and wins over retry-after
  routes.set("/v1/e503ms", (_q, _b, res) => res.writeHead(503, { "retry-after-ms": "1500", "retry-after": "9" }).end());
  routes.set("/v1/e503date", (_q, _b, res) => res.writeHead(503, { "retry-after": new Date(Date.now() + 10_000).toUTCString() }).end());
  routes.set("/v1/e503bad", (_q, _b, res) => res.writeHead(503, { "retry-after": "-5" }).end());
  routes.set("/v1/e529", (_q, _b, res) =>
    res.writeHead(529).end(JSON.stringify({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } })),
  );
  routes.set("/v1/e400", (_q, _b, res) => res.writeHead(400).end("x".repeat(20_000)));
  const t = transport();
  await assert.rejects(t.json(post("/e500")), expectKeel("upstream_error", (e) => {
    assert.equal(e.message, "up returned HTTP 500: server_error: boom");
    assert.deepEqual(e.upstream, { provider: "up", status: 500, body: { error: { message: "boom", type: "server_error" } } });
    assert.equal(e.retryAfter, undefined);
  }));
  await assert.rejects(t.stream(post("/e429")), expectKeel("upstream_unavailable", (e) => {
    assert.equal(e.retryAfter, 7);
    assert.equal(e.upstream?.status, 429);
    assert.match(e.message, /Rate limit for key \[redacted\]/);
  }));
  await assert.rejects(t.json(post("/e503ms")), expectKeel("upstream_unavailable", (e) => assert.equal(e.retryAfter, 1.5)));
  await assert.rejects(t.json(post("/e503date")), expectKeel("upstream_unavailable", (e) => {
    // an HTTP-date is read against the wall clock: whole seconds, minus the time the call took
    assert.ok(e.retryAfter !== undefined && e.retryAfter > 8 && e.retryAfter <= 10, String(e.retryAfter));
  }));
  await assert.rejects(t.json(post("/e503bad")), expectKeel("upstream_unavailable", (e) => assert.equal(e.retryAfter, undefined, "a negative Retry-After is ignored")));
  await assert.rejects(t.json(post("/e529")), expectKeel("upstream_unavailable", (e) => assert.match(e.message, /overloaded_error: Overloaded/)));
  await assert.rejects(t.json(post("/e400")), expectKeel("upstream_error", (e) => {
    assert.equal(typeof e.upstream?.body, "string");
    assert.ok((e.upstream?.body as string).length <= 4097);
  }));
  await t.close();
});

test("a 200 that is not JSON is an upstream_error", async () => {
  routes.set("/v1/html", (_q, _b, res) => res.writeHead(200).end("<html>"));
  const t = transport();
  await assert.rejects(t.json(post("/html")), expectKeel("upstream_error", (e) => assert.equal(e.upstream?.body, "<html>")));
  await t.close();
});

test("connection refused → upstream_unavailable", async () => {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const t = new HttpTransport({ provider: "gone", baseUrl: `http://127.0.0.1:${port}`, connections: 1, timeoutMs: 1000, secrets: [SECRET] });
  await assert.rejects(t.json(post("/x")), expectKeel("upstream_unavailable", (e) => {
    assert.deepEqual(e.upstream, { provider: "gone" });
    assert.match(e.message, /ECONNREFUSED/);
  }));
  await t.close();
});

test("no headers in time, or silence mid-stream → upstream_timeout", async () => {
  routes.set("/v1/hang", () => {});
  routes.set("/v1/stall", (_q, _b, res) => {
    res.writeHead(200);
    res.write("first");
  });
  const t = transport(150);
  const patient = transport(60_000);
  // undici's header/body timers tick at ~1 s resolution, so the three cases run side by side
  await Promise.all([
    assert.rejects(t.json(post("/hang")), expectKeel("upstream_timeout")),
    t.stream(post("/stall")).then((res) =>
      assert.rejects(async () => {
        for await (const _ of res.body) void _;
      }, expectKeel("upstream_timeout")),
    ),
    // a per-call timeout overrides the transport's
    assert.rejects(patient.json(post("/hang", { timeoutMs: 100 })), expectKeel("upstream_timeout")),
  ]);
  await Promise.all([t.close(), patient.close()]);
});

test("a connection dropped mid-stream → upstream_stream_error", async () => {
  routes.set("/v1/drop", (req, _b, res) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.write("data: 1\n\n");
    setTimeout(() => req.socket.destroy(), 20);
  });
  const t = transport();
  const res = await t.stream(post("/drop"));
  await assert.rejects(async () => {
    for await (const _ of res.body) void _;
  }, expectKeel("upstream_stream_error"));
  await t.close();
});

test("abort rethrows the signal's reason; AbortSignal.timeout becomes upstream_timeout", async () => {
  routes.set("/v1/slow", () => {});
  const t = transport();
  const reason = new KeelError("shutting_down", "bye");
  const ac = new AbortController();
  setTimeout(() => ac.abort(reason), 30);
  await assert.rejects(t.json(post("/slow", { signal: ac.signal })), (err) => err === reason);
  const plain = new AbortController();
  setTimeout(() => plain.abort(), 30);
  await assert.rejects(t.json(post("/slow", { signal: plain.signal })), { name: "AbortError" });
  await assert.rejects(t.json(post("/slow", { signal: AbortSignal.timeout(30) })), expectKeel("upstream_timeout"));
  await t.close();
});

test("json(): an abort mid-body, an already aborted signal, an error body over 16 KB cut, repeated Retry-After", async () => {
  routes.set("/v1/half", (_req, _body, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.write('{"choices":[');
  });
  routes.set("/v1/big-error", (_req, _body, res) => {
    res.writeHead(429, [["retry-after", "7"], ["retry-after", "9"]].flat() as unknown as Record<string, string>);
    res.end("x".repeat(40_000));
  });
  const t = transport();
  const reason = new KeelError("client_closed", "gone");
  const ac = new AbortController();
  setTimeout(() => ac.abort(reason), 50);
  await assert.rejects(t.json(post("/half", { signal: ac.signal })), (err) => err === reason);
  const early = new AbortController();
  early.abort(reason);
  await assert.rejects(t.json(post("/echo", { signal: early.signal })), (err) => err === reason);
  await assert.rejects(
    t.json(post("/big-error")),
    expectKeel("upstream_unavailable", (err) => {
      assert.equal(err.retryAfter, 7);
      const body = err.upstream?.body as string;
      assert.ok(body.startsWith("xxx") && body.endsWith("…") && body.length === 4097, `kept ${body.length} characters`);
    }),
  );
  // the pool still serves calls after all three
  assert.deepEqual((await t.json(post("/echo"))).body, { ok: true });
  await t.close();
});

test("close() destroys the pool: later calls fail as upstream_unavailable", async () => {
  const t = transport();
  await t.close();
  await assert.rejects(t.json(post("/echo")), expectKeel("upstream_unavailable"));
});

test("header and error-message helpers", () => {
  assert.deepEqual(headerList({ "Content-Type": "a", X: "1" }, { "content-type": "b" }), ["content-type", "b", "x", "1"]);
  const fixed = ["a", "1"];
  assert.deepEqual(callHeaders(fixed, "r", "00-abc-def-01"), ["a", "1", "x-request-id", "r", "traceparent", "00-abc-def-01"]);
  assert.equal(callHeaders(fixed, "", undefined), fixed);
  assert.equal(upstreamMessage({ error: "model not found" }), "model not found");
  assert.equal(upstreamMessage({ detail: "Not Found" }), "Not Found");
  assert.equal(upstreamMessage({ error: { code: "DeploymentNotFound", message: "no such deployment" } }), "no such deployment");
  assert.equal(upstreamMessage(42), undefined);
});
