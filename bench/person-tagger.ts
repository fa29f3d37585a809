/**
 * The person-name tagger against the rules alone, in one process:
 *
 *   node --import tsx bench/person-tagger.ts BENIGN.jsonl [--rounds N]
 *
 * 1. Benign noise: the share of BENIGN.jsonl rows (`{text}` per line; e.g. alpaca_eval
 *    instructions) with any PERSON finding from detectPii's resolution of all detectors, rules
 *    alone against rules + tagger.
 * 2. Cost: CPU ms per KB of the name detector (detectPersons) on guard-corpus.ts realistic text of
 *    1, 10 and 100 KB and on the benign rows joined, rules alone against rules + tagger,
 *    interleaved round by round so machine noise hits both alike: the fastest and the median round,
 *    and the median of each round's paired ratio (rules + tagger ÷ rules).
 *
 * Quality per entity type stays in bench/guard-pii.ts (`--half held-out`). A measurement, not a test.
 */
import { readFileSync } from "node:fs";
import { detectAddresses } from "../src/guard/pii/address-detector.js";
import { resolveOverlaps } from "../src/guard/pii/entity.js";
import { PATTERN_DETECTORS } from "../src/guard/pii/pattern-detectors.js";
import { detectPersons } from "../src/guard/pii/person-detector.js";
import { shippedTagger, type TaggerModel } from "../src/guard/pii/person-tagger.js";
import { realisticText } from "./guard-corpus.js";

const argv = process.argv.slice(2);
const file = argv.find((a) => !a.startsWith("--"));
if (!file) {
  console.error("usage: bench/person-tagger.ts BENIGN.jsonl [--rounds N]");
  process.exit(2);
}
const rounds = Number(argv.includes("--rounds") ? argv[argv.indexOf("--rounds") + 1] : 15);
const benign = readFileSync(file, "utf8").trim().split("\n").map((l) => (JSON.parse(l) as { text: string }).text);
const tagger = shippedTagger();
const variants: [string, TaggerModel | null][] = [["rules", null], ["rules+tagger", tagger]];

const personsIn = (text: string, model: TaggerModel | null): number =>
  resolveOverlaps([...PATTERN_DETECTORS.flatMap((d) => d(text)), ...detectAddresses(text), ...detectPersons(text, model)].filter((e) => e.score >= 0.6))
    .filter((e) => e.type === "PERSON").length;

console.log(`benign rows with any PERSON finding (${benign.length} rows):`);
for (const [name, model] of variants) {
  const hit = benign.filter((t) => personsIn(t, model) > 0).length;
  console.log(`  ${name.padEnd(13)} ${hit} rows, ${((100 * hit) / benign.length).toFixed(1)}%`);
}

const texts: [string, string][] = [
  ["corpus 1 KB", realisticText(1024)],
  ["corpus 10 KB", realisticText(10 * 1024)],
  ["corpus 100 KB", realisticText(100 * 1024)],
  ["benign rows", benign.join("\n")],
];
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
// The fastest round is the least disturbed by other processes on a shared machine; the median shows the spread.
console.log(`name detector CPU, ms/KB over ${rounds} interleaved rounds — fastest round (median); ratios, and the median of per-round paired ratios:`);
for (const [label, text] of texts) {
  const kb = Buffer.byteLength(text) / 1024;
  // Repeat short texts so one timing covers at least ~100 KB.
  const reps = Math.max(1, Math.round(100 / kb));
  for (const [, model] of variants) detectPersons(text, model); // warm: regex compilation, lexicon, caches
  const ms = new Map<string, number[]>(variants.map(([n]) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    for (const [name, model] of r % 2 ? [...variants].reverse() : variants) {
      const t0 = performance.now();
      for (let i = 0; i < reps; i++) detectPersons(text, model);
      ms.get(name)!.push((performance.now() - t0) / reps / kb);
    }
  }
  const [a, b] = variants.map(([n]) => Math.min(...ms.get(n)!));
  const [am, bm] = variants.map(([n]) => median(ms.get(n)!));
  // Each round's two timings are taken back to back, so their ratio cancels most of the load that
  // drifts between rounds: the median of those paired ratios is the steadiest figure here.
  const paired = median(ms.get("rules")!.map((x, i) => ms.get("rules+tagger")![i] / x));
  console.log(`  ${label.padEnd(14)} rules ${a.toFixed(3)} (${am.toFixed(3)})  rules+tagger ${b.toFixed(3)} (${bm.toFixed(3)})  ratio ${(b / a).toFixed(2)} (${(bm / am).toFixed(2)}), paired ${paired.toFixed(2)}`);
}
