/** Rate limits and budgets through a real Keel over HTTP (memory backend). */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { loadConfig } from "../config/load.js";
import { startTestKeel, type TestKeel } from "../testing/keel-fixture.js";
import { until } from "../testing/until.js";

const USER = { role: "user", content: "hello there" };

async function chat(keel: TestKeel, body: Record<string, unknown>, headers: Record<string, string> = {}, key = keel.key): Promise<Response> {
  return fetch(`${keel.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...headers },
    body: JSON.stringify({ model: "sim", messages: [USER], ...body }),
  });
}

describe("rate limits", () => {
  let keel: TestKeel;
  before(async () => {
    keel = await startTestKeel({
      limits: {
        rules: [
          { name: "burst", scope: ["feature"], match: { feature: "burst" }, rpm: 40 },
          { name: "tokens", scope: ["feature"], match: { feature: "tokens" }, tpm: 1000 },
          { name: "inflight", scope: ["feature"], match: { feature: "inflight" }, concurrency: 2 },
          { name: "emb", scope: ["key", "model"], match: { model: "universal-sentence-encoder-lite" }, rpm: 1 },
        ],
      },
    });
  });
  after(async () => keel.close());

  test("answers carry x-ratelimit-*; the 429 names the limit and says when to retry", async () => {
    const ok = await chat(keel, {}, { "x-keel-feature": "burst" });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get("x-ratelimit-limit-requests"), "40");
    assert.equal(ok.headers.get("x-ratelimit-remaining-requests"), "39");
    assert.match(ok.headers.get("x-ratelimit-reset-requests")!, /^\d+(\.\d+)?(ms|s)$/);
    assert.equal(ok.headers.get("x-ratelimit-limit-tokens"), null, "no tokens limit applies");
    const plain = await chat(keel, {});
    assert.equal(plain.headers.get("x-ratelimit-limit-requests"), null, "no limit applies to calls outside the rule");
  });

  test("chaos: a burst of 300 concurrent calls against 40 rpm gets the remaining capacity, and only what refills meanwhile", async () => {
    const t0 = Date.now();
    const first = await chat(keel, {}, { "x-keel-feature": "burst" });
    const left = Number(first.headers.get("x-ratelimit-remaining-requests"));
    const res = await Promise.all(Array.from({ length: 300 }, () => chat(keel, { max_tokens: 5 }, { "x-keel-feature": "burst" })));
    // 40 rpm gives one request back every 1.5 s, continuously: `left` is rounded down, and a slow
    // machine stretching the burst earns what refills meanwhile — never more
    const refilled = 1 + Math.floor((Date.now() - t0) / 1500);
    const statuses = res.map((r) => r.status);
    const ok = statuses.filter((s) => s === 200).length;
    const seen = JSON.stringify(Object.fromEntries(statuses.map((s) => [s, statuses.filter((x) => x === s).length])));
    assert.ok(ok >= left && ok <= left + refilled, `${ok} admitted of ${left} left (+${refilled} refilled): ${seen}`);
    assert.equal(statuses.filter((s) => s === 429).length, 300 - ok, seen);
    const refused = res.find((r) => r.status === 429)!;
    assert.ok(Number(refused.headers.get("retry-after")) >= 1);
    assert.equal(refused.headers.get("x-ratelimit-remaining-requests"), "0");
    const body = (await refused.json()) as { error: { code: string; type: string; message: string } };
    assert.equal(body.error.code, "rate_limited");
    assert.equal(body.error.type, "rate_limit_error");
    assert.match(body.error.message, /requests per minute \(limit "burst", feature=burst\): limit 40/);
    await Promise.all(res.map((r) => (r.bodyUsed ? null : r.text())));
  });

  test("tokens per minute: calls settle on actual usage, streams included, so small answers do not use up the reservation", async () => {
    // each call reserves its prompt + max_tokens 100 (~112) but uses ~15: ten of them fit in 1000 only if settled
    for (let i = 0; i < 12; i++) {
      const stream = i % 2 === 0;
      const res = await chat(keel, { max_tokens: 100, stream }, { "x-keel-feature": "tokens", "x-keel-sim": "answer=ok" });
      assert.equal(res.status, 200, `call ${i}`);
      await res.text();
    }
    const big = await chat(keel, { max_tokens: 5000 }, { "x-keel-feature": "tokens" });
    assert.equal(big.status, 429);
    assert.match(((await big.json()) as { error: { message: string } }).error.message, /Request too large for tokens per minute .*limit 1000/);
  });

  test("concurrency leases are released on every path: success, upstream error, cut stream, client gone", async () => {
    const h = { "x-keel-feature": "inflight" };
    assert.equal((await chat(keel, {}, h)).status, 200);
    assert.equal((await chat(keel, {}, { ...h, "x-keel-sim": "fail=500" })).status, 502);
    const cut = await chat(keel, { stream: true, max_tokens: 20 }, { ...h, "x-keel-sim": "cut_after=2" });
    assert.match(await cut.text(), /upstream_stream_error/);
    // a client that hangs up mid-stream
    const ac = new AbortController();
    const gone = await fetch(`${keel.url}/v1/chat/completions`, {
      method: "POST", signal: ac.signal,
      headers: { authorization: `Bearer ${keel.key}`, "content-type": "application/json", ...h, "x-keel-sim": "itl_ms=50" },
      body: JSON.stringify({ model: "sim", messages: [USER], stream: true, max_tokens: 200 }),
    });
    await gone.body!.getReader().read();
    ac.abort();
    // both slots come back: two slow calls run together, a third is refused while they do
    await until(async () => {
      const slow = [chat(keel, {}, { ...h, "x-keel-sim": "latency_ms=300" }), chat(keel, {}, { ...h, "x-keel-sim": "latency_ms=300" })];
      await new Promise((r) => setTimeout(r, 100));
      const third = await chat(keel, {}, h);
      const [a, b] = await Promise.all(slow);
      return a.status === 200 && b.status === 200 && third.status === 429;
    }, "both concurrency slots back", 5000);
    const third = await chat(keel, {}, h);
    assert.equal(third.status, 200, "nothing is held once the calls ended");
  });

  test("embeddings are admitted too", async () => {
    const embed = (): Promise<Response> => fetch(`${keel.url}/v1/embeddings`, {
      method: "POST",
      headers: { authorization: `Bearer ${keel.key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "local-embeddings", input: "hello" }),
    });
    // the first call loads the embedder; rpm 1 lets exactly one through
    const a = await embed();
    const b = await embed();
    assert.deepEqual([a.status, b.status], [200, 429]);
    assert.match(await b.text(), /limit \\"emb\\", key=key_[\w-]+, model=universal-sentence-encoder-lite/);
  });
});

