/**
 * How low can the semantic cache's false-hit rate go on a file of labelled pairs, whatever the
 * embedder? The strictest check a verifier could add after any similarity — serve only when the
 * two texts have the same words in the same order — is measured here on the pairs themselves.
 * If even that serves non-duplicates, the labels set a floor under the false-hit rate that no
 * threshold can go below (issue 18, docs/cache.md).
 *
 *   node --import tsx bench/cache-pairs-lexical.ts pairs.jsonl     # JSON lines {a, b, duplicate}
 *
 * A measurement, not a test: prints a table and exits 0. No embedding, no network.
 */
import { readFileSync } from "node:fs";
import { wilsonInterval } from "../src/evals/stats/wilson.js";

const file = process.argv[2];
if (!file) {
  process.stderr.write("usage: node --import tsx bench/cache-pairs-lexical.ts PAIRS.jsonl\n");
  process.exit(2);
}
interface Pair { a: string; b: string; duplicate: boolean }
const pairs: Pair[] = readFileSync(file, "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l) as Pair);

const STOP = new Set("a an the of to in on at for and or but is are was were be been being it its this that these those with by from as".split(" "));
const tokens = (s: string): string[] => s.toLowerCase().match(/[a-z0-9]+/g) ?? [];
const content = (s: string): string[] => tokens(s).filter((w) => !STOP.has(w));
const same = (x: readonly string[], y: readonly string[]): boolean => x.length === y.length && x.every((w, i) => w === y[i]);

const rules: [string, (p: Pair) => boolean][] = [
  ["the same words in the same order (case and punctuation aside)", (p) => same(tokens(p.a), tokens(p.b))],
  ["the same content words in the same order (stop words aside too)", (p) => same(content(p.a), content(p.b))],
];

const dup = pairs.filter((p) => p.duplicate).length;
process.stdout.write(`${pairs.length} pairs, ${dup} duplicates\n`);
process.stdout.write(`${"served only when".padEnd(66)} ${"hits".padStart(5)} ${"false".padStart(5)} ${"false-hit".padStart(9)} ${"upper 95%".padStart(9)} ${"hit rate".padStart(8)}\n`);
for (const [name, rule] of rules) {
  const hits = pairs.filter(rule);
  const falseHits = hits.filter((p) => !p.duplicate).length;
  const rate = hits.length === 0 ? 0 : falseHits / hits.length;
  const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;
  process.stdout.write(`${name.padEnd(66)} ${String(hits.length).padStart(5)} ${String(falseHits).padStart(5)} ${pct(rate).padStart(9)} ${pct(wilsonInterval(falseHits, hits.length).upper).padStart(9)} ${pct((hits.length - falseHits) / Math.max(1, dup)).padStart(8)}\n`);
}
