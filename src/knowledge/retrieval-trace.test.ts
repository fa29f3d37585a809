/**
 * Stale-retrieval accounting and retrieval on the trace, end to end against a running Keel: the
 * official `openai` client searches a store inside a W3C trace and then makes its chat call in the
 * same trace; /metrics counts the stale result, and the trace API shows the retrieval span (chunk
 * ids, scores, stale flags, document versions) beside the chat call it fed.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import OpenAI, { toFile } from "openai";
import { getDefaultEmbedder } from "../providers/embeddings/local-embedder.js";
import { startTestKeel, TEST_ADMIN_TOKEN, type TestKeel } from "../testing/keel-fixture.js";
import { promtoolCheck } from "../testing/promtool.js";

let keel: TestKeel;
let client: OpenAI;
const poll = { pollIntervalMs: 50 };
const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const APP_SPAN = "00f067aa0ba902b7";
const traceparent = `00-${TRACE}-${APP_SPAN}-01`;

before(async () => {
  await getDefaultEmbedder().warm();
  keel = await startTestKeel();
  client = new OpenAI({ apiKey: keel.key, baseURL: `${keel.url}/v1`, maxRetries: 0 });
});
after(async () => keel.close());

async function metric(name: string): Promise<string> {
  const text = await (await fetch(`${keel.url}/metrics`)).text();
  return text.split("\n").filter((l) => l.startsWith(name)).join("\n");
}

function value(lines: string, series: string): number {
  const line = lines.split("\n").find((l) => l.startsWith(`${series} `));
  assert.ok(line, `${series} is exposed`);
  return Number(line.slice(series.length + 1));
}

interface Span { name: string; parentSpanId: string | null; attributes: Record<string, string | number | boolean> }

describe("stale retrieval and the trace", () => {
  let storeId = "";
  let expiredFile = "";

  before(async () => {
    const vs = await client.vectorStores.create({ name: "trace" });
    storeId = vs.id;
    const live = await client.files.create({ file: await toFile(Buffer.from("Support is open from 9 to 17 on weekdays."), "hours.md"), purpose: "assistants" });
    const old = await client.files.create({ file: await toFile(Buffer.from("The spring promotion gives 30 percent off every plan."), "promo.md"), purpose: "assistants" });
    expiredFile = old.id;
    await client.vectorStores.files.createAndPoll(vs.id, { file_id: live.id }, poll);
    await client.vectorStores.files.createAndPoll(vs.id, { file_id: old.id, attributes: { expires_at: 1 } }, poll);
  });

  test("/metrics counts results served by freshness and exposes the stale-retrieval ratio", async () => {
    const before = await metric("keel_knowledge_");
    const staleBefore = value(before, 'keel_knowledge_results_served_total{stale="true",reason="expired"}');
    const freshBefore = value(before, 'keel_knowledge_results_served_total{stale="false",reason="fresh"}');
    const page = await client.vectorStores.search(storeId, { query: "spring promotion discount", max_num_results: 1 });
    assert.equal((page.data[0] as unknown as { stale_reason: string }).stale_reason, "expired");
    const fresh = await client.vectorStores.search(storeId, { query: "support opening hours", max_num_results: 1 });
    assert.equal((fresh.data[0] as unknown as { stale: boolean }).stale, false);

    const now = await metric("keel_knowledge_");
    assert.equal(value(now, 'keel_knowledge_results_served_total{stale="true",reason="expired"}'), staleBefore + 1);
    assert.equal(value(now, 'keel_knowledge_results_served_total{stale="false",reason="fresh"}'), freshBefore + 1);
    assert.ok(value(now, 'keel_knowledge_searches_total{served_stale="true"}') >= 1);
    const ratio = value(now, "keel_knowledge_stale_retrieval_ratio");
    assert.ok(ratio > 0 && ratio < 1, `ratio ${ratio} is between 0 and 1 after one stale and one fresh result`);
    const check = promtoolCheck(await (await fetch(`${keel.url}/metrics`)).text());
    assert.ok(check.ok, check.output);
  });

  test("a search inside a traceparent is a retrieval span beside the chat call it fed", async () => {
    const page = await client.vectorStores.search(storeId, { query: "spring promotion discount", max_num_results: 2 }, { headers: { traceparent } });
    const served = page.data as unknown as { chunk_id: number; file_id: string; score: number; stale: boolean; document: { version: number } }[];
    assert.ok(served.some((r) => r.stale && r.file_id === expiredFile), "the expired chunk was served");
    const chat = await client.chat.completions.create({ model: "sim", messages: [{ role: "user", content: `Answer from: ${page.data.map((r) => r.content[0].text).join(" ")}` }] }, { headers: { traceparent } });
    assert.ok(chat.choices[0].message.content);

    const res = await fetch(`${keel.url}/api/v1/otel/traces/${TRACE}`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
    assert.equal(res.status, 200);
    const body = await res.json() as { spans: Span[]; gateway_calls: { parent_span_id: string | null; endpoint: string }[] };
    assert.equal(body.gateway_calls.length, 1);
    assert.equal(body.gateway_calls[0].parent_span_id, APP_SPAN, "the chat call hangs off the application's span");
    const retrieval = body.spans.filter((s) => s.attributes["gen_ai.operation.name"] === "retrieval");
    assert.equal(retrieval.length, 1);
    const span = retrieval[0];
    assert.equal(span.parentSpanId, APP_SPAN, "the retrieval hangs off the same span as the chat call");
    assert.equal(span.attributes["gen_ai.data_source.id"], storeId);
    assert.equal(span.attributes["keel.retrieval.stale_count"], served.filter((r) => r.stale).length);
    assert.deepEqual(JSON.parse(String(span.attributes["keel.retrieval.chunk_ids"])), served.map((r) => r.chunk_id));
    const recorded = JSON.parse(String(span.attributes["keel.retrieval.results"])) as { chunk_id: number; score: number; stale: boolean; version: number; stale_reason: string | null }[];
    assert.deepEqual(recorded.map((r) => [r.chunk_id, r.score, r.stale, r.version]), served.map((r) => [r.chunk_id, r.score, r.stale, r.document.version]));
    assert.ok(recorded.some((r) => r.stale_reason === "expired"));
    // The raw query is not on the trace: only its digest.
    assert.match(String(span.attributes["keel.retrieval.query_sha256"]), /^[0-9a-f]{32}$/);
    assert.ok(!JSON.stringify(span).includes("spring promotion"), "the query text is not recorded");
  });

  test("a search without a trace context, or with an invalid one, records no span", async () => {
    const other = "0af7651916cd43dd8448eb211c80319c";
    await client.vectorStores.search(storeId, { query: "support hours" }, { headers: { traceparent: `00-${other}-zzzz-01` } });
    const res = await fetch(`${keel.url}/api/v1/otel/traces/${other}`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
    assert.equal(res.status, 404);
  });
});
