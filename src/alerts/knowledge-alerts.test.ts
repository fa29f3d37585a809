/** Alert rules on the stale-retrieval rate: owned and bounded like every rule, fired by serving stale chunks through the search API. */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import OpenAI, { toFile } from "openai";
import { getDefaultEmbedder } from "../providers/embeddings/local-embedder.js";
import { startTestKeel, type TestKeel } from "../testing/keel-fixture.js";
import { CounterWindow } from "./counter-window.js";
import { alertRuleSchema } from "./rule-schema.js";

const rule = { name: "stale-docs", owner: "kb-team@example.com", metric: "knowledge_stale_retrieval_rate", threshold: { op: ">", value: 0.3 }, window_s: 300, min_samples: 3, notify: { log: true } };

test("knowledge rules: an owner is required, no slice; threshold or change", () => {
  const { owner: _o, ...noOwner } = rule;
  assert.deepEqual(alertRuleSchema.safeParse(noOwner).error?.issues[0].path, ["owner"]);
  assert.deepEqual(alertRuleSchema.safeParse({ ...rule, slice: { key: "k" } }).error?.issues[0].path, ["slice"]);
  assert.equal(alertRuleSchema.safeParse({ ...rule, threshold: undefined, change: { direction: "up", by: 0.5 } }).success, true);
  assert.equal(alertRuleSchema.parse({ ...rule, min_samples: undefined }).min_samples, 20, "results served, as many as calls for trace rules");
});

test("the counter window: the rate between two samples; before the first sample it starts there; a reset counter is no data", () => {
  const w = new CounterWindow(60_000);
  assert.deepEqual(w.rate(0, 1000), { value: null, samples: 0 });
  w.record({ at: 0, served: 0, stale: 0 });
  w.record({ at: 10_000, served: 10, stale: 1 });
  w.record({ at: 20_000, served: 30, stale: 11 });
  assert.deepEqual(w.rate(10_000, 20_000), { value: 0.5, samples: 20 });
  assert.deepEqual(w.rate(-50_000, 20_000), { value: 11 / 30, samples: 30 });
  assert.deepEqual(w.rate(15_000, 20_000), { value: 0.5, samples: 20 }, "a start between samples reads the one before it");
  w.record({ at: 30_000, served: 30, stale: 11 });
  assert.deepEqual(w.rate(20_000, 30_000), { value: null, samples: 0 }, "nothing served in the window");
  w.record({ at: 40_000, served: 2, stale: 0 });
  assert.equal(w.rate(30_000, 40_000).value, null);
  for (let t = 50_000; t <= 200_000; t += 10_000) w.record({ at: t, served: t, stale: 0 });
  assert.deepEqual(w.rate(150_000, 200_000), { value: 0, samples: 50_000 });
  assert.deepEqual(w.rate(100_000, 200_000), { value: 0, samples: 60_000 }, "samples past the 60 s horizon are dropped: a longer window starts at the oldest kept");
});

let keel: TestKeel;
let client: OpenAI;
before(async () => {
  await getDefaultEmbedder().warm();
  keel = await startTestKeel({ alerts: { rules: [rule] } });
  client = new OpenAI({ apiKey: keel.key, baseURL: `${keel.url}/v1`, maxRetries: 0 });
});
after(async () => keel.close());

async function storeWith(text: string, attributes: Record<string, string | number>): Promise<string> {
  const f = await client.files.create({ file: await toFile(Buffer.from(text), "doc.md"), purpose: "assistants" });
  const vs = await client.vectorStores.create({ name: "docs" });
  assert.equal((await client.vectorStores.files.createAndPoll(vs.id, { file_id: f.id, attributes }, { pollIntervalMs: 50 })).status, "completed");
  return vs.id;
}

test("serving expired chunks fires the rule with its owner; fresh results bring the rate down and resolve it", async () => {
  const state = async (): Promise<{ status: string; value: number | null; samples: number }> => {
    const r = await keel.admin("POST", "/api/v1/alerts/evaluate");
    assert.equal(r.status, 200);
    return (await keel.admin("GET", "/api/v1/alerts/stale-docs")).json.state;
  };
  assert.equal((await state()).status, "ok", "nothing served: no data");
  const stale = await storeWith("The holiday schedule for 2023 closes the office on December 24.", { expires_at: Math.floor(Date.now() / 1000) - 3600 });
  const fresh = await storeWith("Refunds are issued within five business days.", {});
  for (let i = 0; i < 4; i++) {
    const page = await client.vectorStores.search(stale, { query: "holiday schedule" });
    assert.equal((page.data[0] as unknown as { stale_reason: string }).stale_reason, "expired");
  }
  const firing = await state();
  assert.equal(firing.status, "firing");
  assert.equal(firing.value, 1);
  assert.equal(firing.samples, 4);
  const sent = (await keel.admin("GET", "/api/v1/alerts/notifications?rule=stale-docs")).json.data;
  assert.equal(sent[0].type, "alert.firing");
  assert.equal(sent[0].owner, "kb-team@example.com");
  const metrics = await (await fetch(`${keel.url}/metrics`)).text();
  assert.match(metrics, /keel_knowledge_stale_retrieval_ratio 1\b/, "the rule reads the counters /metrics shows");

  for (let i = 0; i < 12; i++) await client.vectorStores.search(fresh, { query: "refunds" });
  const resolved = await state();
  assert.equal(resolved.status, "resolved");
  assert.equal(resolved.value, 0.25, "4 stale of 16 results in the window");
});
