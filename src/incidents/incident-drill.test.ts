/**
 * The incident drill, end to end with `sim` models: traffic flows; a prompt label moves to a
 * version that routes to a failing model; the alert reaches its owner's webhook with an incident
 * whose top candidate cause is that label move (not the closer, unrelated key change); rolling
 * the label back resolves it.
 */
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { startTestKeel, type TestKeel } from "../testing/keel-fixture.js";
import { runCli } from "../testing/cli-process.js";
import { until } from "../testing/until.js";


async function ask(keel: TestKeel, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${keel.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${keel.key}`, "content-type": "application/json", "x-keel-feature": "support" },
      body: JSON.stringify({ prompt: { name: "support", variables: { q: `question ${i}` } } }),
    });
    await res.arrayBuffer();
  }
}

test("incident drill: the prompt change is the top candidate cause, and rollback resolves", async () => {
  const payloads: Record<string, unknown>[] = [];
  const hook = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => { payloads.push(JSON.parse(body)); res.end(); });
  });
  await new Promise<void>((r) => hook.listen(0, "127.0.0.1", r));
  const keel = await startTestKeel({
    providers: [{ name: "sim-broken", kind: "sim", faults: { error_rate: 1, status: 500 } }],
    models: [{ name: "broken", provider: "sim-broken" }],
    alerts: {
      interval_s: 3600,
      rules: [{
        name: "support-errors", owner: "team-support", metric: "error_rate", slice: { feature: "support" }, window_s: 600, min_samples: 10,
        threshold: { op: ">", value: 0.3 },
        notify: { webhook: { url: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/`, secret_credential: "hook" } },
      }],
    },
  });
  try {
    await keel.admin("PUT", "/api/v1/credentials/hook", { value: "drill-secret" });
    const push = async (model: string, text: string, labels?: string[]): Promise<void> => {
      const r = await keel.admin("POST", "/api/v1/prompts", { prompts: [{ name: "support", type: "text", model, text, ...(labels ? { labels } : {}) }] });
      assert.ok(r.status < 300, JSON.stringify(r.json));
    };
    await push("sim", "Answer briefly: {{q}}", ["production"]);
    await ask(keel, 12);
    let ev = await keel.admin("POST", "/api/v1/alerts/evaluate");
    assert.equal(ev.json.data[0].state.status, "ok");

    await push("broken", "Answer in detail: {{q}}");
    assert.equal((await keel.admin("PUT", "/api/v1/prompts/support/labels/production", { version: 2, reason: "more detail" })).status, 200);
    assert.equal((await keel.admin("POST", "/api/v1/keys", { name: "unrelated" })).status, 201, "a later, unrelated change");
    await ask(keel, 12);
    ev = await keel.admin("POST", "/api/v1/alerts/evaluate");
    assert.equal(ev.json.data[0].state.status, "firing");
    await until(() => payloads.length >= 1, "the firing webhook");
    assert.equal(payloads.length, 1);
    assert.equal(payloads[0].owner, "team-support");
    const incidentId = payloads[0].incident_id as string;
    assert.match(incidentId, /^inc_[0-9a-f]{16}$/);

    const inc = await keel.admin("GET", `/api/v1/incidents/${incidentId}`);
    assert.equal(inc.status, 200);
    assert.deepEqual([inc.json.regressions[0].dim, inc.json.regressions[0].value], ["prompt_version", "support@v2"]);
    const top = inc.json.candidate_causes[0];
    assert.equal(top.event.action, "prompt.label.set");
    assert.equal(top.event.target, "support@production");
    assert.equal(top.matched.value, "support@v2");
    const keyCause = inc.json.candidate_causes.find((c: { event: { kind: string; at: number } }) => c.event.kind === "key" && c.event.at > top.event.at);
    assert.ok(keyCause && keyCause.proximity >= top.proximity && keyCause.score < top.score, "closer in time, but it touches nothing that regressed");

    const shown = await runCli(["incidents", "show", incidentId, "--url", keel.url, "--admin-token", keel.adminToken]);
    assert.equal(shown.code, 0, shown.err);
    assert.match(shown.out, /Incident inc_\w+ — support-errors \(owner: team-support\)/);
    assert.match(shown.out, /^1\s+1\.000\s+[\d.]+ min before\s+prompt\s+support@production: v1 → v2 \(more detail\).*prompt_version=support@v2$/m);

    assert.equal((await keel.admin("PUT", "/api/v1/prompts/support/labels/production", { version: 1, reason: "rollback" })).status, 200);
    await ask(keel, 40);
    ev = await keel.admin("POST", "/api/v1/alerts/evaluate");
    assert.equal(ev.json.data[0].state.status, "resolved");
    await until(() => payloads.length >= 2, "the resolution webhook");
    assert.equal(payloads.at(-1)!.type, "alert.resolved");
    assert.equal(payloads.at(-1)!.incident_id, incidentId);
    assert.ok((await keel.admin("GET", "/api/v1/incidents")).json.data[0].resolved_at > 0);
    const changes = await keel.admin("GET", "/api/v1/changes?since=1h");
    assert.ok(changes.json.data.filter((c: { kind: string }) => c.kind === "prompt").length >= 3);
  } finally {
    await keel.close();
    hook.close();
  }
});
