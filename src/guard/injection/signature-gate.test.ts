import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { shippedModel } from "./classifier.js";
import { normalize } from "./normalize.js";
import { buildSignatureGate, openingWords, requiredChars } from "./signature-gate.js";
import { SIGNATURES } from "./signatures.js";

test("opening words are read only from patterns whose shape proves them", () => {
  assert.deepEqual(openingWords(/\b(?:ignore|forget) (?:all|any)\b/), ["ignore", "forget"]);
  assert.deepEqual(openingWords(/\bfrom now on\b|\b(?:i am|i'm) here/), ["from", "i", "i"]);
  assert.deepEqual(openingWords(/\b(?:role-play|act)\s+x/), ["role", "act"]);
  // Not provable: a case-insensitive flag, an optional separator, a word that may continue, a line anchor.
  assert.equal(openingWords(/\b(?:ignore) x/i), null);
  assert.equal(openingWords(/\bjail ?break/), null);
  assert.equal(openingWords(/\btokens? lost/), null);
  assert.equal(openingWords(/\b(?:ignore|forget)s? x/), null);
  assert.equal(openingWords(/\bpersona/), null);
  assert.equal(openingWords(/(?:^|\n)system:/), null);
  assert.equal(openingWords(/\b(?:a|b) x|(?:^|\n)y/), null);
});

test("required punctuation is read only where every match must hold it", () => {
  const chars = (re: RegExp): string[] | null => requiredChars(re)?.map((alt) => alt.map((c) => String.fromCharCode(c)).join("")) ?? null;
  assert.deepEqual(chars(/<\|im_start\|>|\[\/?inst\]/), ["<|>", "[]"]);
  assert.deepEqual(chars(/(?:^|\n)[^\S\n]*#{2,}\s*system/), ["#"]);
  assert.deepEqual(chars(/a\n\s+b:/), ["\n:"]);
  assert.deepEqual(chars(/!?\[x\]\(/), ["[](" ]);
  // Optional, inside a group or class, a word character, or an alternative without any: no requirement.
  assert.equal(chars(/\bfoo\b|bar:/), null);
  assert.equal(chars(/x:?y/), null);
  assert.equal(chars(/x:*y/), null);
  assert.equal(chars(/x:{0,2}y/), null);
  assert.equal(chars(/(?::|;)x/), null);
  assert.equal(chars(/[:;]x/), null);
  assert.equal(chars(/<start_of_turn>/)?.[0], "<>");
});

test("the gate never skips a signature that matches (every injection and benign row of data/guard/extra)", () => {
  const gate = buildSignatureGate(SIGNATURES.map((s) => (s.caseSensitive ? null : s.re)));
  const gated = SIGNATURES.filter((s) => !s.caseSensitive && openingWords(s.re) !== null).length;
  assert.ok(gated >= 10, `only ${gated} signatures gated`);
  const d = shippedModel().descrambler;
  let skipped = 0;
  for (const file of ["injection.jsonl", "benign.jsonl"]) {
    const rows = readFileSync(join(import.meta.dirname, "../../../data/guard/extra", file), "utf8").split("\n").filter((l) => l.trim());
    for (const line of rows.slice(0, 600)) {
      const folded = normalize((JSON.parse(line) as { text: string }).text, d).folded;
      const may = gate.mayMatch(folded);
      SIGNATURES.forEach((s, i) => {
        if (s.caseSensitive || s.anchor) return;
        s.re.lastIndex = 0;
        const hit = s.re.exec(folded) !== null;
        if (may[i] === 0) {
          skipped++;
          assert.equal(hit, false, `${s.id} gated off but matches: ${folded.slice(0, 80)}`);
        }
      });
    }
  }
  assert.ok(skipped > 0, "the gate skipped nothing");
});
