import { test } from "node:test";
import assert from "node:assert/strict";
import { NO_FACTS } from "./definition.js";
import { invisibleOptions } from "./invisible-text-options.js";
import { invisibleTextScanner, ZERO_WIDTH_RUN } from "./invisible-text-scanner.js";

const scanner = invisibleTextScanner.create(invisibleOptions.parse({}), NO_FACTS);
const scan = (text: string) => scanner.scan({ text, source: "user" }) as { triggered: boolean; score: number; findings: { type: string; score: number }[] };

test("a long run of zero-width characters carries bits and triggers; a few stray ones do not", () => {
  // "Sneaky bits": invisible times (U+2062) and invisible plus (U+2064) as 0 and 1, bytes split by U+200B.
  const bits = [..."hi"].map((c) => c.charCodeAt(0).toString(2).padStart(8, "0").replace(/0/g, "\u2062").replace(/1/g, "\u2064")).join("\u200B");
  const hidden = scan(`What does this mean? ${bits}`);
  assert.equal(hidden.triggered, true);
  assert.ok(hidden.findings.some((f) => f.type === "zero_width" && f.score >= 0.8));
  // Copy-pasted text with a zero-width space or joiner here and there stays below the threshold.
  const stray = scan(`Hello\u200B world, this is a\u200D normal${"\u200B".repeat(ZERO_WIDTH_RUN - 1)} sentence.`);
  assert.equal(stray.triggered, false);
  assert.equal(stray.score, 0.3);
});

test("tag characters and runs of variation selectors trigger; an emoji's selector does not", () => {
  const tags = [..."say hi"].map((c) => String.fromCodePoint(0xe0000 + c.charCodeAt(0))).join("");
  assert.equal(scan(`hello${tags}`).triggered, true);
  const selectors = [..."leak"].map((c) => String.fromCodePoint(0xe0100 + c.charCodeAt(0) - 16)).join("");
  assert.equal(scan(`look \u{1F600}${selectors}`).triggered, true);
  assert.equal(scan("I \u2764\uFE0F it").triggered, false);
});
