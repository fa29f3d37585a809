import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../random/rng.js";
import { chooseTarget, type TargetView } from "./strategies.js";

const views = (inFlight: number[]): TargetView[] => inFlight.map((n) => ({ weight: 1, priority: 0, inFlight: n, latencyMs: null, available: true }));
/** Ties still draw; a constant near 1 keeps the first of tied targets. */
const keepFirst = (): number => 0.99;

test("the replica holding the prompt's prefix wins over idle ones while under the load bound", () => {
  // total in-flight 4 → bound ⌈1.25·5/4⌉ = 2: replica 2 (1 in flight) is eligible
  const pick = chooseTarget("prefix-affinity", views([1, 1, 1, 1]), { random: keepFirst, matchedBlocks: [0, 0, 60, 3], promptBlocks: 64, loadFactor: 1.25 });
  assert.equal(pick, 2);
});

test("bounded load: a replica at its bound is skipped however well it matches; the overflow goes to the next best", () => {
  // total 7 → bound ⌈1.25·8/4⌉ = 3; replica 0 has 3 in flight, so 3+1 > 3
  const input = { random: keepFirst, matchedBlocks: [64, 40, 0, 0], promptBlocks: 64, loadFactor: 1.25 };
  assert.equal(chooseTarget("prefix-affinity", views([3, 2, 1, 1]), input), 1);
  // with no partial match anywhere else the spill goes to the least loaded
  assert.equal(chooseTarget("prefix-affinity", views([3, 2, 1, 0]), { ...input, matchedBlocks: [64, 0, 0, 0] }), 3);
});

test("no match anywhere: least-busy, ties at random", () => {
  assert.equal(chooseTarget("prefix-affinity", views([2, 0, 1]), { random: keepFirst, matchedBlocks: [0, 0, 0], promptBlocks: 10 }), 1);
  const rng = new Rng(1);
  const seen = new Set<number>();
  for (let i = 0; i < 200; i++) seen.add(chooseTarget("prefix-affinity", views([0, 0, 0]), { random: () => rng.next(), matchedBlocks: [0, 0, 0], promptBlocks: 0 }));
  assert.deepEqual([...seen].sort(), [0, 1, 2]);
});

test("a partial match (a shared system prompt) is weighed against load", () => {
  // both hold the 4-block system prompt of a 64-block prompt (6%): the idler one wins
  assert.equal(chooseTarget("prefix-affinity", views([2, 0]), { random: keepFirst, matchedBlocks: [4, 4], promptBlocks: 64 }), 1);
  // 6% vs 0% matched, but 2 more in flight out of a bound of 3 outweighs it
  assert.equal(chooseTarget("prefix-affinity", views([2, 0]), { random: keepFirst, matchedBlocks: [4, 0], promptBlocks: 64 }), 1);
});

test("property: whatever the state, the choice keepFirst exceeds the bound and is always made", () => {
  const rng = new Rng(99);
  const random = (): number => rng.next();
  for (let round = 0; round < 5000; round++) {
    const n = 1 + Math.floor(random() * 32);
    const load = Array.from({ length: n }, () => Math.floor(random() * 20));
    const matched = Array.from({ length: n }, () => Math.floor(random() * 65));
    const c = 1 + random() * 2;
    const pick = chooseTarget("prefix-affinity", views(load), { random, matchedBlocks: matched, promptBlocks: 64, loadFactor: c });
    assert.ok(pick >= 0, "some target is always eligible");
    const total = load.reduce((a, b) => a + b, 0);
    assert.ok(load[pick] + 1 <= Math.ceil((c * (total + 1)) / n), `bound held: ${load} → ${pick}`);
  }
});
