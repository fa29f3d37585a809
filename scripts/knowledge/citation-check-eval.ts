/**
 * Precision and recall of Keel's citation check (src/evals/citations/) per class — good,
 * unsupported, fabricated — on the constructed set data/knowledge/citation-set.jsonl (built by
 * scripts/knowledge/build-citation-set.ts), with the offline lexical groundedness check.
 *
 *   node --import tsx scripts/knowledge/citation-check-eval.ts [--support-threshold 0.7] [--json]
 *
 * Each case's citations are parsed from its answer (and annotations), verified against its
 * context chunks, and compared in order with the labels. Prints the per-class table, the
 * confusion matrix and accuracy per variant (where the check misses).
 */
import { readFileSync } from "node:fs";
import { parseCitations, type CitationAnnotation } from "../../src/evals/citations/parse.js";
import { verifyCitations } from "../../src/evals/citations/verify.js";

type Label = "good" | "unsupported" | "fabricated";
const LABELS: Label[] = ["good", "unsupported", "fabricated"];
interface Case {
  id: string; variant: string; style: string; answer: string; annotations?: CitationAnnotation[]; expected: Label[];
  context: { number: number; text: string; url: string; file_id: string; filename: string }[];
}

const args = process.argv.slice(2);
if (args.includes("--help")) {
  console.log("usage: citation-check-eval.ts [--support-threshold <0..1>] [--json] [--set <file.jsonl>]\nPrecision and recall of the citation check per class on a labelled set.");
  process.exit(0);
}
const opt = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const threshold = Number(opt("--support-threshold") ?? 0.7);
if (!(threshold > 0 && threshold <= 1)) {
  console.error("--support-threshold must be in (0, 1]");
  process.exit(2);
}
const setPath = opt("--set") ?? new URL("../../data/knowledge/citation-set.jsonl", import.meta.url).pathname;
const cases = readFileSync(setPath, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as Case);

const confusion = new Map<string, number>();
const byVariant = new Map<string, { n: number; right: number }>();
let mismatched = 0;
let citations = 0;
const t0 = performance.now();
for (const c of cases) {
  const parsed = parseCitations(c.answer, c.annotations ?? []);
  const report = await verifyCitations(parsed, c.context.map((x) => ({ text: x.text, number: x.number, url: x.url, fileId: x.file_id, filename: x.filename })), { supportThreshold: threshold });
  if (report.results.length !== c.expected.length) {
    mismatched++;
    continue;
  }
  report.results.forEach((r, i) => {
    const want = c.expected[i];
    const got: Label = r.verdict === "supported" ? "good" : r.verdict;
    citations++;
    confusion.set(`${want}/${got}`, (confusion.get(`${want}/${got}`) ?? 0) + 1);
    const v = byVariant.get(`${want}/${c.variant}`) ?? { n: 0, right: 0 };
    v.n++;
    if (got === want) v.right++;
    byVariant.set(`${want}/${c.variant}`, v);
  });
}
const ms = performance.now() - t0;
const cell = (w: Label, g: Label): number => confusion.get(`${w}/${g}`) ?? 0;
const perClass = LABELS.map((l) => {
  const tp = cell(l, l);
  const predicted = LABELS.reduce((s, w) => s + cell(w, l), 0);
  const actual = LABELS.reduce((s, g) => s + cell(l, g), 0);
  return { class: l, support: actual, precision: predicted ? tp / predicted : null, recall: actual ? tp / actual : null };
});
const out = {
  set: setPath.replace(/^.*\/data\//, "data/"), cases: cases.length, citations, parse_mismatches: mismatched, support_threshold: threshold,
  per_class: perClass,
  confusion: Object.fromEntries(LABELS.map((w) => [w, Object.fromEntries(LABELS.map((g) => [g, cell(w, g)]))])),
  accuracy_by_variant: Object.fromEntries([...byVariant].map(([k, v]) => [k, { n: v.n, accuracy: v.right / v.n }])),
  ms_total: Math.round(ms),
};
if (args.includes("--json")) console.log(JSON.stringify(out, null, 2));
else {
  const f = (x: number | null): string => (x === null ? "  -  " : x.toFixed(3));
  console.log(`citation check on ${out.set}: ${cases.length} cases, ${citations} citations, support_threshold ${threshold}, ${mismatched} parse mismatches, ${out.ms_total} ms`);
  console.log("class        n    precision  recall");
  for (const r of perClass) console.log(`${r.class.padEnd(12)} ${String(r.support).padStart(3)}  ${f(r.precision)}      ${f(r.recall)}`);
  console.log("confusion (rows: label, columns: check)  good  unsupported  fabricated");
  for (const w of LABELS) console.log(`  ${w.padEnd(38)} ${String(cell(w, "good")).padStart(4)}  ${String(cell(w, "unsupported")).padStart(11)}  ${String(cell(w, "fabricated")).padStart(10)}`);
  console.log("accuracy by variant:");
  for (const [k, v] of byVariant) console.log(`  ${k.padEnd(28)} ${v.right}/${v.n}`);
}
