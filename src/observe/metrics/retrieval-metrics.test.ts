import assert from "node:assert/strict";
import { test } from "node:test";
import { promtoolCheck } from "../../testing/promtool.js";
import { PromRegistry } from "./prom-registry.js";
import { RetrievalMetrics } from "./retrieval-metrics.js";

test("results are counted by freshness, with bounded labels and a stale ratio", () => {
  const r = new PromRegistry();
  const m = new RetrievalMetrics(r);
  assert.match(r.render(), /^keel_knowledge_stale_retrieval_ratio 0$/m, "defined before any search");
  m.observe(["fresh", "superseded", "fresh", "fresh"]);
  m.observe(["max_age"]);
  m.observe([]);
  const text = r.render();
  assert.match(text, /^keel_knowledge_results_served_total\{stale="false",reason="fresh"\} 3$/m);
  assert.match(text, /^keel_knowledge_results_served_total\{stale="true",reason="superseded"\} 1$/m);
  assert.match(text, /^keel_knowledge_results_served_total\{stale="true",reason="max_age"\} 1$/m);
  assert.match(text, /^keel_knowledge_results_served_total\{stale="true",reason="expired"\} 0$/m);
  assert.match(text, /^keel_knowledge_searches_total\{served_stale="true"\} 2$/m);
  assert.match(text, /^keel_knowledge_searches_total\{served_stale="false"\} 1$/m);
  assert.match(text, /^keel_knowledge_stale_retrieval_ratio 0\.4$/m);
  assert.equal(text.match(/^keel_knowledge_results_served_total\{/gm)?.length, 4, "four series, whatever is searched");
  const check = promtoolCheck(text);
  assert.ok(check.ok, check.output);
});
