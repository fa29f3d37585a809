/**
 * Train src/guard/pii/person-tagger.json, the person-name token tagger (decision 0034):
 *
 *   node --import tsx scripts/guard/train-person-tagger.ts PII.jsonl [--synthetic] [--write] [--report-held-out]
 *
 * PII.jsonl is presidio-research's synthetic PII set (`data/synth_dataset_v2.json`, MIT) in
 * Keel's `{text, spans}` layout. Only its **tune half** is trained on — the same hash split as
 * bench/guard-pii.ts (first byte of the SHA-256 of the text even) — so the held-out half that
 * docs/guardrails.md reports never shapes a weight or the threshold. `--synthetic` adds sentences
 * generated from Keel's own templates and name lexicon (scripts/guard/person-synthetic.ts).
 *
 * Steps: (1) 5-fold cross-validation inside the tune half picks the token threshold by the F2 of
 * rules + tagger on the held-back fold; (2) the model is refit on the whole tune half;
 * (3) `--write` saves it; (4) `--report-held-out` prints rules / tagger / rules + tagger on the
 * held-out half — a report, never an input to any choice above. Deterministic: full-batch
 * training, no random numbers, so the same inputs give the same file.
 */
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { resolveOverlaps } from "../../src/guard/pii/entity.js";
import { detectPersons, detectPersonsByTagger } from "../../src/guard/pii/person-detector.js";
import { isCandidate, tokenFeatures, tokenize, type TaggerModel } from "../../src/guard/pii/person-tagger.js";
import { trainLogistic } from "./logistic.js";
import { syntheticPersonRows } from "./person-synthetic.js";

interface Span { type: string; start: number; end: number }
interface Row { text: string; spans: Span[] }

const argv = process.argv.slice(2);
const file = argv.find((a) => !a.startsWith("--"));
if (!file) {
  console.error("usage: train-person-tagger.ts PII.jsonl [--synthetic] [--write] [--report-held-out]");
  process.exit(2);
}
const all = readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Row);
const isTune = (text: string): boolean => createHash("sha256").update(text).digest()[0] % 2 === 0;
const tune = all.filter((r) => isTune(r.text));
const heldOut = all.filter((r) => !isTune(r.text));
const synthetic: Row[] = argv.includes("--synthetic") ? syntheticPersonRows() : [];

const EPOCHS = 300;
const L2 = 1e-4;
const RATE = 0.3;
const MIN_COUNT = 2;

/** Candidate tokens of a row with their features and whether they overlap a gold PERSON span. */
function examples(rows: readonly Row[]): { feats: string[]; y: 0 | 1 }[] {
  const out: { feats: string[]; y: 0 | 1 }[] = [];
  for (const r of rows) {
    const gold = r.spans.filter((s) => s.type === "PERSON");
    const tokens = tokenize(r.text);
    for (let i = 0; i < tokens.length; i++) {
      if (!isCandidate(tokens[i])) continue;
      const t = tokens[i];
      out.push({ feats: tokenFeatures(tokens, i), y: gold.some((g) => g.start < t.end && t.start < g.end) ? 1 : 0 });
    }
  }
  return out;
}

function train(rows: readonly Row[]): Map<string, number> {
  const ex = examples(rows);
  // Features seen once are dropped: a weight fitted to one token is memorised, not learnt.
  const count = new Map<string, number>();
  for (const e of ex) for (const f of e.feats) count.set(f, (count.get(f) ?? 0) + 1);
  const index = new Map<string, number>();
  for (const [f, c] of [...count].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) if (c >= MIN_COUNT || f === "b") index.set(f, index.size);
  const xs = ex.map((e) => {
    const idx = [...new Set(e.feats.filter((f) => index.has(f)).map((f) => index.get(f)!))];
    return { idx, val: idx.map(() => 1) };
  });
  const w = trainLogistic(xs, ex.map((e) => e.y), { dim: index.size, epochs: EPOCHS, l2: L2, rate: RATE, rowWeights: ex.map(() => 1) });
  const out = new Map<string, number>();
  for (const [f, j] of index) if (Math.abs(w[j]) >= 1e-3) out.set(f, +w[j].toFixed(4));
  return out;
}

const f2 = (p: number, r: number): number => (p + r === 0 ? 0 : (5 * p * r) / (4 * p + r));

