/**
 * Webhook delivery against a real local receiver: retries on 5xx/429/network errors with backoff
 * or Retry-After (the sleep is injected, so the test asserts the waits asked for, not wall time),
 * a refusal is final, every attempt is freshly signed under one delivery id, shutdown gives up.
 */
import assert from "node:assert/strict";
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { createLogger } from "../observe/log.js";
import { openMemorySqlite } from "../storage/sqlite.js";
import { retryWaitMs } from "../http/backoff.js";
import { classify, type DeliveryPolicy, retryPolicyOf } from "./delivery.js";
import { type AlertPayload, type DeliveryUpdate, type NotifyTarget, WebhookNotifier } from "./notifier.js";
import { SqliteAlertStore } from "./sqlite-alert-store.js";

const SECRET = "whsec-delivery-test";
const POLICY: DeliveryPolicy = { attempts: 5, base_delay_ms: 1000, max_delay_ms: 60_000, timeout_ms: 10_000, shutdown_wait_ms: 5000 };
const PAYLOAD: AlertPayload = {
  type: "alert.firing", rule: "errors", owner: "oncall", metric: "error_rate", slice: {}, status: "firing", value: 0.5, baseline: null,
  samples: 40, window_s: 300, episode: 1, incident_id: null, at: 1,
};

interface Hit { headers: IncomingHttpHeaders; body: string }

