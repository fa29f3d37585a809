import assert from "node:assert/strict";
import { test } from "node:test";
import { groupOf, metricsByGroup, NO_GROUP, overDefence, worstGroups } from "./groups.js";
import type { Outcome } from "./metrics.js";
import { rateAt, thresholdForFpr } from "./threshold.js";

const o = (label: 0 | 1, triggered: boolean): Outcome => ({ label, triggered, ms: 1 });

test("a source groups by its repository prefix; a family is taken whole; missing fields share one group", () => {
  assert.equal(groupOf({ source: "NVIDIA/garak:garak/data/x.json" }, "source"), "NVIDIA/garak");
  assert.equal(groupOf({ source: "keel" }, "source"), "keel");
  assert.equal(groupOf({}, "source"), NO_GROUP);
  assert.equal(groupOf({ family: "encoding:base64", source: "a/b:c" }, "family"), "encoding:base64");
  assert.equal(groupOf({ source: "a/b:c" }, "family"), NO_GROUP);
});

test("groups sort worst first: attack groups by detection, then benign-only groups by false positives", () => {
  const groups = ["enc", "enc", "enc", "enc", "dan", "dan", "nq", "nq", "nq", "nq", "gsm", "gsm", "mixed", "mixed"];
  const outs = [
    o(1, true), o(1, false), o(1, false), o(1, false), // enc: 25% detection
    o(1, true), o(1, true), // dan: 100%
    o(0, true), o(0, false), o(0, false), o(0, false), // nq: 25% FP
    o(0, true), o(0, true), // gsm: 100% FP
    o(1, true), o(0, true), // mixed: 100% detection, 100% FP, but it has attacks
  ];
  const t = metricsByGroup(groups, outs);
  assert.deepEqual(t.map((g) => g.group), ["enc", "dan", "mixed", "gsm", "nq"]);
  assert.deepEqual([t[0].n, t[0].attacks, t[0].benign, t[0].tp, t[0].detection_rate], [4, 4, 0, 1, 0.25]);
  assert.deepEqual([t[4].benign, t[4].false_positive_rate, t[4].detection_rate], [4, 0.25, null]);
  assert.deepEqual(worstGroups(t), { detection: { group: "enc", detection_rate: 0.25, tp: 1, attacks: 4 }, false_positive: { group: "gsm", false_positive_rate: 1, fp: 2, benign: 2 } });
  assert.deepEqual(worstGroups(metricsByGroup(["a"], [o(1, true)])), { detection: { group: "a", detection_rate: 1, tp: 1, attacks: 1 }, false_positive: null });
  assert.throws(() => metricsByGroup(["a"], []), /1 groups for 0 outcomes/);
});

test("over-defence splits benign false positives into trigger-word rows and the rest", () => {
  const rows = [
    { label: 0 as const, family: "banking77:trigger_word" },
    { label: 0 as const, family: "nq_open:trigger_word" },
    { label: 0 as const, family: "banking77" },
    { label: 0 as const },
    { label: 1 as const, family: "x:trigger_word" },
  ];
  const od = overDefence(rows, [o(0, true), o(0, false), o(0, true), o(0, false), o(1, true)]);
  assert.deepEqual(od, { trigger_word: { n: 2, fp: 1, false_positive_rate: 0.5 }, other: { n: 2, fp: 1, false_positive_rate: 0.5 } });
  assert.equal(overDefence([{ label: 0, family: "nq_open" }], [o(0, true)]), null);
});

test("the threshold for a target false-positive rate is just above the benign score it must clear", () => {
  const benign = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95];
  // 10% of 10 rows: one may trigger (0.95), so the threshold clears 0.9.
  assert.deepEqual(thresholdForFpr(benign, 0.1), { threshold: 0.901, false_positive_rate: 0.1, benign: 10 });
  assert.deepEqual(thresholdForFpr(benign, 0), { threshold: 0.951, false_positive_rate: 0, benign: 10 });
  assert.equal(thresholdForFpr(benign, 0.5).threshold, 0.501);
  assert.deepEqual(thresholdForFpr([1, 0.2], 0), { threshold: 1, false_positive_rate: 0.5, benign: 2 });
  assert.equal(thresholdForFpr([0.3456], 0).threshold, 0.346);
  assert.throws(() => thresholdForFpr([], 0.02), /no benign scores/);
  assert.throws(() => thresholdForFpr([0.1], 1), /must be in \[0, 1\)/);
  assert.equal(rateAt([0.2, 0.5, 0.9], 0.5), 0.6667);
  assert.equal(rateAt([], 0.5), null);
});
