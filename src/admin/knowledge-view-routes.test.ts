/**
 * The Knowledge page's admin views against a real Keel: stores with freshness counts, a store's
 * documents with versions, and retrieval quality plus the top stale documents served, fed by
 * searches made with the official `openai` client. Bad input is a 400 naming the parameter.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import OpenAI, { toFile } from "openai";
import { getDefaultEmbedder } from "../providers/embeddings/local-embedder.js";
import { startTestKeel, type TestKeel } from "../testing/keel-fixture.js";

let keel: TestKeel;
let client: OpenAI;

before(async () => {
  await getDefaultEmbedder().warm();
  keel = await startTestKeel({});
  client = new OpenAI({ apiKey: keel.key, baseURL: `${keel.url}/v1`, maxRetries: 0 });
});
after(async () => keel.close());

const attach = async (storeId: string, name: string, text: string, attributes: Record<string, string>) => {
  const f = await client.files.create({ file: await toFile(Buffer.from(text), name), purpose: "assistants" });
  return client.vectorStores.files.createAndPoll(storeId, { file_id: f.id, attributes }, { pollIntervalMs: 50 });
};

test("stores, documents and versions, and stale documents served", async () => {
  const store = await client.vectorStores.create({ name: "policies" });
  await attach(store.id, "refunds.md", "Refunds take five business days.", { source_uri: "kb://refunds", owner: "payments", licence: "CC-BY-4.0" });
  await attach(store.id, "refunds.md", "Refunds take ten business days.", { source_uri: "kb://refunds", owner: "payments", licence: "CC-BY-4.0" });
  await attach(store.id, "old.md", "Shipping is free above fifty euros.", { source_uri: "kb://shipping", expires_at: "2020-01-01T00:00:00Z" });

  const stores = await keel.admin("GET", "/api/v1/knowledge/stores");
  assert.equal(stores.status, 200);
  const row = stores.json.data.find((s: { id: string }) => s.id === store.id);
  assert.equal(row.name, "policies");
  assert.equal(row.files.completed, 3);
  assert.deepEqual([row.documents, row.versions, row.superseded, row.stale], [2, 3, 1, 1]);

  const docs = await keel.admin("GET", `/api/v1/knowledge/stores/${store.id}/documents`);
  assert.equal(docs.status, 200);
  const refunds = docs.json.data.filter((d: { source_uri: string }) => d.source_uri === "kb://refunds");
  assert.deepEqual(refunds.map((d: { version: number; stale: boolean; stale_reason: string | null }) => [d.version, d.stale, d.stale_reason]), [[2, false, null], [1, true, "superseded"]]);
  assert.equal(refunds[0].owner, "payments");
  assert.equal(refunds[0].licence, "CC-BY-4.0");
  assert.match(refunds[0].content_hash, /^[0-9a-f]{64}$/);
  assert.equal(refunds[0].filename, "refunds.md");
  const live = await keel.admin("GET", `/api/v1/knowledge/stores/${store.id}/documents?superseded=false`);
  assert.equal(live.json.data.length, 2);

  await client.vectorStores.search(store.id, { query: "shipping free" });
  await client.vectorStores.search(store.id, { query: "shipping" });
  await client.vectorStores.search(store.id, { query: "refunds", keel_include_superseded: true } as never);
  const q = await keel.admin("GET", "/api/v1/knowledge/retrieval");
  assert.equal(q.status, 200);
  const hour = q.json.hours.at(-1);
  assert.equal(hour.searches, 3);
  assert.ok(hour.stale_results >= 3 && hour.stale_rate > 0 && hour.stale_rate <= 1);
  assert.ok(hour.mean_top_score > 0 && hour.mean_top_score <= 1);
  const top = q.json.top_stale[0];
  assert.equal(top.source_uri, "kb://shipping");
  assert.equal(top.reason, "expired");
  assert.equal(top.served, 3, "every search returns it: the store holds three small documents");
  assert.equal(top.filename, "old.md");
  assert.ok(q.json.top_stale.some((s: { reason: string; version: number }) => s.reason === "superseded" && s.version === 1));
});

test("bad input: 400 naming the parameter, 404 for a missing store, 401 without the admin token", async () => {
  const bad = await keel.admin("GET", "/api/v1/knowledge/stores?limit=0");
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.param, "limit");
  const flag = await keel.admin("GET", "/api/v1/knowledge/stores/vs_x/documents?superseded=maybe");
  assert.equal(flag.status, 400);
  assert.equal(flag.json.error.param, "superseded");
  const missing = await keel.admin("GET", "/api/v1/knowledge/stores/vs_missing/documents");
  assert.equal(missing.status, 404);
  const top = await keel.admin("GET", "/api/v1/knowledge/retrieval?limit=101");
  assert.equal(top.status, 400);
  const anon = await fetch(`${keel.url}/api/v1/knowledge/stores`, { headers: { authorization: `Bearer ${keel.key}` } });
  assert.equal(anon.status, 401);
});
