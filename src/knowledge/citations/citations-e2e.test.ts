/**
 * Citation checks end to end against a running Keel, with the official `openai` client as the
 * application: it searches a vector store inside a W3C trace, then asks a sim model scripted to
 * answer with citations, in the same trace. The `citations` output scanner resolves [n] against
 * the chunks that search served (numbered in retrieval order): a citation past them is
 * fabricated — on the trace and on /metrics under `flag`, an OpenAI-shape error under `block`.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import OpenAI, { toFile } from "openai";
import { getDefaultEmbedder } from "../../providers/embeddings/local-embedder.js";
import { startTestKeel, type TestKeel } from "../../testing/keel-fixture.js";
import { promtoolCheck } from "../../testing/promtool.js";

let keel: TestKeel;
let client: OpenAI;
const TRACE = "5cf92f3577b34da6a3ce929d0e0e4736";
const traceparent = `00-${TRACE}-10f067aa0ba902b7-01`;
const HOURS = "Support is open from 9 to 17 on weekdays.";

before(async () => {
  await getDefaultEmbedder().warm();
  keel = await startTestKeel({
    providers: [{
      name: "citer", kind: "sim", rules: [
        { match: "^good", text: "Support is open from 9 to 17 on weekdays [1]." },
        { match: "^fabricate", text: "Support is open from 9 to 17 on weekdays [1]. Refunds are paid within an hour [3]." },
        { match: "^unsupported", text: "Support is open around the clock on Sundays and public holidays [1]." },
      ],
    }],
    models: [{ name: "cite-flag", provider: "citer" }, { name: "cite-block", provider: "citer" }],
    guard: {
      policies: {
        "cite-flag": { stage: "output", scanners: { citations: "flag" } },
        "cite-block": { stage: "output", scanners: { citations: "block" } },
      },
      assign: [{ model: "cite-flag", output: "cite-flag" }, { model: "cite-block", output: "cite-block" }],
    },
  });
  client = new OpenAI({ apiKey: keel.key, baseURL: `${keel.url}/v1`, maxRetries: 0 });
});
after(async () => keel.close());

async function lastTraceGuard(): Promise<{ scanner: string; source: string; triggered: boolean; action: string; findings?: string[] }[]> {
  await new Promise((r) => setTimeout(r, 50));
  const list = await keel.admin("GET", "/api/v1/traces?limit=1");
  const trace = await keel.admin("GET", `/api/v1/traces/${list.json.data[0].id}`);
  return trace.json.guard;
}

async function series(name: string): Promise<number> {
  const text = await (await fetch(`${keel.url}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  assert.ok(line, `${name} is exposed`);
  return Number(line.slice(name.length + 1));
}

describe("citation checks through the gateway", () => {
  before(async () => {
    const vs = await client.vectorStores.create({ name: "citations" });
    const f = await client.files.create({ file: await toFile(Buffer.from(HOURS), "hours.md"), purpose: "assistants" });
    await client.vectorStores.files.createAndPoll(vs.id, { file_id: f.id }, { pollIntervalMs: 50 });
    const page = await client.vectorStores.search(vs.id, { query: "support opening hours", max_num_results: 1 }, { headers: { traceparent } });
    assert.equal(page.data.length, 1);
  });

  test("a citation past the chunks retrieved in the call's trace is flagged citation_fabricated, and counted", async () => {
    const fabricated = 'keel_citations_checked_total{verdict="fabricated",kind="numeric"}';
    const supported = 'keel_citations_checked_total{verdict="supported",kind="numeric"}';
    const [fab0, sup0] = [await series(fabricated), await series(supported)];
    const r = await client.chat.completions.create({ model: "cite-flag", messages: [{ role: "user", content: "fabricate: when is support open?" }] }, { headers: { traceparent } });
    assert.match(r.choices[0].message.content ?? "", /\[3\]/, "flag lets the answer through");
    const v = (await lastTraceGuard()).find((x) => x.scanner === "citations");
    assert.ok(v, "the citations verdict is on the trace");
    assert.deepEqual([v.source, v.triggered, v.action, v.findings], ["output", true, "flag", ["citation_fabricated"]]);
    assert.equal(await series(fabricated), fab0 + 1);
    assert.equal(await series(supported), sup0 + 1, "[1] resolved to the retrieved chunk and is supported");
    const check = promtoolCheck(await (await fetch(`${keel.url}/metrics`)).text());
    assert.ok(check.ok, check.output);
  });

  test("a supported citation passes; one the retrieved chunk does not support is citation_unsupported", async () => {
    await client.chat.completions.create({ model: "cite-flag", messages: [{ role: "user", content: "good: hours?" }] }, { headers: { traceparent } });
    assert.equal((await lastTraceGuard()).find((x) => x.scanner === "citations")?.triggered, false);
    await client.chat.completions.create({ model: "cite-flag", messages: [{ role: "user", content: "unsupported: hours?" }] }, { headers: { traceparent } });
    assert.deepEqual((await lastTraceGuard()).find((x) => x.scanner === "citations")?.findings, ["citation_unsupported"]);
  });

  test("retrieval is per call: the same answer outside the trace cites nothing retrieved, unless the prompt carries it", async () => {
    await client.chat.completions.create({ model: "cite-flag", messages: [{ role: "user", content: "good: hours?" }] });
    assert.deepEqual((await lastTraceGuard()).find((x) => x.scanner === "citations")?.findings, ["citation_fabricated"]);
    await client.chat.completions.create({ model: "cite-flag", messages: [{ role: "system", content: `Answer from the sources, citing them.\n[1] ${HOURS}` }, { role: "user", content: "good: hours?" }] });
    assert.equal((await lastTraceGuard()).find((x) => x.scanner === "citations")?.triggered, false);
  });

  test("under block the fabricated citation is refused with OpenAI's error shape, streamed or not", async () => {
    await assert.rejects(
      client.chat.completions.create({ model: "cite-block", messages: [{ role: "user", content: "fabricate: hours?" }] }, { headers: { traceparent } }),
      (err: unknown) => {
        assert.ok(err instanceof OpenAI.APIError);
        assert.equal(err.status, 400);
        assert.equal((err.error as { code?: string }).code, "guard_blocked");
        assert.match(err.message, /citations/);
        return true;
      },
    );
    const stream = await client.chat.completions.create({ model: "cite-block", stream: true, messages: [{ role: "user", content: "fabricate: hours?" }] }, { headers: { traceparent } });
    await assert.rejects(async () => {
      for await (const _ of stream) { /* drain */ }
    }, (err: unknown) => err instanceof Error && /citations/.test(err.message));
    const ok = await client.chat.completions.create({ model: "cite-block", stream: true, messages: [{ role: "user", content: "good: hours?" }] }, { headers: { traceparent } });
    let text = "";
    for await (const c of ok) text += c.choices[0]?.delta.content ?? "";
    assert.equal(text, "Support is open from 9 to 17 on weekdays [1].");
  });
});
