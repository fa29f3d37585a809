import { test } from "node:test";
import assert from "node:assert/strict";
import { bagOfWordsEmbedder } from "../testing/sim-clients.js";
import { lcsLength, levenshtein, rougeL } from "./edit-distance.js";
import { firstNumber } from "./numeric.js";
import { buildEvaluators, evaluatorConfigSchema, type EvaluatorConfigInput } from "./registry.js";
import { toolCallCorrectness } from "./tool-calls.js";
import type { EvalCase, EvalResult } from "./types.js";

const deps = { embedder: bagOfWordsEmbedder() };
function run(cfg: EvaluatorConfigInput, c: Partial<EvalCase>): Promise<EvalResult> {
  const [ev] = buildEvaluators([evaluatorConfigSchema.parse(cfg)], deps);
  return ev.evaluate({ input: "q", output: "", ...c });
}
function score(r: EvalResult): number {
  assert.equal(r.status, "scored", JSON.stringify(r));
  return (r as { score: number }).score;
}
const close = (a: number, b: number, eps = 1e-9): void => assert.ok(Math.abs(a - b) < eps, `${a} ≉ ${b}`);

test("exact: whitespace and case folded by default, case kept when asked", async () => {
  assert.equal(score(await run({ kind: "exact" }, { output: "  Paris\n", expected: "paris" })), 1);
  assert.equal(score(await run({ kind: "exact", case_sensitive: true }, { output: "Paris", expected: "paris" })), 0);
  assert.equal(score(await run({ kind: "exact", value: "ok" }, { output: "OK" })), 1);
  const r = await run({ kind: "exact" }, { output: "x" });
  assert.equal(r.status === "undefined" && r.reason, "no_reference");
});

test("contains: share found in all mode (2 of 3 = 0.667), any mode is 0/1", async () => {
  close(score(await run({ kind: "contains", values: ["alpha", "beta", "gamma"] }, { output: "Alpha and GAMMA" })), 2 / 3);
  assert.equal(score(await run({ kind: "contains", values: ["alpha", "beta"], mode: "any" }, { output: "beta" })), 1);
  assert.equal(score(await run({ kind: "contains" }, { output: "It is Paris, France.", expected: "paris" })), 1);
});

test("regex: match and no_match", async () => {
  assert.equal(score(await run({ kind: "regex", pattern: "^\\d{3}-\\d{4}$" }, { output: "555-1234" })), 1);
  assert.equal(score(await run({ kind: "regex", pattern: "sorry", flags: "i", expect: "no_match" }, { output: "Sorry, I can't" })), 0);
});

test("json_schema: valid 1, invalid 0 with the error path, not JSON 0", async () => {
  const schema = { type: "object", required: ["age"], properties: { age: { type: "integer", minimum: 0 } } };
  assert.equal(score(await run({ kind: "json_schema", schema }, { output: '```json\n{"age": 3}\n```' })), 1);
  const bad = await run({ kind: "json_schema", schema }, { output: '{"age": -1}' });
  assert.equal(score(bad), 0);
  assert.match(bad.explanation, /age/);
  const notJson = await run({ kind: "json_schema", schema }, { output: "age: 3" });
  assert.equal(score(notJson), 0);
  assert.equal(notJson.label, "not_json");
});

test("json_field: fraction of fields equal, paths read from the expected JSON", async () => {
  const out = JSON.stringify({ a: { b: 1 }, c: ["x", "y"], d: { e: [1, 2] } });
  close(score(await run({ kind: "json_field", fields: { "a.b": 1, "c[0]": "x", "c[1]": "z", "d.e": [1, 2] } }, { output: out })), 3 / 4);
  assert.equal(score(await run({ kind: "json_field", paths: ["a.b", "d"] }, { output: out, expected: { a: { b: 1 }, d: { e: [1, 2] } } })), 1);
  const missing = await run({ kind: "json_field", paths: ["zzz"] }, { output: out, expected: { a: 1 } });
  assert.equal(missing.status === "undefined" && missing.reason, "no_reference");
});

test("numeric: first number, thousands separators, absolute and relative tolerance", () => {
  assert.equal(firstNumber("The total is 1,234.5 units"), 1234.5);
  assert.equal(firstNumber("-3e2 degrees"), -300);
  assert.equal(firstNumber("none"), undefined);
});

test("numeric: |1234.5 − 1234| = 0.5 passes abs 0.5; 101 vs 100 passes rel 0.01 and fails rel 0.005", async () => {
  assert.equal(score(await run({ kind: "numeric", abs: 0.5 }, { output: "1,234.5", expected: 1234 })), 1);
  assert.equal(score(await run({ kind: "numeric", rel: 0.01 }, { output: "about 101", expected: "100" })), 1);
  assert.equal(score(await run({ kind: "numeric", rel: 0.005 }, { output: "about 101", expected: "100" })), 0);
  assert.equal((await run({ kind: "numeric" }, { output: "n/a", expected: 1 })).label, "no_number");
});

