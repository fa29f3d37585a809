/**
 * 200 clients hang up mid-stream on a running Keel whose upstream is the simulator over real HTTP
 * with slow tokens: every upstream request is aborted (its connection closed, not left to finish a
 * 20-second answer), every call is traced as "cancelled", and sockets, timers and memory return
 * to where they were.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { connect, createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { Agent, request } from "undici";
import { simOptionsSchema } from "../providers/sim/options.js";
import { startSimServer, type SimServer } from "../providers/sim/server.js";
import { startTestKeel, type TestKeel } from "../testing/keel-fixture.js";
import { until } from "../testing/until.js";
import { encode } from "../tokens/tokenizer.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const CLIENTS = 200;
const ITL_MS = 50;
const TOKENS = 400; // 20 s of answer: only an abort ends it within the test

let sim: SimServer;
let proxy: Server;
/**
 * Connections open between Keel and the simulator, counted by a TCP relay in between. The relay
 * closes a connection after IDLE_MS without a byte either way, as a server with a short keep-alive
 * does: idle pooled connections go away, while a stream still running (a chunk every ITL_MS) stays.
 */
const upstream = new Set<Socket>();
const IDLE_MS = 1500;
let keel: TestKeel;

before(async () => {
  // Load the tokenizer's tables now: their first use takes longer than the relay's idle bound.
  encode("warm up");
  sim = await startSimServer({ port: 0, host: "127.0.0.1", sim: simOptionsSchema.parse({ kind: "sim", itl_ms: ITL_MS }) });
  const simPort = Number(new URL(sim.url).port);
  proxy = createServer((c) => {
    const u = connect(simPort, "127.0.0.1");
    upstream.add(c);
    const done = (): void => {
      upstream.delete(c);
      c.destroy();
      u.destroy();
    };
    c.setTimeout(IDLE_MS, done);
    c.on("close", done).on("error", done);
    u.on("close", done).on("error", done);
    c.pipe(u).pipe(c);
  });
  await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
  keel = await startTestKeel({
    providers: [{ name: "simhttp", kind: "openai", base_url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/v1`, api_key: "sk-test-not-a-real-key-0000", connections: 512 }],
    models: [{ name: "slow", provider: "simhttp", model: "sim-1" }],
  });
});
after(async () => {
  await keel.close();
  await sim.close();
  proxy.close();
});

function stream(agent: Agent, maxTokens: number, signal?: AbortSignal): ReturnType<typeof request> {
  return request(`${keel.url}/v1/chat/completions`, {
    method: "POST",
    dispatcher: agent,
    signal,
    headers: { authorization: `Bearer ${keel.key}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "slow", stream: true, max_tokens: maxTokens, messages: [{ role: "user", content: "tell me a long story" }] }),
  });
}

function resources(): Record<string, number> {
  const n: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) n[r] = (n[r] ?? 0) + 1;
  return n;
}

test(`${CLIENTS} clients gone mid-stream: upstream aborted, traced as cancelled, handles and memory back to baseline`, async () => {
  // Warm up (tokenizer tables, the pool's keep-alive connection), then measure the baseline.
  const warm = new Agent({ connections: 4 });
  for (let i = 0; i < 2; i++) {
    const r = await stream(warm, 3);
    assert.match(await r.body.text(), /\[DONE\]/);
  }
  await warm.close();
  // The trace read worker starts on the first read (decision 0035) and holds its own thread and
  // heap: start it before the baseline, so the reads below are not counted as growth.
  const warmReads = new Agent();
  const first = await request(`${keel.url}/api/v1/traces?limit=1`, { dispatcher: warmReads, headers: { authorization: `Bearer ${keel.adminToken}` } });
  assert.equal(first.statusCode, 200);
  await first.body.text();
  await warmReads.close();
  await until(() => upstream.size === 0, "the warm-up connection to go idle and close");
  gc();
  const baseRss = process.memoryUsage().rss;
  const base = resources();

  const agent = new Agent({ connections: CLIENTS * 2, pipelining: 0 });
  const ids = await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      const ac = new AbortController();
      const res = await stream(agent, TOKENS, ac.signal);
      assert.equal(res.statusCode, 200);
      const id = String(res.headers["x-request-id"]);
      for await (const chunk of res.body) {
        assert.match(String(chunk), /^data: /);
        break; // one chunk, then hang up: `break` destroys the body and with it the connection
      }
      ac.abort();
      return id;
    }),
  );
  await agent.close();
  assert.equal(new Set(ids).size, CLIENTS);

  // No upstream request runs on: every connection of the burst was closed or fell idle.
  await until(() => upstream.size === 0, "every upstream request to be aborted", 15_000);

  // Admin reads on their own agent, closed before handles are counted (a keep-alive socket is no leak).
  const adminAgent = new Agent();
  const admin = async (path: string): Promise<any[]> => {
    const r = await request(`${keel.url}${path}`, { dispatcher: adminAgent, headers: { authorization: `Bearer ${keel.adminToken}` } });
    return ((await r.body.json()) as { data: any[] }).data;
  };
  let traces: any[] = [];
  await until(async () => {
    traces = await admin("/api/v1/traces?status=cancelled&limit=1000");
    return traces.length >= CLIENTS;
  }, "200 cancelled traces");
  const byId = new Map(traces.map((t) => [t.id, t]));
  for (const id of ids) {
    const t = byId.get(id);
    assert.ok(t, `trace ${id} recorded`);
    assert.equal(t.status, "cancelled");
    assert.equal(t.http_status, 499);
    assert.equal(t.error_code, "client_closed");
    assert.equal(t.stream, true);
    assert.ok(t.tokens_out >= 1 && t.tokens_out < TOKENS, `billed for what was produced (${t.tokens_out})`);
    assert.equal(t.attempts.at(-1).outcome, "abandoned");
  }
  const errors = await admin("/api/v1/traces?status=error&limit=1000");
  assert.ok(!errors.some((t) => byId.has(t.id)), "a hang-up is not an error");
  await adminAgent.close();

  // Sockets and timers: exactly back to the baseline counts (or below), however long it takes.
  let now: Record<string, number> = {};
  await until(() => {
    now = resources();
    return (now.TCPSocketWrap ?? 0) <= (base.TCPSocketWrap ?? 0) && (now.Timeout ?? 0) <= (base.Timeout ?? 0);
  }, `handles back to baseline (baseline ${JSON.stringify(base)})`, 20_000).catch((err: Error) => {
    throw new Error(`${err.message}; now ${JSON.stringify(now)}`);
  });
  gc();
  const grown = (process.memoryUsage().rss - baseRss) / 1024 / 1024;
  assert.ok(grown < 64, `RSS grew ${grown.toFixed(1)} MB after ${CLIENTS} disconnects`);

  const ok = await stream(new Agent(), 3);
  assert.match(await ok.body.text(), /\[DONE\]/);
});
