import assert from "node:assert/strict";
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { startTestKeel, type TestKeel } from "../testing/keel-fixture.js";

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
