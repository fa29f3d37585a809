import assert from "node:assert/strict";
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { startTestKeel, type TestKeel } from "../testing/keel-fixture.js";

/** Polls until `ok` holds: deliveries run in the background, after the evaluation that recorded them. */
async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 500; i++) {
    const v = await read();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`gave up waiting for ${what}`);
}

async function call(keel: TestKeel, model: string): Promise<void> {
  const res = await fetch(`${keel.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${keel.key}`, "content-type": "application/json", "x-keel-feature": "support" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hello" }] }),
  });
  await res.text();
}

test("an error-rate rule fires once to its owner's signed webhook, honours silences, and resolves", async () => {
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  const hook = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.end("ok");
    });
  });
  await new Promise<void>((r) => hook.listen(0, "127.0.0.1", r));
  const keel = await startTestKeel({ alerts: { interval_s: 3600 } });
  try {
    const secret = "whsec-test-0123456789";
    assert.equal((await keel.admin("PUT", "/api/v1/credentials/alert-hook", { value: secret })).status, 200);
    const rule = {
      name: "support-errors", metric: "error_rate", slice: { feature: "support" }, window_s: 600, min_samples: 4,
      threshold: { op: ">", value: 0.5 }, notify: { webhook: { url: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`, secret_credential: "alert-hook" } },
    };
    const refused = await keel.admin("POST", "/api/v1/alerts", rule);
    assert.equal(refused.status, 400);
    assert.equal(refused.json.error.param, "owner");
    assert.equal((await keel.admin("POST", "/api/v1/alerts", { ...rule, owner: "team-support" })).status, 201);

    for (let i = 0; i < 2; i++) await call(keel, "sim");
    let ev = await keel.admin("POST", "/api/v1/alerts/evaluate");
    assert.equal(ev.json.data[0].state.status, "ok", "2 calls < min_samples: not evaluated");
    for (let i = 0; i < 6; i++) await call(keel, "no-such-model");
    ev = await keel.admin("POST", "/api/v1/alerts/evaluate");
    assert.equal(ev.json.data[0].state.status, "firing");
    await until(() => keel.admin("GET", "/api/v1/alerts/notifications?rule=support-errors"), (r) => r.json.data[0]?.delivery_status === "delivered", "delivery");
    await keel.admin("POST", "/api/v1/alerts/evaluate");
    assert.equal(received.length, 1, "still firing: deduplicated");

    const { headers, body } = received[0];
    const expected = `sha256=${createHmac("sha256", secret).update(`${headers["x-keel-timestamp"]}.${body}`).digest("hex")}`;
    assert.ok(timingSafeEqual(Buffer.from(String(headers["x-keel-signature"])), Buffer.from(expected)), "HMAC verifies");
    const payload = JSON.parse(body);
    assert.equal(payload.type, "alert.firing");
    assert.equal(payload.owner, "team-support");
    assert.equal(payload.value, 0.75);

    const acked = await keel.admin("POST", "/api/v1/alerts/support-errors/ack");
    assert.equal(acked.json.state.ackedBy, "admin");
    assert.equal((await keel.admin("POST", "/api/v1/alerts/support-errors/silence", { duration_s: 600 })).status, 200);
    for (let i = 0; i < 30; i++) await call(keel, "sim");
    ev = await keel.admin("POST", "/api/v1/alerts/evaluate");
    assert.equal(ev.json.data[0].state.status, "resolved");
    assert.equal(received.length, 1, "silenced: the resolution is recorded, not sent");
    const notes = await keel.admin("GET", "/api/v1/alerts/notifications?rule=support-errors");
    assert.deepEqual(notes.json.data.map((n: { type: string; silenced: boolean }) => [n.type, n.silenced]), [["alert.resolved", true], ["alert.firing", false]]);
  } finally {
    await keel.close();
    hook.close();
  }
});

/** A receiver answering the n-th request (0-based) with the n-th status (the last one repeats), recording headers. */
async function hookServer(statuses: number[]): Promise<{ url: string; hits: IncomingHttpHeaders[]; close(): void }> {
  const hits: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      hits.push(req.headers);
      res.writeHead(statuses[Math.min(hits.length - 1, statuses.length - 1)]).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, hits, close: () => server.close() };
}

test("delivery outcomes are in the notification history: retried to delivered, refused, failed, not_sent", async () => {
  const flaky = await hookServer([503, 503, 200]);
  const strict = await hookServer([400]);
  const down = await hookServer([502]);
  const keel = await startTestKeel({ alerts: { interval_s: 3600, delivery: { attempts: 3, base_delay_ms: 100, max_delay_ms: 1000 } } });
  try {
    assert.equal((await keel.admin("PUT", "/api/v1/credentials/alert-hook", { value: "whsec-test-0123456789" })).status, 200);
    const rule = (name: string, url: string | null) => ({
      name, owner: "team-support", metric: "requests", window_s: 600, min_samples: 1, threshold: { op: ">=", value: 1 },
      notify: url ? { webhook: { url, secret_credential: "alert-hook" }, log: false } : { log: true },
    });
    for (const [name, url] of [["flaky", flaky.url], ["strict", strict.url], ["down", down.url], ["log-only", null]] as const) {
      assert.equal((await keel.admin("POST", "/api/v1/alerts", rule(name, url))).status, 201);
    }
    await call(keel, "sim");
    const ev = await keel.admin("POST", "/api/v1/alerts/evaluate");
    assert.deepEqual(ev.json.data.map((v: { state: { status: string } }) => v.state.status), ["firing", "firing", "firing", "firing"]);
    const settled = (n: { delivery_status: string }) => !["pending", "retrying"].includes(n.delivery_status);
    const notes = await until(() => keel.admin("GET", "/api/v1/alerts/notifications"), (r) => r.json.data.length === 4 && r.json.data.every(settled), "deliveries to settle");
    const by = Object.fromEntries(notes.json.data.map((n: { rule: string }) => [n.rule, n]));
    const pick = (n: Record<string, unknown>) => [n.delivery_status, n.attempts, n.last_http_status, n.last_error];
    assert.deepEqual(pick(by.flaky), ["delivered", 3, 200, null]);
    assert.deepEqual(pick(by.strict), ["refused", 1, 400, "HTTP 400"]);
    assert.deepEqual(pick(by.down), ["failed", 3, 502, "HTTP 502"]);
    assert.deepEqual(pick(by["log-only"]), ["not_sent", 0, null, "no webhook configured"]);
    assert.equal(flaky.hits.length, 3);
    assert.deepEqual(flaky.hits.map((h) => h["x-keel-delivery"]), Array(3).fill(by.flaky.delivery_id), "receivers dedupe on the notification's delivery id");
    assert.deepEqual(flaky.hits.map((h) => h["x-keel-attempt"]), ["1", "2", "3"]);
    assert.equal(strict.hits.length, 1);
    assert.equal(down.hits.length, 3);
    assert.notEqual(by.flaky.delivery_id, by.down.delivery_id);
  } finally {
    await keel.close();
    flaky.close();
    strict.close();
    down.close();
  }
});

test("alerts.delivery is validated at load", async () => {
  const { loadConfig } = await import("../config/load.js");
  assert.equal(loadConfig({ inline: {}, env: {} }).alerts.delivery.attempts, 5);
  assert.throws(() => loadConfig({ inline: { alerts: { delivery: { attempts: 0 } } }, env: {} }), /attempts/);
  assert.throws(() => loadConfig({ inline: { alerts: { delivery: { attempts: 50 } } }, env: {} }), /attempts/);
  assert.throws(() => loadConfig({ inline: { alerts: { delivery: { base_delay_ms: 5000, max_delay_ms: 2000 } } }, env: {} }), /max_delay_ms/);
});