test("levenshtein: kitten → sitting is 3 edits; similarity 1 − 3/7", async () => {
  assert.equal(levenshtein("kitten", "sitting"), 3);
  assert.equal(levenshtein("", "abc"), 3);
  assert.equal(levenshtein("flaw", "lawn"), 2);
  close(score(await run({ kind: "levenshtein" }, { output: "kitten", expected: "sitting" })), 1 - 3 / 7);
  const r = await run({ kind: "levenshtein" }, { output: " ", expected: "" });
  assert.equal(r.status === "undefined" && r.reason, "both_empty");
  assert.equal(score(await run({ kind: "levenshtein" }, { output: "", expected: "abc" })), 0);
});

test("ROUGE-L: Lin (2004) §3.1 example — 'police killed the gunman'", async () => {
  // Lin, "ROUGE: A Package for Automatic Evaluation of Summaries", 2004, §3.1: S2 has LCS 3 of 4
  // words with the reference (ROUGE-L 3/4), S3 has LCS 2 (ROUGE-L 1/2).
  const ref = ["police", "killed", "the", "gunman"];
  assert.equal(lcsLength(["police", "kill", "the", "gunman"], ref), 3);
  close(rougeL(["police", "kill", "the", "gunman"], ref).f, 0.75);
  close(rougeL(["the", "gunman", "kill", "police"], ref).f, 0.5);
  // P = 5/6, R = 5/6 → F1 = 5/6; with β = 2: (5·PR)/(4P + R) = 5/6 as well since P = R.
  close(score(await run({ kind: "rouge_l" }, { output: "the cat sat on the mat", expected: "the cat is on the mat" })), 5 / 6);
  // P = 2/2, R = 2/4 → F1 = 2·1·0.5/1.5 = 2/3
  close(score(await run({ kind: "rouge_l" }, { output: "the cat", expected: "the cat sat down" })), 2 / 3);
  const none = await run({ kind: "rouge_l" }, { output: "...", expected: "!!" });
  assert.equal(none.status === "undefined" && none.reason, "both_empty");
});

test("tool_call: per-call share of expected arguments, divided by max(|expected|, |actual|)", async () => {
  const want = [{ name: "get_weather", arguments: { city: "Paris", unit: "c" } }];
  assert.equal(toolCallCorrectness(want, [{ name: "get_weather", arguments: { city: "Paris", unit: "f" } }], { ordered: true, exactArgs: false }).score, 0.5);
  // one right call plus one extra: 1 / max(1, 2) = 0.5
  const extra = [{ name: "get_weather", arguments: { city: "Paris", unit: "c", days: 3 } }, { name: "book", arguments: {} }];
  assert.equal(toolCallCorrectness(want, extra, { ordered: true, exactArgs: false }).score, 0.5);
  assert.equal(toolCallCorrectness(want, extra, { ordered: true, exactArgs: true }).score, 0, "exact: the extra `days` argument fails the call");
  assert.equal(toolCallCorrectness(want, [{ name: "get_time", arguments: { city: "Paris" } }], { ordered: true, exactArgs: false }).score, 0);
  // unordered: [b, a] against [a, b] is fully right; ordered it is not
  const two = [{ name: "a", arguments: {} }, { name: "b", arguments: {} }];
  assert.equal(toolCallCorrectness(two, [two[1], two[0]], { ordered: false, exactArgs: false }).score, 1);
  assert.equal(toolCallCorrectness(two, [two[1], two[0]], { ordered: true, exactArgs: false }).score, 0);
  assert.equal(toolCallCorrectness([], [], { ordered: true, exactArgs: false }).score, 1, "no call expected, none made");
  assert.equal(score(await run({ kind: "tool_call" }, { expectedToolCalls: [], toolCalls: [{ name: "x", arguments: {} }] })), 0);
  const r = await run({ kind: "tool_call" }, { toolCalls: [] });
  assert.equal(r.status === "undefined" && r.reason, "no_reference");
});

test("latency and cost bounds; missing measurements are undefined", async () => {
  assert.equal(score(await run({ kind: "latency", max_ms: 500 }, { latencyMs: 500 })), 1);
  assert.equal(score(await run({ kind: "latency", max_ms: 500 }, { latencyMs: 500.1 })), 0);
  assert.equal(score(await run({ kind: "cost", max_usd: 0.001 }, { costUsd: 0.002 })), 0);
  const r = await run({ kind: "cost", max_usd: 1 }, {});
  assert.equal(r.status === "undefined" && r.reason, "no_measurement");
});

test("embedding similarity: identical 1, disjoint words 0, empty output 0, both empty undefined", async () => {
  close(score(await run({ kind: "embedding_similarity" }, { output: "red apple", expected: "red apple" })), 1, 1e-6);
  assert.equal(score(await run({ kind: "embedding_similarity" }, { output: "zebra", expected: "kettle" })), 0);
  assert.equal(score(await run({ kind: "embedding_similarity" }, { output: "", expected: "kettle" })), 0);
  const r = await run({ kind: "embedding_similarity" }, { output: "", expected: " " });
  assert.equal(r.status === "undefined" && r.reason, "both_empty");
});
