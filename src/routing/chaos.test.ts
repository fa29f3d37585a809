/**
 * Chaos drills through a real Keel (issue 3, section 6): faulty primaries — 500s, 429s, hangs,
 * streams cut before their first byte, a server that goes away — next to a healthy fallback. The
 * client must see no error at all, and each primary's breaker must open and, once the primary
 * heals, close again. Faults come from the simulator's configuration (docs/simulator.md).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { simOptionsSchema } from "../providers/sim/options.js";
import { type SimServer, startSimServer } from "../providers/sim/server.js";
import { startTestKeel, type TestKeel } from "../testing/keel-fixture.js";

interface Answer {
  status: number;
  target: string | null;
  attempts: number;
  id: string;
  text: string;
}

async function chat(keel: TestKeel, model: string, stream: boolean, content = "tell me something"): Promise<Answer> {
  const res = await fetch(`${keel.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${keel.key}`, "content-type": "application/json" },
    body: JSON.stringify({ model, stream, max_tokens: 8, messages: [{ role: "user", content }] }),
  });
  return {
    status: res.status, target: res.headers.get("x-keel-target"), attempts: Number(res.headers.get("x-keel-attempts")),
    id: res.headers.get("x-request-id")!, text: await res.text(),
  };
}

/** Runs `n` calls, `width` at a time. */
async function burst<T>(n: number, width: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < n) {
      const i = next++;
      out[i] = await fn(i);
    }
  }));
  return out;
}

function assertClean(a: Answer, stream: boolean): void {
  assert.equal(a.status, 200, a.text.slice(0, 300));
  if (stream) {
    assert.ok(a.text.endsWith("data: [DONE]\n\n"), "the stream ends with [DONE]");
    assert.ok(!a.text.includes('"error"'), `no error event: ${a.text.slice(0, 300)}`);
  } else {
    assert.ok(JSON.parse(a.text).choices.length > 0);
  }
}

describe("a faulty primary next to a healthy fallback: the client sees zero errors", () => {
  let keel: TestKeel;
  const route = (name: string, primary: string) => ({
    name, strategy: "failover", timeouts: { first_token_ms: 150 },
    retry: { max_attempts: 3, backoff_base_ms: 10 }, breaker: { consecutive_failures: 5, cooldown_ms: 200 },
    targets: [{ provider: primary, model: "m" }, { provider: "backup", model: "m" }],
  });
  before(async () => {
    keel = await startTestKeel({
      providers: [
        { name: "p500", kind: "sim", faults: { error_rate: 0.5, status: 500 } },
        { name: "p429", kind: "sim", faults: { error_rate: 0.5, status: 429, retry_after_s: 1 } },
        { name: "phang", kind: "sim", faults: { timeout_rate: 0.5 } },
        { name: "pcut", kind: "sim", faults: { cut_rate: 0.6, cut_after_chunks: 0 } },
        { name: "pmix", kind: "sim", faults: { error_rate: 0.2, status: 503, timeout_rate: 0.2, cut_rate: 0.3, cut_after_chunks: 0 } },
        { name: "backup", kind: "sim" },
      ],
      routes: [route("r500", "p500"), route("r429", "p429"), route("rhang", "phang"), route("rcut", "pcut"), route("rmix", "pmix")],
    });
  });
  after(async () => keel.close());

  for (const name of ["r500", "r429", "rhang", "rcut", "rmix"]) {
    test(`${name}: 40 calls, streaming and not, all answered`, async () => {
      const answers = await burst(40, 8, (i) => chat(keel, name, i % 2 === 0, `question ${i}`));
      answers.forEach((a, i) => assertClean(a, i % 2 === 0));
      const failedOver = answers.filter((a) => a.attempts > 1 || a.target === "backup/m");
      assert.ok(failedOver.length > 0, "the fault was met and routed around");
      // streams whose primary was cut before the first byte count here too: only the pre-byte rule makes them clean
      if (name === "rcut") assert.ok(answers.some((a, i) => i % 2 === 0 && a.attempts > 1), "a cut stream failed over");
    });
  }

  test("the trace records every attempt and the target that served", async () => {
    let a: Answer;
    do a = await chat(keel, "r500", false);
    while (a.attempts < 2);
    const { json: t } = await keel.admin("GET", `/api/v1/traces/${a.id}`);
    assert.equal(t.status, "ok");
    assert.equal(t.target, "backup/m");
    assert.equal(t.provider, "backup");
    assert.equal(t.attempts.length, a.attempts);
    assert.equal(t.attempts[0].target, "p500/m");
    assert.equal(t.attempts[0].outcome, "error");
    assert.equal(t.attempts[0].upstream_status, 500);
    assert.equal(t.attempts.at(-1).outcome, "ok");
  });
});

