import { test } from "node:test";
import assert from "node:assert/strict";
import { parseLlamaGuard, parseTeiPredict, parseVerdictAnswer, parseVllmClassify } from "./model-verdicts.js";

test("Llama Guard 3: safe, unsafe with categories, and everything else is malformed", () => {
  assert.deepEqual(parseLlamaGuard("\n\nsafe"), { unsafe: false, score: 0, labels: [] });
  assert.deepEqual(parseLlamaGuard("unsafe\nS1,S10"), { unsafe: true, score: 1, labels: [{ label: "S1", score: 1 }, { label: "S10", score: 1 }] });
  assert.deepEqual(parseLlamaGuard(" unsafe \r\n s14 "), { unsafe: true, score: 1, labels: [{ label: "S14", score: 1 }] });
  assert.deepEqual(parseLlamaGuard("unsafe"), { unsafe: true, score: 1, labels: [] });
  for (const bad of ["", "Safe to answer.", "safe\nS1", "unsafe\nviolence", "unsafe\nS1\nmore", "unsafe\nS1,,S2", "I cannot help"]) {
    assert.equal(parseLlamaGuard(bad), null, JSON.stringify(bad));
  }
});

test("verdict answers: one word or a JSON verdict; anything else is malformed", () => {
  assert.equal(parseVerdictAnswer("injection")?.unsafe, true);
  assert.equal(parseVerdictAnswer(" Benign. ")?.unsafe, false);
  assert.deepEqual(parseVerdictAnswer('```json\n{"verdict": "injection", "score": 0.8}\n```'), { unsafe: true, score: 0.8, labels: [{ label: "injection", score: 0.8 }] });
  assert.deepEqual(parseVerdictAnswer('{"verdict":"benign"}'), { unsafe: false, score: 0, labels: [] });
  for (const bad of ["probably injection", '{"verdict": "maybe"}', '{"verdict": "injection", "score": 7}', "{not json", "[]", ""]) {
    assert.equal(parseVerdictAnswer(bad), null, JSON.stringify(bad));
  }
});

test("vLLM /classify: probabilities read in label order; attack score is the sum of the non-benign classes", () => {
  const body = { id: "classify-1", object: "list", data: [{ index: 0, label: "INJECTION", probs: [0.1, 0.6, 0.3], num_classes: 3 }] };
  const named = parseVllmClassify(body, { labels: ["BENIGN", "INJECTION", "JAILBREAK"], benign: ["BENIGN"] }, 0.5)!;
  assert.ok(Math.abs(named.score - 0.9) < 1e-9);
  assert.deepEqual(named.labels.map((l) => l.label), ["INJECTION", "JAILBREAK"]);
  const unnamed = parseVllmClassify(body, { benign: ["BENIGN"] }, 0.95)!;
  assert.equal(unnamed.unsafe, false, "0.9 < 0.95");
  assert.deepEqual(unnamed.labels.map((l) => l.label), ["LABEL_1", "LABEL_2"]);
  assert.equal(parseVllmClassify(body, { labels: ["A", "B"], benign: ["A"] }, 0.5), null, "label count must match");
  for (const bad of [null, {}, { data: [] }, { data: [{ probs: [0.5] }] }, { data: [{ probs: [0.5, "x"] }] }, { data: [{ probs: [2, 0] }] }]) {
    assert.equal(parseVllmClassify(bad, { benign: ["BENIGN"] }, 0.5), null, JSON.stringify(bad));
  }
});

test("TEI /predict: every label with its score, single or batch-of-one", () => {
  const rows = [{ score: 0.97, label: "INJECTION" }, { score: 0.03, label: "SAFE" }];
  assert.equal(parseTeiPredict(rows, { benign: ["SAFE"] }, 0.5)?.unsafe, true);
  assert.equal(parseTeiPredict([rows], { benign: ["safe"] }, 0.5)?.score, 0.97);
  for (const bad of [[{ label: "SAFE" }], [{ score: 0.5, label: "" }, { score: 0.5, label: "X" }], { outputs: [] }, [rows, rows]]) {
    assert.equal(parseTeiPredict(bad, { benign: ["SAFE"] }, 0.5), null, JSON.stringify(bad));
  }
});
