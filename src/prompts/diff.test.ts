import { test } from "node:test";
import assert from "node:assert/strict";
import { diffLines, editScript, formatUnified } from "./diff.js";

/** Applying an edit script to `a` must give `b`, and its kept lines must be a common subsequence. */
function check(a: string[], b: string[]): void {
  const ops = editScript(a, b);
  assert.deepEqual(ops.filter((o) => o.op !== "+").map((o) => o.line), a);
  assert.deepEqual(ops.filter((o) => o.op !== "-").map((o) => o.line), b);
}

test("edit scripts reproduce both sides (random cases)", () => {
  let seed = 7;
  const rnd = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  for (let i = 0; i < 300; i++) {
    const a = Array.from({ length: rnd(12) }, () => "abcde"[rnd(5)]);
    const b = Array.from({ length: rnd(12) }, () => "abcde"[rnd(5)]);
    check(a, b);
  }
  check([], []);
  check([], ["x"]);
  check(["x"], []);
});

test("the script is minimal (Myers): one changed line is one removal and one addition", () => {
  const d = diffLines("a\nb\nc\nd\ne\nf\ng\nh\n", "a\nb\nc\nd\nE\nf\ng\nh\n");
  assert.equal(d.added, 1);
  assert.equal(d.removed, 1);
  assert.equal(d.hunks.length, 1);
  assert.deepEqual(d.hunks[0], { oldStart: 2, oldLines: 7, newStart: 2, newLines: 7, lines: [" b", " c", " d", "-e", "+E", " f", " g", " h"] });
});

test("unified output: headers, separate hunks for distant changes, nothing for equal texts", () => {
  const a = Array.from({ length: 30 }, (_, i) => `line ${i}`).join("\n");
  const b = a.replace("line 2\n", "line two\n").replace("line 27", "line 27\nadded");
  const d = diffLines(a, b);
  assert.equal(d.hunks.length, 2);
  const text = formatUnified(d, "p@1", "p@2");
  assert.match(text, /^--- p@1\n\+\+\+ p@2\n@@ -1,6 \+1,6 @@\n line 0\n line 1\n-line 2\n\+line two\n/);
  assert.match(text, /\n line 27\n\+added\n/);
  assert.equal(formatUnified(diffLines("x\n", "x"), "a", "b"), "", "a trailing newline alone is no change");
  assert.equal(diffLines("same", "same").changed, false);
});