/** A receiver answering the n-th request (0-based) with `reply(n, res)`. */
async function receiver(reply: (n: number, res: ServerResponse) => void): Promise<{ server: Server; url: string; hits: Hit[] }> {
  const hits: Hit[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      hits.push({ headers: req.headers, body });
      reply(hits.length - 1, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, hits };
}

function target(url: string): NotifyTarget {
  return { name: "errors", owner: "oncall", metric: "error_rate", notify: { log: false, webhook: { url, secret_credential: "hook" } } };
}

/** A notifier whose sleeps return at once and are recorded, with a fixed clock and jitter at its midpoint (half of each backoff window). */
function notifier(policy: Partial<DeliveryPolicy> = {}, now = 1_764_380_000_000) {
  const updates: (DeliveryUpdate & { id: string })[] = [];
  const sleeps: number[] = [];
  const lines: string[] = [];
  let clock = now;
  const n = new WebhookNotifier(createLogger("info", (l) => lines.push(l)), (c) => (c === "hook" ? SECRET : undefined), { updateDelivery: (id, u) => updates.push({ id, ...u }) }, { ...POLICY, ...policy }, {
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    now: () => clock,
    random: () => 0.5,
  });
  return { n, updates, sleeps, lines };
}

function verifies(h: Hit): boolean {
  const expected = `sha256=${createHmac("sha256", SECRET).update(`${h.headers["x-keel-timestamp"]}.${h.body}`).digest("hex")}`;
  const got = Buffer.from(String(h.headers["x-keel-signature"]));
  return got.length === expected.length && timingSafeEqual(got, Buffer.from(expected));
}

test("policy: 408/409/425/429, 5xx and no answer retry; other 4xx refuse; full-jitter backoff doubles under a cap, Retry-After included", () => {
  assert.equal(classify({ status: 204, error: null }), "delivered");
  assert.equal(classify({ status: 503, error: null }), "retry");
  assert.equal(classify({ status: 429, error: null }), "retry");
  assert.equal(classify({ status: 408, error: null }), "retry");
  assert.equal(classify({ status: null, error: "ECONNREFUSED" }), "retry");
  assert.equal(classify({ status: 400, error: null }), "refused");
  assert.equal(classify({ status: 410, error: null }), "refused");
  // The parsing and the formula are http/'s (tested there); this is how alerts.delivery maps onto them.
  const p = retryPolicyOf({ attempts: 5, base_delay_ms: 1000, max_delay_ms: 5000 });
  assert.deepEqual([0, 1, 2, 3, 4].map((k) => retryWaitMs(k, undefined, p, () => 0.5)), [500, 1000, 2000, 2500, 2500]);
  assert.equal(retryWaitMs(1, undefined, p, () => 0), 0);
  assert.equal(retryWaitMs(9, undefined, p, () => 0.999999), 4999, "jitter never exceeds the cap");
  assert.equal(retryWaitMs(0, 60_000, p, () => 0.5), 5000, "a Retry-After is capped at max_delay_ms too");
});

test("503, 503, then 200: delivered on attempt 3 under one x-keel-delivery, each attempt freshly signed", async () => {
  const r = await receiver((i, res) => res.writeHead(i < 2 ? 503 : 200).end());
  // 600 ms into a second: the waits (500, 1000 ms) move each attempt into a new second, so timestamps differ
  const { n, updates, sleeps } = notifier({}, 1_764_380_000_600);
  try {
    assert.equal(await n.notify(target(r.url), PAYLOAD, "dlv-1"), "delivered");
    assert.equal(r.hits.length, 3);
    assert.deepEqual(r.hits.map((h) => h.headers["x-keel-delivery"]), ["dlv-1", "dlv-1", "dlv-1"]);
    assert.deepEqual(r.hits.map((h) => h.headers["x-keel-attempt"]), ["1", "2", "3"]);
    assert.ok(r.hits.every(verifies), "every attempt's signature verifies");
    assert.equal(new Set(r.hits.map((h) => h.headers["x-keel-timestamp"])).size, 3, "re-signed with a fresh timestamp per attempt");
    assert.ok(r.hits.every((h) => h.body === JSON.stringify(PAYLOAD)), "the body does not change");
    assert.deepEqual(sleeps, [500, 1000]);
    assert.deepEqual(updates.map((u) => [u.status, u.attempts, u.last_http_status]), [["retrying", 1, 503], ["retrying", 2, 503], ["delivered", 3, 200]]);
    assert.equal(updates.at(-1)!.last_error, null);
  } finally {
    r.server.close();
  }
});

test("a 400 is a refusal: recorded after one attempt, not retried", async () => {
  const r = await receiver((_i, res) => res.writeHead(400).end("bad"));
  const { n, updates, sleeps, lines } = notifier();
  try {
    assert.equal(await n.notify(target(r.url), PAYLOAD, "dlv-2"), "refused");
    assert.equal(r.hits.length, 1);
    assert.deepEqual(sleeps, []);
    assert.deepEqual(updates.map((u) => [u.status, u.attempts, u.last_http_status, u.last_error]), [["refused", 1, 400, "HTTP 400"]]);
    assert.ok(lines.some((l) => l.includes("alert webhook refused")));
  } finally {
    r.server.close();
  }
});

test("Retry-After is honoured in seconds and as an HTTP date, and capped at max_delay_ms", async () => {
  const now = Date.parse("2026-11-29T03:00:00Z");
  const replies = [
    (res: ServerResponse) => res.writeHead(429, { "retry-after": "7" }).end(),
    // The clock has moved on by the 7 s slept: the date is 30 s after the second attempt.
    (res: ServerResponse) => res.writeHead(503, { "retry-after": new Date(now + 7000 + 30_000).toUTCString() }).end(),
    (res: ServerResponse) => res.writeHead(503, { "retry-after": "86400" }).end(),
    (res: ServerResponse) => res.writeHead(503, { "retry-after": "later, please" }).end(),
    (res: ServerResponse) => res.writeHead(200).end(),
  ];
  const r = await receiver((i, res) => replies[i](res));
  const { n, sleeps } = notifier({ max_delay_ms: 60_000 }, now);
  try {
    assert.equal(await n.notify(target(r.url), PAYLOAD, "dlv-3"), "delivered");
    assert.deepEqual(sleeps, [7000, 30_000, 60_000, 4000], "seconds, date, capped, unreadable → backoff for attempt 5 (window 8 s)");
  } finally {
    r.server.close();
  }
});

test("a receiver that never answers 2xx: failed after `attempts`; a dead port is retried too", async () => {
  const r = await receiver((_i, res) => res.writeHead(500).end());
  const { n, updates, sleeps, lines } = notifier({ attempts: 4 });
  try {
    assert.equal(await n.notify(target(r.url), PAYLOAD, "dlv-4"), "failed");
    assert.equal(r.hits.length, 4);
    assert.deepEqual(sleeps, [500, 1000, 2000]);
    assert.deepEqual(updates.at(-1), { id: "dlv-4", status: "failed", attempts: 4, last_http_status: 500, last_error: "HTTP 500", at: updates.at(-1)!.at });
    assert.ok(lines.some((l) => l.includes("\"alert webhook failed\"")));
  } finally {
    r.server.close();
  }
  // Nothing listens on the closed port now: connection refused, retried, then failed.
  const dead = notifier({ attempts: 2 });
  assert.equal(await dead.n.notify(target(r.url), PAYLOAD, "dlv-5"), "failed");
  assert.deepEqual(dead.sleeps, [500]);
  assert.equal(dead.updates.at(-1)!.last_http_status, null);
  assert.match(dead.updates.at(-1)!.last_error!, /ECONNREFUSED|refused|fetch failed/i);
});

test("no webhook or no secret: not_sent; the log target still gets the notification", async () => {
  const { n, updates, lines } = notifier();
  assert.equal(await n.notify({ name: "errors", owner: "oncall", metric: "error_rate", notify: { log: true } }, PAYLOAD, "dlv-6"), "not_sent");
  assert.ok(lines.some((l) => l.includes("alert FIRING: errors")));
  assert.equal(await n.notify({ ...target("http://127.0.0.1:9/"), notify: { log: false, webhook: { url: "http://127.0.0.1:9/", secret_credential: "missing" } } }, PAYLOAD, "dlv-7"), "not_sent");
  assert.deepEqual(updates.map((u) => [u.id, u.status, u.attempts, u.last_error]), [
    ["dlv-6", "not_sent", 0, "no webhook configured"],
    ["dlv-7", "not_sent", 0, "secret credential \"missing\" is not set"],
  ]);
});

test("notify returns at once; shutdown waits shutdown_wait_ms, then gives up on a receiver that hangs and logs what was not delivered", async () => {
  const r = await receiver(() => {}); // never answers
  const { n, updates, sleeps, lines } = notifier({ shutdown_wait_ms: 2500 });
  try {
    let settled = false;
    const done = n.notify(target(r.url), PAYLOAD, "dlv-8").then((s) => { settled = true; return s; });
    while (r.hits.length === 0) await new Promise((res) => setImmediate(res));
    assert.equal(settled, false, "the caller was not held up by the delivery");
    await n.close();
    assert.equal(await done, "failed");
    assert.deepEqual(sleeps, [2500], "the shutdown wait, and no retry after it");
    assert.equal(updates.at(-1)!.status, "failed");
    assert.equal(updates.at(-1)!.attempts, 1);
    const gaveUp = lines.map((l) => JSON.parse(l)).find((l) => l.msg === "alert webhooks not delivered before shutdown");
    assert.deepEqual(gaveUp.deliveries, [{ delivery: "dlv-8", rule: "errors", type: "alert.firing", attempts: 0 }]);
    assert.equal(await n.notify(target(r.url), PAYLOAD, "dlv-9"), "failed", "nothing new starts after close");
  } finally {
    r.server.closeAllConnections();
    r.server.close();
  }
});

test("the store assigns a delivery id per notification, records outcomes, and never reopens a settled one", () => {
  const store = new SqliteAlertStore(openMemorySqlite());
  const id = store.addNotification({ rule: "errors", episode: 1, type: "alert.firing", at: 10, silenced: false, owner: "oncall" });
  assert.ok(id);
  assert.equal(store.addNotification({ rule: "errors", episode: 1, type: "alert.firing", at: 11, silenced: false, owner: "oncall" }), null, "once per episode");
  assert.equal(store.notification(id)!.delivery_status, "pending");
  store.updateDelivery(id, { status: "retrying", attempts: 1, last_http_status: 503, last_error: "HTTP 503", at: 20 });
  store.updateDelivery(id, { status: "delivered", attempts: 2, last_http_status: 200, last_error: null, at: 30 });
  store.updateDelivery(id, { status: "retrying", attempts: 9, last_http_status: 503, last_error: "late", at: 40 });
  const note = store.notification(id)!;
  assert.deepEqual([note.delivery_status, note.attempts, note.last_http_status, note.last_error, note.delivery_updated_at], ["delivered", 2, 200, null, 30]);
  const silenced = store.addNotification({ rule: "errors", episode: 1, type: "alert.resolved", at: 50, silenced: true, owner: "oncall" })!;
  assert.deepEqual([store.notification(silenced)!.delivery_status, store.notification(silenced)!.last_error], ["not_sent", "silenced"]);
});
