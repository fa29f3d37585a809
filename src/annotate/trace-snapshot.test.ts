import assert from "node:assert/strict";
import { test } from "node:test";
import { sampleTrace } from "../observe/sample-trace.js";
import { inSample, matchesFilter, snapshotTrace } from "./trace-snapshot.js";

test("the sample keeps about its share, and the same traces for the same queue name", () => {
  const ids = Array.from({ length: 4000 }, (_, i) => `req_${i}`);
  const kept = ids.filter((id) => inSample("q", id, 0.25));
  assert.ok(kept.length > 900 && kept.length < 1100, `kept ${kept.length}`);
  assert.deepEqual(ids.filter((id) => inSample("q", id, 0.25)), kept);
  assert.notDeepEqual(ids.filter((id) => inSample("other", id, 0.25)), kept);
  assert.equal(ids.filter((id) => inSample("q", id, 1)).length, 4000);
});

test("a snapshot keeps the text messages and the answer, and says why a trace cannot be one", () => {
  const base = sampleTrace(0);
  const ok = snapshotTrace({
    ...base, endpoint: "chat", status: "ok",
    requestBody: JSON.stringify({ messages: [{ role: "system", content: "Be brief." }, { role: "user", content: [{ type: "text", text: "Hi" }, { type: "image_url", image_url: { url: "x" } }] }] }),
    responseBody: JSON.stringify({ choices: [{ message: { role: "assistant", content: "Hello." } }] }),
  });
  assert.ok(ok.ok);
  assert.deepEqual(ok.item.input, [{ role: "system", content: "Be brief." }, { role: "user", content: "Hi" }]);
  assert.equal(ok.item.output, "Hello.");
  assert.deepEqual(snapshotTrace({ ...base, endpoint: "embeddings" }), { ok: false, reason: "not a chat call" });
  assert.deepEqual(snapshotTrace({ ...base, endpoint: "chat", status: "error" }), { ok: false, reason: "failed call" });
  assert.deepEqual(snapshotTrace({ ...base, endpoint: "chat", status: "ok", requestBody: null }), { ok: false, reason: "body not captured" });
  assert.deepEqual(snapshotTrace({ ...base, endpoint: "chat", status: "ok", requestBody: JSON.stringify({ messages: [{ role: "user", content: "x" }] }), responseBody: JSON.stringify({ choices: [{ message: { content: null } }] }) }), { ok: false, reason: "no text answer" });
});

test("the filter's own conditions name the field that removed a trace", () => {
  const t = { ...sampleTrace(0), modelRequested: "support", modelServed: "gpt-x", promptName: "answer", promptVersion: 3, guard: [{ scanner: "pii", source: "user", score: 1, triggered: true, action: "log", latency_ms: 1 }] };
  const f = { sample: 1, limit: 10 };
  assert.equal(matchesFilter(t, { ...f, route: "support", model: "gpt-x", prompt: "answer", prompt_version: 3, guard_triggered: true }), null);
  assert.equal(matchesFilter(t, { ...f, route: "other" }), "route");
  assert.equal(matchesFilter(t, { ...f, model: "support" }), "model");
  assert.equal(matchesFilter(t, { ...f, prompt_version: 2 }), "prompt_version");
  assert.equal(matchesFilter(t, { ...f, guard_triggered: false }), "guard_triggered");
  assert.equal(matchesFilter({ ...t, guard: null }, { ...f, guard_triggered: true }), "guard_triggered");
});
