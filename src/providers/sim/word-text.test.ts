import { test } from "node:test";
import assert from "node:assert/strict";
import { encode } from "gpt-tokenizer";
import { countTextTokens } from "../../tokens/count.js";
import { Rng } from "../../random/rng.js";
import { WORDS, wordPhrase, wordPieces } from "./word-text.js";

test("every word is one o200k token, bare and after a space, and the list has 256 distinct words", () => {
  assert.equal(WORDS.length, 256);
  assert.equal(new Set(WORDS).size, 256);
  for (const w of WORDS) {
    assert.equal(encode(w).length, 1, w);
    assert.equal(encode(" " + w).length, 1, w);
  }
});

test("an answer of N pieces is exactly N tokens, and each piece is one token", () => {
  for (let seed = 0; seed < 200; seed++) {
    const n = 1 + (seed % 97);
    const pieces = wordPieces(new Rng(seed), n, seed % 2 === 0);
    assert.equal(pieces.length, n);
    assert.equal(countTextTokens(pieces.join("")), n, pieces.join(""));
  }
});

test("a natural answer ends with a period, a cut one need not, and no two periods touch", () => {
  const natural = wordPieces(new Rng(7), 40, true).join("");
  assert.ok(natural.endsWith("."));
  assert.ok(!natural.includes(".."));
  assert.ok(!natural.startsWith(" ") && !natural.startsWith("."));
  assert.equal(wordPieces(new Rng(7), 1, true).length, 1);
});

test("the same seed gives the same text", () => {
  assert.deepEqual(wordPieces(new Rng(42), 30, true), wordPieces(new Rng(42), 30, true));
  assert.notDeepEqual(wordPieces(new Rng(42), 30, true), wordPieces(new Rng(43), 30, true));
  assert.equal(wordPhrase(new Rng(1), 3).split(" ").length, 3);
});
