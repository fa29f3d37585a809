import assert from "node:assert/strict";
import { test } from "node:test";
import { leaveOneGroupOut, type Scorer } from "./leave-one-group-out.js";

interface Row { text: string; label: 0 | 1; family: string }

/** A trivial trainer: a row scores the share of its words seen only in training attacks. */
function wordTrainer(rows: readonly Row[]): Scorer<Row> {
  const att = new Set<string>();
  const ben = new Set<string>();
  for (const r of rows) for (const w of r.text.split(" ")) (r.label === 1 ? att : ben).add(w);
  return (r) => {
    const ws = r.text.split(" ");
    return ws.filter((w) => att.has(w) && !ben.has(w)).length / ws.length;
  };
}

const rows: Row[] = [
  ...["alpha one", "alpha two", "alpha alpha one"].map((text) => ({ text, label: 1 as const, family: "alpha" })),
  ...["beta one", "beta two", "beta beta two"].map((text) => ({ text, label: 1 as const, family: "beta" })),
  ...["plain one", "plain two", "plain beta"].map((text) => ({ text, label: 0 as const, family: "plain" })),
  ...["chat one", "chat two", "chat chat"].map((text) => ({ text, label: 0 as const, family: "chat" })),
];

test("each group is scored by a model that never trained on it; macro averages are per group", async () => {
  const r = await leaveOneGroupOut(rows, wordTrainer, { groupOf: (x) => x.family, fixedThreshold: 0.5, innerFolds: 0 });
  const g = Object.fromEntries(r.groups.map((x) => [x.group, x]));
  assert.deepEqual(Object.keys(g), ["alpha", "beta", "chat", "plain"]);
  // Trained without alpha, "alpha" is an unknown word: the held-out family is missed, though in
  // distribution (trained on every row) the same trainer catches every alpha row.
  assert.deepEqual(g.alpha.fixed, { threshold: 0.5, detection_rate: 0, false_positive_rate: null });
  const all = wordTrainer(rows);
  assert.ok(rows.filter((x) => x.family === "alpha").every((x) => all(x) >= 0.5));
  // "beta" occurs in a benign row ("plain beta"), so it is no attack word either.
  assert.deepEqual(g.beta.fixed, { threshold: 0.5, detection_rate: 0, false_positive_rate: null });
  // Without plain's rows "beta" is an attack-only word, so "plain beta" is a false positive.
  assert.deepEqual(g.plain.fixed, { threshold: 0.5, detection_rate: null, false_positive_rate: 0.3333 });
  assert.deepEqual(g.chat.fixed, { threshold: 0.5, detection_rate: null, false_positive_rate: 0 });
  assert.deepEqual(r.macro.fixed, { detection_rate: 0, false_positive_rate: 0.1667, groups_with_attacks: 2, groups_with_benign: 2 });
  assert.equal(r.macro.chosen, undefined);
  assert.equal(r.scored.length, rows.length);
  assert.equal(r.scored.find((s) => s.row.text === "plain beta")!.score, 0.5);
});

test("the chosen threshold comes from the training groups only: nothing trains on or calibrates with the held-out rows", async () => {
  const calls: { trained: Set<string>; scored: string[] }[] = [];
  const spy = (train: readonly Row[]): Scorer<Row> => {
    const call = { trained: new Set(train.map((r) => r.family)), scored: [] as string[] };
    calls.push(call);
    const s = wordTrainer(train);
    return (r) => (call.scored.push(r.family), s(r));
  };
  const always: Row[] = [{ text: "always plain", label: 0, family: "base" }];
  const r = await leaveOneGroupOut(rows, spy, { groupOf: (x) => x.family, alwaysTrain: always, innerFolds: 2, targetFpr: 0, only: ["plain"], seed: 7 });
  assert.deepEqual(r.groups.map((g) => g.group), ["plain"]);
  for (const c of calls) {
    assert.ok(!c.trained.has("plain"), "no model trains on the held-out group");
    assert.ok(c.trained.has("base"), "always-train rows are in every training part");
    assert.ok(!c.scored.includes("base"), "always-train rows are never scored");
  }
  // Inner folds score only training groups; the last model scores only the held-out group.
  const outer = calls.at(-1)!;
  assert.deepEqual([...new Set(outer.scored)], ["plain"]);
  for (const c of calls.slice(0, -1)) assert.ok(!c.scored.includes("plain"));
  const chosen = r.groups[0].chosen!;
  assert.equal(chosen.training_fpr, 0);
  assert.ok(chosen.threshold > 0 && chosen.threshold <= 1);
  assert.equal(r.scored.every((s) => s.chosen_threshold === chosen.threshold), true);
  assert.equal(r.macro.chosen!.groups_with_benign, 1);
});

test("with group folds, groups are held out a fold at a time and each is still scored by a model that never saw it", async () => {
  const calls: { trained: Set<string>; scored: Set<string> }[] = [];
  const spy = (train: readonly Row[]): Scorer<Row> => {
    const call = { trained: new Set(train.map((r) => r.family)), scored: new Set<string>() };
    calls.push(call);
    const s = wordTrainer(train);
    return (r) => (call.scored.add(r.family), s(r));
  };
  const r = await leaveOneGroupOut(rows, spy, { groupOf: (x) => x.family, groupFolds: 2, innerFolds: 0, fixedThreshold: 0.5 });
  assert.deepEqual(r.groups.map((g) => g.group), ["alpha", "beta", "chat", "plain"]);
  assert.equal(calls.length, 2);
  for (const c of calls) for (const g of c.scored) assert.ok(!c.trained.has(g), `${g} scored by a model trained on it`);
  assert.equal(r.scored.length, rows.length);
  await assert.rejects(leaveOneGroupOut(rows, wordTrainer, { groupOf: (x) => x.family, groupFolds: 1 }), /group folds must be an integer ≥ 2/);
});

test("bad inputs are named", async () => {
  await assert.rejects(leaveOneGroupOut(rows.slice(0, 3), wordTrainer, { groupOf: (x) => x.family }), /at least two groups, got 1/);
  await assert.rejects(leaveOneGroupOut(rows, wordTrainer, { groupOf: (x) => x.family, only: ["gamma"] }), /no group "gamma"/);
  const attacksOnly = rows.filter((r) => r.label === 1);
  await assert.rejects(leaveOneGroupOut(attacksOnly, wordTrainer, { groupOf: (x) => x.family }), /no benign rows/);
});