/** PERSON precision / recall / F2 with bench/guard-pii.ts's overlap rule. */
function score(rows: readonly Row[], predict: (text: string) => { start: number; end: number }[]): { p: number; r: number; f2: number; gold: number; pred: number } {
  let gold = 0, found = 0, pred = 0, correct = 0;
  for (const row of rows) {
    const g = row.spans.filter((s) => s.type === "PERSON");
    const p = predict(row.text);
    gold += g.length;
    pred += p.length;
    found += g.filter((s) => p.some((q) => q.start < s.end && s.start < q.end)).length;
    correct += p.filter((q) => g.some((s) => q.start < s.end && s.start < q.end)).length;
  }
  const P = pred ? correct / pred : 1, R = gold ? found / gold : 1;
  return { p: +P.toFixed(3), r: +R.toFixed(3), f2: +f2(P, R).toFixed(3), gold, pred };
}

const persons = (model: TaggerModel | null) => (text: string) => resolveOverlaps(detectPersons(text, model));
const taggerOnly = (model: TaggerModel) => (text: string) => resolveOverlaps(detectPersonsByTagger(text, model));

// 1. Threshold by 5-fold cross-validation inside the tune half (folds by row order: the hash split already shuffled).
const THRESHOLDS = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
const FOLDS = 5;
const cv = new Map<number, { gold: number; found: number; pred: number; correct: number }>();
for (let k = 0; k < FOLDS; k++) {
  const test = tune.filter((_, i) => i % FOLDS === k);
  const weights = train([...tune.filter((_, i) => i % FOLDS !== k), ...synthetic]);
  for (const threshold of THRESHOLDS) {
    const s = score(test, persons({ weights, threshold }));
    const acc = cv.get(threshold) ?? { gold: 0, found: 0, pred: 0, correct: 0 };
    acc.gold += s.gold;
    acc.pred += s.pred;
    acc.found += Math.round(s.r * s.gold);
    acc.correct += Math.round(s.p * s.pred);
    cv.set(threshold, acc);
  }
}
let best = THRESHOLDS[0];
let bestF2 = -1;
console.log("cross-validation inside the tune half (rules + tagger):");
for (const [t, a] of cv) {
  const P = a.pred ? a.correct / a.pred : 1, R = a.found / a.gold;
  console.log(`  threshold ${t}: P ${P.toFixed(3)} R ${R.toFixed(3)} F2 ${f2(P, R).toFixed(3)}`);
  if (f2(P, R) > bestF2) { bestF2 = f2(P, R); best = t; }
}
console.log(`  rules alone on the tune half (fitted to it, so optimistic): ${JSON.stringify(score(tune, persons(null)))}`);

// 2. Refit on the whole tune half.
const weights = train([...tune, ...synthetic]);
const model: TaggerModel = { weights, threshold: best };
console.log(`chosen threshold ${best}; ${weights.size} weights; trained on ${tune.length} tune rows + ${synthetic.length} synthetic`);

if (argv.includes("--write")) {
  const sorted = Object.fromEntries([...weights].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const json = {
    source: "scripts/guard/train-person-tagger.ts",
    provenance: `tune half (${tune.length} rows: SHA-256 of the text, first byte even) of microsoft/presidio-research data/synth_dataset_v2.json (MIT)` +
      (synthetic.length ? ` + ${synthetic.length} sentences from Keel's own templates (scripts/guard/person-synthetic.ts) and @cspell/dict-people-names (MIT)` : ""),
    training: { epochs: EPOCHS, l2: L2, rate: RATE, min_feature_count: MIN_COUNT, cv_folds: FOLDS, cv_f2: +bestF2.toFixed(3) },
    threshold: best,
    weights: sorted,
  };
  writeFileSync(new URL("../../src/guard/pii/person-tagger.json", import.meta.url), JSON.stringify(json) + "\n");
  console.log("wrote src/guard/pii/person-tagger.json");
}

if (argv.includes("--report-held-out")) {
  console.log("held-out half (report only):");
  console.log(`  rules alone:     ${JSON.stringify(score(heldOut, persons(null)))}`);
  console.log(`  tagger alone:    ${JSON.stringify(score(heldOut, taggerOnly(model)))}`);
  console.log(`  rules + tagger:  ${JSON.stringify(score(heldOut, persons(model)))}`);
}
