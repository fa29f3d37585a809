/**
 * Out-of-sample figures for the injection classifier (and the scanner built on it):
 *
 *   npx tsx scripts/guard/measure-injection.ts [benign.jsonl] [--folds 5] [--seed 1]
 *
 * - grouped, stratified k-fold cross-validation over the public training rows: near-duplicate
 *   templates share a group and so a fold; Keel's synthetic/hand-written rows are always in the
 *   training part and never scored;
 * - leave-one-source-out: each public source is scored by a model trained without it;
 * - typoglycemia: the held-out attacks of each fold, scrambled, against the same fold model;
 * - optionally the false-positive rate on a benign file that no model was trained on.
 * Prints JSON (threshold sweep included) to stdout.
 */
import { readFileSync } from "node:fs";
import { groupedStratifiedFolds, nearDuplicateGroups } from "../../src/guard/eval/cross-validate.js";
import { scrambleText } from "../../src/guard/eval/scramble.js";
import type { InjectionModel } from "../../src/guard/injection/classifier.js";
import { judgeInjection } from "../../src/guard/injection/injection-scanner.js";
import { buildModel as build, DEFAULT_BUILD, type TrainRow, userClassifierRows } from "./dataset.js";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const K = Number(arg("--folds", "5"));
const SEED = Number(arg("--seed", "1"));
const THRESHOLDS = [0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9];
const OPTS = { ...DEFAULT_BUILD, l2: Number(arg("--l2", String(DEFAULT_BUILD.l2))), epochs: Number(arg("--epochs", String(DEFAULT_BUILD.epochs))) };
const buildModel = (rows: TrainRow[]): InjectionModel => build(rows, OPTS);
const benignFile = process.argv[2] && !process.argv[2].startsWith("--") ? process.argv[2] : undefined;

const sourceOf = (r: TrainRow): string => {
  const s = r.source.split(":");
  return s[0] === "keel" ? `keel:${s[1]}` : s[0];
};

interface Scored {
  label: 0 | 1;
  source: string;
  score: number;
  scrambled?: number;
}

function sweep(scored: readonly Scored[], key: "score" | "scrambled" = "score"): Record<string, { detection: number | null; fp: number | null; fpCount: number }> {
  const out: Record<string, { detection: number | null; fp: number | null; fpCount: number }> = {};
  for (const t of THRESHOLDS) {
    const pos = scored.filter((s) => s.label === 1 && s[key] !== undefined);
    const neg = scored.filter((s) => s.label === 0);
    const tp = pos.filter((s) => (s[key] as number) >= t).length;
    const fp = neg.filter((s) => s.score >= t).length;
    out[t] = { detection: pos.length ? round(tp / pos.length) : null, fp: neg.length ? round(fp / neg.length) : null, fpCount: fp };
  }
  return out;
}
const round = (x: number): number => Math.round(x * 10000) / 10000;

function bySource(scored: readonly Scored[]): Record<string, unknown> {
  const groups = new Map<string, Scored[]>();
  for (const s of scored) groups.set(`${s.source} label=${s.label}`, [...(groups.get(`${s.source} label=${s.label}`) ?? []), s]);
  return Object.fromEntries([...groups].map(([k, v]) => [k, { n: v.length, sweep: sweep(v) }]));
}

const rows = userClassifierRows();
const publicIdx = rows.map((r, i) => (r.source.startsWith("keel:") ? -1 : i)).filter((i) => i >= 0);
const keelRows = rows.filter((r) => r.source.startsWith("keel:"));
const pub = publicIdx.map((i) => rows[i]);
const groups = nearDuplicateGroups(pub.map((r) => r.text), 0.5);
const folds = groupedStratifiedFolds(pub.map((r) => r.label), groups, K, SEED);
const score = (m: InjectionModel, text: string): number => judgeInjection(m, text).score;

const cv: Scored[] = [];
const foldModels: InjectionModel[] = [];
for (let f = 0; f < K; f++) {
  const train = [...pub.filter((_, i) => folds[i] !== f), ...keelRows];
  const m = buildModel(train);
  foldModels.push(m);
  pub.forEach((r, i) => {
    if (folds[i] !== f) return;
    const sc = score(m, r.text);
    cv.push({ label: r.label, source: sourceOf(r), score: sc, scrambled: r.label === 1 ? score(m, scrambleText(r.text, SEED + i)) : undefined });
    if (process.argv.includes("--misses") && r.label === 1 && sc < 0.5) process.stderr.write(`MISS ${sc.toFixed(2)} ${JSON.stringify(r.text.slice(0, 300))}\n`);
  });
  process.stderr.write(`fold ${f + 1}/${K} done\n`);
}

const loso: Record<string, unknown> = {};
for (const src of [...new Set(pub.map(sourceOf))]) {
  const m = buildModel([...pub.filter((r) => sourceOf(r) !== src), ...keelRows]);
  const held = pub.filter((r) => sourceOf(r) === src).map((r) => ({ label: r.label, source: src, score: score(m, r.text) }));
  loso[src] = { n: held.length, sweep: sweep(held) };
  process.stderr.write(`leave-out ${src} done\n`);
}

let benign: unknown;
if (benignFile) {
  const texts = readFileSync(benignFile, "utf8").split("\n").filter((l) => l.trim()).map((l) => (JSON.parse(l) as { text: string }).text);
  // Every fold model: the benign file was never trained on, so each gives an out-of-sample rate.
  benign = foldModels.map((m) => sweep(texts.map((t) => ({ label: 0 as const, source: "benign", score: score(m, t) }))));
}

console.log(
  JSON.stringify(
    {
      folds: K,
      seed: SEED,
      groups: new Set(groups).size,
      cross_validated: { all: sweep(cv), by_source: bySource(cv), scrambled_attacks: sweep(cv, "scrambled") },
      leave_one_source_out: loso,
      benign_file_fold_models: benign,
    },
    null,
    1,
  ),
);
