/**
 * The incident drill of issue 7 §7, end to end with `sim` models and online evals: traffic flows;
 * a prompt version change makes answers worse (a simulator rule answers the new prompt badly);
 * an online eval rule scores sampled answers; the score alert reaches its owner's webhook with
 * that prompt change as the top candidate cause; rolling the label back restores the scores.
 */
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { startTestKeel, type TestKeel } from "../testing/keel-fixture.js";
import { until } from "../testing/until.js";

async function ask(keel: TestKeel, from: number, n: number): Promise<void> {
  for (let i = from; i < from + n; i++) {
    const res = await fetch(`${keel.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${keel.key}`, "content-type": "application/json", "x-keel-feature": "support" },
      body: JSON.stringify({ prompt: { name: "support", variables: { q: `question ${i}` } } }),
    });
    const text = await res.text();
    assert.equal(res.status, 200, text);
  }
}

test("eval incident drill: online evals notice the prompt change, the owner is paged with it as top cause, rollback restores the scores", async () => {
  const deliveries: { body: string; ts: string; sig: string }[] = [];
  const hook = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => { deliveries.push({ body, ts: String(req.headers["x-keel-timestamp"]), sig: String(req.headers["x-keel-signature"]) }); res.end(); });
  });
  await new Promise<void>((r) => hook.listen(0, "127.0.0.1", r));
  const keel = await startTestKeel({
    providers: [{
      name: "sim-support", kind: "sim",
      rules: [
        { match: "^Answer helpfully", text: "You can request a refund in the app within 30 days of purchase." },
        { match: "^Answer tersely", text: "No." },
      ],
    }],
    models: [{ name: "support-model", provider: "sim-support" }],
    alerts: {
      interval_s: 3600,
      rules: [{
        name: "support-helpfulness", owner: "team-support", metric: "score_mean", score: "helpfulness", slice: { feature: "support" },
        window_s: 600, min_samples: 10, threshold: { op: "<", value: 0.6 },
        notify: { webhook: { url: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/`, secret_credential: "hook" } },
      }],
    },
  });
  try {
    await keel.admin("PUT", "/api/v1/credentials/hook", { value: "drill-secret" });
    const rule = await keel.admin("POST", "/api/v1/evals/online-rules", {
      name: "support-helpfulness", sample_rate: 1, filter: { feature: "support" },
      evaluators: [{ kind: "regex", name: "helpfulness", pattern: "refund" }],
    });
    assert.ok(rule.status < 300, JSON.stringify(rule.json));
    const push = async (text: string, labels?: string[]): Promise<void> => {
      const r = await keel.admin("POST", "/api/v1/prompts", { prompts: [{ name: "support", type: "text", model: "support-model", text, ...(labels ? { labels } : {}) }] });
      assert.ok(r.status < 300, JSON.stringify(r.json));
    };
    const score = async (): Promise<string> => {
      const tick = await keel.admin("POST", "/api/v1/evals/online/run");
      assert.equal(tick.status, 200, JSON.stringify(tick.json));
      const ev = await keel.admin("POST", "/api/v1/alerts/evaluate");
      return ev.json.data[0].state.status;
    };
    const meanSince = async (since: number): Promise<Record<string, { mean: number; n: number }>> => {
      const s = await keel.admin("GET", `/api/v1/metrics/summary?since=${since}&by=prompt_version`);
      assert.equal(s.status, 200, JSON.stringify(s.json));
      return Object.fromEntries(s.json.data.map((x: { slice: string; scores: Record<string, { mean: number; n: number }> }) => [x.slice, x.scores.helpfulness]));
    };

    await push("Answer helpfully: {{q}}", ["production"]);
    await ask(keel, 0, 12);
    assert.equal(await score(), "ok");

    await push("Answer tersely: {{q}}");
    assert.equal((await keel.admin("PUT", "/api/v1/prompts/support/labels/production", { version: 2, reason: "shorter answers" })).status, 200);
    assert.equal((await keel.admin("POST", "/api/v1/keys", { name: "unrelated" })).status, 201, "a later, unrelated change");
    await ask(keel, 12, 30);
    assert.equal(await score(), "firing", "12 good + 30 bad answers: helpfulness 0.29 < 0.6");

    await until(() => deliveries.length >= 1, "the firing webhook");
    assert.equal(deliveries.length, 1);
    const d = deliveries[0];
    assert.equal(d.sig, `sha256=${createHmac("sha256", "drill-secret").update(`${d.ts}.${d.body}`).digest("hex")}`, "signed for the owner to verify");
    const payload = JSON.parse(d.body);
    assert.deepEqual([payload.type, payload.owner, payload.metric, payload.rule], ["alert.firing", "team-support", "score_mean", "support-helpfulness"]);
    assert.ok(payload.value < 0.6 && payload.samples >= 40, JSON.stringify(payload));

    const inc = await keel.admin("GET", `/api/v1/incidents/${payload.incident_id}`);
    assert.equal(inc.status, 200);
    assert.deepEqual([inc.json.regressions[0].dim, inc.json.regressions[0].value], ["prompt_version", "support@v2"]);
    const top = inc.json.candidate_causes[0];
    assert.deepEqual([top.event.action, top.event.target, top.matched.value], ["prompt.label.set", "support@production", "support@v2"]);
    assert.ok(inc.json.candidate_causes.some((c: { event: { kind: string } }) => c.event.kind === "key"), "the key change is a candidate, ranked below");

    const rolledBack = Date.now();
    assert.equal((await keel.admin("PUT", "/api/v1/prompts/support/labels/production", { version: 1, reason: "rollback" })).status, 200);
    await ask(keel, 42, 40);
    assert.equal(await score(), "resolved", "52 good of 82 in the window: 0.63 ≥ 0.6");
    await until(() => deliveries.length >= 2, "the resolution webhook");
    assert.equal(JSON.parse(deliveries.at(-1)!.body).type, "alert.resolved");
    assert.deepEqual(await meanSince(rolledBack), { "support@v1": { mean: 1, n: 40 } }, "after the rollback every answer scores again");
  } finally {
    await keel.close();
    hook.close();
  }
});