describe("budgets and spend", () => {
  let keel: TestKeel;
  let dataDir: string;
  const budgets = { soft_threshold: 0.5, rules: [{ name: "exp-daily", scope: ["feature"], match: { feature: "exp" }, daily_usd: 0.0004 }] };
  before(async () => {
    keel = await startTestKeel({ budgets });
    dataDir = keel.dataDir;
  });
  after(async () => {
    await keel.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("a budget admits calls until their cost would exceed it, then refuses with budget_exceeded; spend and events are recorded", async () => {
    // sim costs $1/M in, $2/M out: a call of ~12 prompt + 20 completion tokens reserves ~$0.000052
    const h = { "x-keel-feature": "exp", "x-keel-user": "ada" };
    let ok = 0;
    let refused: Response | undefined;
    for (let i = 0; i < 40 && !refused; i++) {
      const r = await chat(keel, { max_tokens: 20 }, h);
      if (r.status === 200) ok++;
      else refused = r;
      if (r.status === 200) await r.text();
    }
    assert.ok(refused, "the budget refused at last");
    assert.ok(ok >= 5, `${ok} calls fit`);
    assert.equal(refused.status, 429);
    assert.equal(((await refused.json()) as { error: { code: string } }).error.code, "budget_exceeded");
    const again = await chat(keel, { max_tokens: 20 }, h);
    const body = (await again.json()) as { error: { code: string; type: string; message: string } };
    assert.equal(body.error.code, "budget_exceeded");
    assert.equal(body.error.type, "insufficient_quota");
    assert.match(body.error.message, /Daily budget exceeded \(budget "exp-daily", feature=exp\): limit \$0\.0004, spent \$[\d.]+/);
    assert.match(body.error.message, /resets at \d{4}-\d{2}-\d{2}T00:00:00Z/);
    assert.ok(Number(again.headers.get("retry-after")) > 0);

    const spend = await keel.admin("GET", "/api/v1/spend?by=feature,user&feature=exp");
    assert.equal(spend.status, 200);
    assert.equal(spend.json.data.length, 1);
    assert.equal(spend.json.data[0].feature, "exp");
    assert.equal(spend.json.data[0].user, "ada");
    assert.equal(spend.json.data[0].requests, ok);
    assert.ok(spend.json.total.cost_usd <= 0.0004, `spent ${spend.json.total.cost_usd}`);
    assert.ok(spend.json.total.cost_usd > 0.0004 * 0.8);

    await until(async () => (await keel.admin("GET", "/api/v1/budget-events")).json.data.length >= 2, "two budget events", 5000);
    const events = (await keel.admin("GET", "/api/v1/budget-events")).json.data;
    assert.deepEqual(events.map((e: { kind: string }) => e.kind).sort(), ["exhausted", "soft_threshold"]);
    assert.deepEqual(events[0].scope, { feature: "exp" });
  });

  test("a restart remembers today's spend", async () => {
    const key = (await keel.admin("POST", "/api/v1/keys", { name: "after-restart" })).json.key as string;
    await keel.app.shutdown();
    const config = loadConfig({ inline: { budgets, server: { port: 0 } }, env: { KEEL_DATA_DIR: dataDir, KEEL_ADMIN_TOKEN: keel.adminToken } });
    const { startKeel } = await import("../app.js");
    const { silentLogger } = await import("../observe/log.js");
    const app = await startKeel(config, { log: silentLogger });
    try {
      const r = await fetch(`${app.url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json", "x-keel-feature": "exp" },
        body: JSON.stringify({ model: "sim", messages: [USER], max_tokens: 20 }),
      });
      assert.equal(r.status, 429);
      assert.equal(((await r.json()) as { error: { code: string } }).error.code, "budget_exceeded");
    } finally {
      await app.shutdown();
    }
  });
});

describe("per-key limits and the spend API", () => {
  let keel: TestKeel;
  before(async () => (keel = await startTestKeel()));
  after(async () => keel.close());

  test("a key created with its own limits is held to them; PUT replaces them", async () => {
    const created = await keel.admin("POST", "/api/v1/keys", { name: "capped", limits: { rpm: 2, daily_usd: 5 } });
    assert.equal(created.status, 201);
    assert.deepEqual(created.json.limits, { rpm: 2, daily_usd: 5 });
    const key = created.json.key as string;
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push((await chat(keel, {}, {}, key)).status);
    assert.deepEqual(codes, [200, 200, 429]);
    const refused = await chat(keel, {}, {}, key);
    assert.match(await refused.text(), /limit \\"key\\", key=key_/);

    const put = await keel.admin("PUT", `/api/v1/keys/${created.json.id}/limits`, { rpm: 100 });
    assert.equal(put.status, 200);
    assert.deepEqual(put.json.limits, { rpm: 100 });
    assert.equal((await chat(keel, {}, {}, key)).status, 200);
    assert.equal((await keel.admin("PUT", `/api/v1/keys/${created.json.id}/limits`, { rpm: 0 })).status, 400);
    assert.equal((await keel.admin("PUT", `/api/v1/keys/${created.json.id}/limits`, {})).json.limits, null);
    assert.equal((await keel.admin("POST", "/api/v1/keys", { name: "x", limits: { rpm: "many" } })).json.error.param, "limits.rpm");
  });

  test("GET /api/v1/spend groups by key, model and day; bad parameters are 400s naming them", async () => {
    await chat(keel, {}, { "x-keel-feature": "report" });
    const r = await keel.admin("GET", "/api/v1/spend?by=key,model,day&since=2000-01-01");
    assert.equal(r.status, 200);
    assert.ok(r.json.data.length >= 1);
    for (const row of r.json.data) {
      assert.match(row.day, /^\d{4}-\d{2}-\d{2}$/);
      assert.equal(row.model, "sim");
      assert.match(row.key_id, /^key_/);
      assert.equal(typeof row.cost_usd, "number");
    }
    assert.ok(r.json.total.requests >= 1);
    const bad = await keel.admin("GET", "/api/v1/spend?by=planet");
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.param, "by");
    assert.equal((await keel.admin("GET", "/api/v1/spend?since=yesterday")).json.error.param, "since");
    const anon = await fetch(`${keel.url}/api/v1/spend`);
    assert.equal(anon.status, 401);
  });

  test("bad limit config stops start-up naming the path", () => {
    assert.throws(() => loadConfig({ inline: { limits: { rules: [{ scope: ["key"], rpm: -1 }] } }, env: {} }), /limits\.rules\[0\]\.rpm/);
    assert.throws(() => loadConfig({ inline: { limits: { rules: [{ scope: ["tenant"], rpm: 1 }] } }, env: {} }), /limits\.rules\[0\]\.scope\[0\]/);
    assert.throws(() => loadConfig({ inline: { limits: { backend: "etcd" } }, env: {} }), /limits\.backend/);
    assert.throws(() => loadConfig({ inline: { budgets: { rules: [{ scope: ["team"] }] } }, env: {} }), /budgets\.rules\[0\]: set daily_usd, monthly_usd or both/);
    assert.throws(() => loadConfig({ inline: { redis: { url: "http://x" } }, env: {} }), /redis\.url/);
  });
});
