/**
 * The item API the reviewer's page reads, against a running Keel: the official `openai` client
 * searches a vector store inside a W3C trace and asks in the same trace, so the queue item made
 * from that call shows the retrieved chunks with their text; a call outside any trace shows none.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import OpenAI, { toFile } from "openai";
import { getDefaultEmbedder } from "../providers/embeddings/local-embedder.js";
import { startTestKeel, type TestKeel } from "../testing/keel-fixture.js";

let keel: TestKeel;
const TRACE = "5cf92f3577b34da6a3ce929d0e0e4737";
const APP_SPAN = "11f067aa0ba902b8";
const HOURS = "Support is open from 9 to 17 on weekdays.";

before(async () => {
  await getDefaultEmbedder().warm();
  keel = await startTestKeel();
  const client = new OpenAI({ apiKey: keel.key, baseURL: `${keel.url}/v1`, maxRetries: 0 });
  const vs = await client.vectorStores.create({ name: "support" });
  const file = await client.files.create({ file: await toFile(Buffer.from(HOURS), "hours.md"), purpose: "assistants" });
  await client.vectorStores.files.createAndPoll(vs.id, { file_id: file.id }, { pollIntervalMs: 50 });
  const traceparent = `00-${TRACE}-${APP_SPAN}-01`;
  const page = await client.vectorStores.search(vs.id, { query: "when is support open", max_num_results: 1 }, { headers: { traceparent } });
  await client.chat.completions.create({ model: "sim", messages: [{ role: "user", content: `Context: ${page.data[0].content[0].text}\nWhen is support open?` }], max_tokens: 16 }, { headers: { traceparent } });
  await client.chat.completions.create({ model: "sim", messages: [{ role: "user", content: "What is the refund window?" }], max_tokens: 16 });
  const made = await keel.admin("POST", "/api/v1/annotate/queues", {
    name: "rag", filter: { route: "sim" }, reviewers: [{ name: "ann", expertise: "expert" }, { name: "bob", expertise: "generalist" }],
    rubric: { dimensions: [{ name: "quality", scale: { kind: "ordinal", min: 1, max: 5 } }], critique: "optional" }, reviewers_per_item: 2,
  });
  assert.equal(made.status, 201, JSON.stringify(made.json));
});
after(async () => keel.close());

type Summary = { id: string; trace_id: string; position: number; state: string; labels: number; labelled?: boolean };

test("GET …/items lists every item by position; with a reviewer, whether they labelled it", async () => {
  const all = await keel.admin("GET", "/api/v1/annotate/queues/rag/items");
  assert.equal(all.status, 200);
  const items = all.json.data as Summary[];
  assert.deepEqual(items.map((i) => [i.id, i.position, i.state, i.labels, "labelled" in i]), [["it_0", 0, "pending", 0, false], ["it_1", 1, "pending", 0, false]]);
  const put = await keel.admin("POST", "/api/v1/annotate/queues/rag/items/it_1/labels", { reviewer: "ann", values: { quality: 4 }, critique: "Fine." });
  assert.equal(put.status, 201);
  const ann = (await keel.admin("GET", "/api/v1/annotate/queues/rag/items?reviewer=ann")).json.data as Summary[];
  assert.deepEqual(ann.map((i) => [i.id, i.state, i.labels, i.labelled]), [["it_0", "pending", 0, false], ["it_1", "in_review", 1, true]]);
  const bob = (await keel.admin("GET", "/api/v1/annotate/queues/rag/items?reviewer=bob")).json.data as Summary[];
  assert.deepEqual(bob.map((i) => i.labelled), [false, false]);
});

test("GET …/items/:id: the snapshot, the retrieved chunks with their text, and the labels (a reviewer sees only their own)", async () => {
  const items = (await keel.admin("GET", "/api/v1/annotate/queues/rag/items")).json.data as Summary[];
  const withCtx: { item: { input: { content: string }[] }; retrieval: unknown[] }[] = [];
  for (const s of items) withCtx.push((await keel.admin("GET", `/api/v1/annotate/queues/rag/items/${s.id}`)).json);
  const rag = withCtx.find((x) => x.item.input[0].content.startsWith("Context:"));
  const plain = withCtx.find((x) => x.item.input[0].content.startsWith("What is the refund"));
  assert.ok(rag && plain);
  assert.deepEqual(plain.retrieval, [], "a call outside any trace had no retrieval");
  const r = rag.retrieval as { relation: string; service: string; store_id: string; mode: string; result_count: number; results: { chunk_id: number; score: number; stale: boolean; text: string | null }[] }[];
  assert.equal(r.length, 1);
  assert.equal(r[0].relation, "same span");
  assert.equal(r[0].service, "keel");
  assert.match(r[0].store_id, /^vs_/);
  assert.equal(r[0].result_count, 1);
  assert.equal(r[0].results[0].text, HOURS, "the chunk id resolves to the chunk's text");
  assert.equal(r[0].results[0].stale, false);
  assert.ok(r[0].results[0].score > 0);

  await keel.admin("POST", "/api/v1/annotate/queues/rag/items/it_1/labels", { reviewer: "bob", values: { quality: 3 }, correction: "Better answer." });
  const both = (await keel.admin("GET", "/api/v1/annotate/queues/rag/items/it_1")).json;
  assert.deepEqual(both.labels.map((l: { reviewer: string; values: unknown; critique: string | null; correction: string | null }) => [l.reviewer, l.values, l.critique, l.correction]),
    [["ann", { quality: 4 }, "Fine.", null], ["bob", { quality: 3 }, null, "Better answer."]]);
  assert.equal(both.item.state, "done");
  assert.equal(both.item.labels, 2);
  const own = (await keel.admin("GET", "/api/v1/annotate/queues/rag/items/it_1?reviewer=bob")).json;
  assert.deepEqual(own.labels.map((l: { reviewer: string }) => l.reviewer), ["bob"], "bob does not see ann's label");
  assert.equal(own.item.labels, 2, "but the count is of every label");
  assert.match(own.labels[0].at, /^\d{4}-\d\d-\d\dT/);
});

test("bad input: an unknown queue, item or reviewer, or an unknown query parameter, is a precise 4xx", async () => {
  const noQueue = await keel.admin("GET", "/api/v1/annotate/queues/nope/items");
  assert.equal(noQueue.status, 404);
  assert.equal(noQueue.json.error.code, "not_found");
  const noItem = await keel.admin("GET", "/api/v1/annotate/queues/rag/items/it_99");
  assert.equal(noItem.status, 404);
  assert.equal(noItem.json.error.param, "id");
  const stranger = await keel.admin("GET", "/api/v1/annotate/queues/rag/items/it_0?reviewer=eve");
  assert.equal(stranger.status, 400);
  assert.match(stranger.json.error.message, /"eve" is not a reviewer of queue rag; its reviewers are: ann, bob/);
  const unknown = await keel.admin("GET", "/api/v1/annotate/queues/rag/items?state=done");
  assert.equal(unknown.status, 400);
  assert.equal(unknown.json.error.param, "state");
  const noAuth = await fetch(`${keel.url}/api/v1/annotate/queues/rag/items/it_0`);
  assert.equal(noAuth.status, 401);
});
