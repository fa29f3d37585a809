/**
 * The online false-hit estimate end to end (docs/cache.md): a simulator target that answers a
 * paraphrase differently, every semantic hit sampled. A false hit is counted (the stats API's
 * Wilson interval, /metrics, promtool-valid), traced on the re-ask with the hit it checked, and
 * raises the entry's own threshold so the same paraphrase misses next time; a true paraphrase
 * verifies as a match.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { TraceRecord } from "../observe/types.js";
import { getDefaultEmbedder } from "../providers/embeddings/local-embedder.js";
import { promtoolCheck } from "../testing/promtool.js";
import { startTestKeel, type TestKeel } from "../testing/keel-fixture.js";
import { CACHE_VERIFY_FEATURE } from "./cache-verify-client.js";

let keel: TestKeel;
const seen: TraceRecord[] = [];

before(async () => {
  await getDefaultEmbedder().warm();
  keel = await startTestKeel({
    providers: [{
      name: "para", kind: "sim",
      rules: [
        { match: "^How can I reset", text: "Open Settings, then Security, then Reset password." },
        { match: "^How do I reset", text: "Write to support and we will email you a reset link." },
        { match: "opening hours", text: "We are open from nine to five." },
      ],
    }],
    models: [{ name: "para", provider: "para" }],
    cache: { enabled: true, backend: "memory", semantic: { enabled: true, threshold: 0.9, verify_sample: 1 }, routes: { para: { mode: "always" } } },
  });
  const writer = keel.app.traces;
  const original = writer.record.bind(writer);
  writer.record = (r: TraceRecord) => { seen.push(r); return original(r); };
});
after(async () => keel.close());

async function ask(text: string): Promise<{ cache: string | null; id: string; content: string }> {
  const res = await fetch(`${keel.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${keel.key}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "para", temperature: 0, messages: [{ role: "system", content: "You are the shop's assistant." }, { role: "user", content: text }] }),
  });
  const json = (await res.json()) as { choices: { message: { content: string } }[] };
  return { cache: res.headers.get("x-keel-cache"), id: res.headers.get("x-request-id")!, content: json.choices[0].message.content };
}

/** Until the deferred stages and the verifier's re-asks have landed. */
async function settled(pred: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !pred(); i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(pred(), "settled in time");
}
const stats = async () => (await keel.admin("GET", "/api/v1/cache/stats")).json;

test("a paraphrase the model answers differently is a verified false hit: counted, traced, and its entry's threshold raised", async () => {
  const first = await ask("How do I reset my password?");
  assert.equal(first.cache, "miss");
  await settled(() => seen.some((r) => r.id === first.id));
  await new Promise((r) => setTimeout(r, 100));
  const para = await ask("How can I reset my password?");
  assert.equal(para.cache, "semantic-hit");
  assert.equal(para.content, first.content, "the cached answer was served");
  const verifyTrace = () => seen.find((r) => r.feature === CACHE_VERIFY_FEATURE && r.metadata.cache_verify_for === para.id);
  await settled(() => verifyTrace() !== undefined);
  const hitTrace = seen.find((r) => r.id === para.id)!;
  assert.equal(hitTrace.cache?.verify, "sampled");
  const v = verifyTrace()!;
  assert.equal(v.metadata.cache_verify_outcome, "mismatch");
  assert.equal(v.metadata.cache_verify_entry, hitTrace.cache?.entry, "the re-ask names the entry the hit matched");
  assert.equal(Number(v.metadata.cache_verify_similarity), hitTrace.cache?.similarity);
  assert.equal(v.keyId, null, "Keel's own call: no key's budget is charged");
  const s = await stats();
  assert.equal(s.semantic.verification.mismatch, 1);
  assert.equal(s.semantic.verification.false_hit_rate, 1);
  assert.ok(s.semantic.verification.false_hit_lower95 > 0 && s.semantic.verification.false_hit_upper95 === 1);
  assert.equal(s.semantic.raised_thresholds, 1);
  // The same paraphrase no longer matches that entry: the model is asked and answers its own way.
  const again = await ask("How can I reset my password?");
  assert.equal(again.cache, "miss");
  assert.equal(again.content, "Open Settings, then Security, then Reset password.");
});

test("a paraphrase the model answers the same way verifies as a match; /metrics counts both, promtool-valid", async () => {
  const first = await ask("What are your opening hours?");
  assert.equal(first.cache, "miss");
  await settled(() => seen.some((r) => r.id === first.id));
  await new Promise((r) => setTimeout(r, 100));
  const para = await ask("What are your opening hours, please?");
  assert.equal(para.cache, "semantic-hit");
  await settled(() => seen.some((r) => r.metadata.cache_verify_for === para.id));
  assert.equal(seen.find((r) => r.metadata.cache_verify_for === para.id)!.metadata.cache_verify_outcome, "match");
  const s = await stats();
  assert.equal(s.semantic.verification.verified, 2);
  assert.equal(s.semantic.verification.false_hit_rate, 0.5);
  const text = await (await fetch(`${keel.url}/metrics`, { headers: { authorization: `Bearer ${keel.key}` } })).text();
  assert.match(text, /keel_cache_semantic_verified_total\{outcome="mismatch"\} 1/);
  assert.match(text, /keel_cache_semantic_verified_total\{outcome="match"\} 1/);
  const check = promtoolCheck(text);
  assert.ok(check.ok, check.output);
});
