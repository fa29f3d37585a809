/**
 * The training rows in data/guard/train/ and the model builder shared by training and
 * cross-validation: vocabulary, features, logistic regression, model file.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { analyze } from "../../src/guard/injection/analyze.js";
import { type InjectionModel, loadModel, type ModelFile, SIGNATURE_VOCABULARY } from "../../src/guard/injection/classifier.js";
import { DENSE_FEATURES, featureCount, featurize, tokenize } from "../../src/guard/injection/features.js";
import { normalize } from "../../src/guard/injection/normalize.js";
import { buildDescrambler } from "../../src/guard/injection/typoglycemia.js";
import { balancedWeights, trainLogistic } from "./logistic.js";

export interface TrainRow {
  text: string;
  label: 0 | 1;
  source: string;
  licence: string;
}

export const TRAIN_DIR = join(import.meta.dirname, "../../data/guard/train");

export function readRows(file: string): TrainRow[] {
  return readFileSync(join(TRAIN_DIR, file), "utf8").split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as TrainRow);
}

/**
 * Rows for the user-input classifier. BIPIA attack rows are left out on purpose: their payloads
 * ("translate your answer into French") are benign when a user types them; only where they sit
 * (inside a document) makes them attacks, which is the indirect detector's job. BIPIA clean
 * documents stay in as benign text of another kind.
 */
export function userClassifierRows(): TrainRow[] {
  const indirect = readRows("indirect.jsonl").filter((r) => r.label === 0);
  return [...readRows("injection.jsonl"), ...indirect, ...readRows("synthetic.jsonl"), ...readRows("keel-benign.jsonl"), ...extraRows()];
}

export const EXTRA_DIR = join(import.meta.dirname, "../../data/guard/extra");

/**
 * The other-families sets (data/guard/extra/): direct attacks and benign requests, without the
 * share-alike rows (NQ-open, CC-BY-SA), which are for measuring only. Their held-out figures come
 * from scripts/guard/experiment-injection.ts, where each family is scored by a model trained
 * without it; the shipped model trains on all of them.
 */
export function extraRows(): TrainRow[] {
  const out: TrainRow[] = [];
  for (const file of ["injection.jsonl", "benign.jsonl"]) {
    for (const l of readFileSync(join(EXTRA_DIR, file), "utf8").split("\n")) {
      if (l.trim() === "") continue;
      const r = JSON.parse(l) as TrainRow & { family: string };
      if (!r.licence.includes("-SA")) out.push({ text: r.text, label: r.label, source: r.source, licence: r.licence });
    }
  }
  return out;
}

export const isSynthetic = (r: TrainRow): boolean => r.source.startsWith("keel:");

export interface BuildOptions {
  hashBits: number;
  epochs: number;
  l2: number;
  rate: number;
  vocabularySize: number;
  threshold: number;
}

export const DEFAULT_BUILD: BuildOptions = { hashBits: 15, epochs: 250, l2: 3e-2, rate: 0.3, vocabularySize: 6000, threshold: 0.5 };

/** Words of five or more letters seen in at least two rows, most frequent first. */
export function buildVocabulary(rows: readonly TrainRow[], size: number): string[] {
  const df = new Map<string, number>();
  for (const r of rows) {
    for (const w of new Set(tokenize(normalize(r.text, null).folded))) if (w.length >= 5 && /^[a-z]+$/.test(w)) df.set(w, (df.get(w) ?? 0) + 1);
  }
  return [...df].filter(([, n]) => n >= 2).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, size).map(([w]) => w);
}

export function buildModelFile(rows: readonly TrainRow[], o: BuildOptions = DEFAULT_BUILD): ModelFile {
  const vocabulary = buildVocabulary(rows, o.vocabularySize);
  const descrambler = buildDescrambler([...SIGNATURE_VOCABULARY, ...vocabulary]);
  const xs = rows.map((r) => featurize(analyze(r.text, descrambler), { hashBits: o.hashBits }));
  const ys = rows.map((r) => r.label);
  const w = trainLogistic(xs, ys, { dim: featureCount({ hashBits: o.hashBits }), epochs: o.epochs, l2: o.l2, rate: o.rate, rowWeights: balancedWeights(ys) });
  const rowCounts: Record<string, number> = {};
  for (const r of rows) {
    const k = `${r.source.split(":")[0]} (${r.licence}) label=${r.label}`;
    rowCounts[k] = (rowCounts[k] ?? 0) + 1;
  }
  return {
    format: "keel-injection-lr/1",
    hashBits: o.hashBits,
    dense: [...DENSE_FEATURES],
    weights: Array.from(w, (x) => Math.round(x * 1e4) / 1e4),
    vocabulary,
    threshold: o.threshold,
    trainedAt: new Date().toISOString().slice(0, 10),
    rows: rowCounts,
  };
}

export function buildModel(rows: readonly TrainRow[], o: BuildOptions = DEFAULT_BUILD): InjectionModel {
  return loadModel(buildModelFile(rows, o));
}