describe("the breaker opens within its window and closes after the primary heals", () => {
  let keel: TestKeel;
  let primary: SimServer;
  let port: number;
  const serve = async (faults: Record<string, unknown>): Promise<SimServer> =>
    startSimServer({ port, host: "127.0.0.1", sim: simOptionsSchema.parse({ kind: "sim", name: "primary-server", faults }) });

  before(async () => {
    port = 0;
    primary = await serve({ error_rate: 1, status: 500 });
    port = Number(new URL(primary.url).port);
    keel = await startTestKeel({
      providers: [{ name: "primary", kind: "openai", base_url: `${primary.url}/v1` }, { name: "backup", kind: "sim" }],
      routes: [{
        name: "chat", strategy: "failover", retry: { max_attempts: 2, backoff_base_ms: 10 },
        breaker: { consecutive_failures: 3, error_rate: 0.5, window_ms: 2000, min_samples: 5, cooldown_ms: 300 },
        targets: [{ provider: "primary", model: "m" }, { provider: "backup", model: "m" }],
      }],
    });
  });
  after(async () => {
    await keel.close();
    await primary.close();
  });

  const breakerOf = async (id: string): Promise<{ state: string; opens: number }> => {
    const { json } = await keel.admin("GET", "/api/v1/targets");
    return json.data.find((t: { id: string }) => t.id === id).breaker;
  };

  test("failing primary: failover keeps every answer clean, and the breaker opens after 3 failures", async () => {
    for (let i = 0; i < 3; i++) {
      const a = await chat(keel, "chat", i % 2 === 1);
      assertClean(a, i % 2 === 1);
      assert.equal(a.target, "backup/m");
      assert.equal(a.attempts, 2, "tried the primary first");
    }
    assert.equal((await breakerOf("primary/m")).state, "open");
    const skipped = await chat(keel, "chat", false);
    assertClean(skipped, false);
    assert.equal(skipped.attempts, 1, "an open breaker skips the primary without calling it");
    assert.equal(skipped.target, "backup/m");
  });

  test("the primary goes away entirely (connection refused): still clean", async () => {
    await primary.close();
    await new Promise((r) => setTimeout(r, 320)); // past the cool-down: the next call probes a dead server
    const a = await chat(keel, "chat", true);
    assertClean(a, true);
    assert.equal(a.target, "backup/m");
    assert.equal((await breakerOf("primary/m")).state, "open", "the failed probe re-opened it");
  });

  test("healed: after the cool-down one probe succeeds, the breaker closes, traffic returns", async () => {
    primary = await serve({});
    await new Promise((r) => setTimeout(r, 320));
    const a = await chat(keel, "chat", false);
    assertClean(a, false);
    assert.equal(a.target, "primary/m");
    const b = await breakerOf("primary/m");
    assert.equal(b.state, "closed");
    assert.ok(b.opens >= 2);
    const after = await burst(10, 4, (i) => chat(keel, "chat", i % 2 === 0));
    after.forEach((x, i) => assertClean(x, i % 2 === 0));
    assert.ok(after.every((x) => x.target === "primary/m" && x.attempts === 1));
  });

  test("GET /api/v1/targets needs the admin token", async () => {
    const res = await fetch(`${keel.url}/api/v1/targets`, { headers: { authorization: `Bearer ${keel.key}` } });
    assert.equal(res.status, 401);
  });
});

describe("after the first byte a stream does not fail over: it ends with a clean error event", () => {
  let keel: TestKeel;
  before(async () => {
    keel = await startTestKeel({
      providers: [{ name: "cutter", kind: "sim", faults: { cut_rate: 1, cut_after_chunks: 2 } }, { name: "backup", kind: "sim" }],
      routes: [{ name: "chat", targets: [{ provider: "cutter", model: "m" }, { provider: "backup", model: "m" }] }],
      models: [{ name: "any/*", provider: "backup" }],
    });
  });
  after(async () => keel.close());

  test("partial answer, then one error event; one attempt", async () => {
    const a = await chat(keel, "chat", true);
    assert.equal(a.status, 200);
    assert.equal(a.attempts, 1);
    assert.equal(a.target, "cutter/m");
    const events = a.text.trim().split("\n\n");
    assert.ok(events.length >= 3);
    assert.match(events.at(-1)!, /^data: \{"error":\{.*"code":"upstream_stream_error"/);
    assert.ok(!a.text.includes("[DONE]"));
  });

  test("a wildcard model's name is the client's text: x-keel-target stays a valid header", async () => {
    const a = await chat(keel, "any/模型-ü", false);
    assert.equal(a.status, 200);
    assert.equal(a.target, encodeURIComponent("backup/模型-ü"));
    assert.equal(a.attempts, 1);
  });
});
