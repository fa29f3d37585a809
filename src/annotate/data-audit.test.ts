import assert from "node:assert/strict";
import { test } from "node:test";
import { auditRows } from "./data-audit.js";
import { jaccard, similarPairs, tokenSet } from "./near-duplicates.js";

const dpo = (p: string, c: string, r: string): string => JSON.stringify({ prompt: [{ role: "user", content: p }], chosen: [{ role: "assistant", content: c }], rejected: [{ role: "assistant", content: r }] });

test("prefix-filtered similar pairs equal the brute-force pairs", () => {
  const words = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu".split(" ");
  let seed = 7;
  const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const sets = Array.from({ length: 80 }, () => tokenSet(words.filter(() => rnd() < 0.6).join(" ")));
  for (const t of [0.5, 0.8]) {
    const brute: string[] = [];
    for (let i = 0; i < sets.length; i++) for (let j = i + 1; j < sets.length; j++) if (sets[i].length && sets[j].length && jaccard(sets[i], sets[j]) >= t) brute.push(`${i}:${j}`);
    assert.deepEqual(similarPairs(sets, t).map((p) => `${p.a}:${p.b}`), brute);
    assert.ok(brute.length > 0);
  }
});

test("audit finds exact and near duplicates, contamination against eval prompts, and DPO length bias", () => {
  const lines = [
    dpo("How do I reset my password?", "Open settings, choose security, then reset password and confirm by email.", "No."),
    dpo("How do I reset my password?", "Open settings, choose security, then reset password and confirm by email.", "No."),
    dpo("How can I reset my password please?", "Open settings, choose security, then reset password and confirm by email.", "No."),
    dpo("What is the refund window for annual plans?", "30 days.", "It depends on many factors that we cannot discuss here."),
    dpo("Translate hello into French", "Bonjour", "Salut"),
    "not json",
  ];
  const r = auditRows(lines, [{ dataset: "golden", items: [{ id: "g1", prompt: "what is the refund window for annual plans?" }, { id: "g2", prompt: "Translate hello into French please" }] }]);
  assert.equal(r.rows, 5);
  assert.equal(r.format, "dpo");
  assert.deepEqual(r.unreadable, [6]);
  assert.deepEqual(r.exact_duplicates, [{ rows: [1, 2] }]);
  assert.deepEqual(r.near_duplicates.map((p) => [p.a, p.b]), [[1, 3], [2, 3]]);
  assert.deepEqual(r.contamination.map((c) => [c.row, c.item, c.kind]), [[4, "g1", "exact"], [5, "g2", "near"]]);
  assert.equal(r.length_bias!.pairs, 5);
  assert.equal(r.length_bias!.longer_wins_share, 0.8);
});
