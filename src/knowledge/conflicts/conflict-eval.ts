import { readFileSync } from "node:fs";
import { z } from "zod";
import type { Embedder } from "../../providers/embeddings/embedder.js";
import { dot } from "../../providers/embeddings/vector.js";
import { comparePassages } from "./detect.js";
import { SCAN_DEFAULTS, type ScanOptions } from "./scan.js";

/**
 * Precision and recall of conflict detection on a labelled set of passage pairs
 * (data/knowledge/conflicts/pairs.jsonl): each pair is embedded with the store's embedder and run
 * through the same gate (chunk similarity) and sentence comparison as a store scan.
 */

const LABELS = ["conflict", "paraphrase", "different_entity", "unrelated"] as const;
const pairSchema = z.strictObject({ id: z.string(), label: z.enum(LABELS), kind: z.string().optional(), left: z.string().min(1), right: z.string().min(1) });
export type ConflictPair = z.output<typeof pairSchema>;

export function readConflictPairs(path: string): ConflictPair[] {
  return readFileSync(path, "utf8").split("\n").filter((l) => l.trim() !== "").map((l, i) => {
    const r = pairSchema.safeParse(JSON.parse(l));
    if (!r.success) throw new Error(`${path}:${i + 1}: ${r.error.issues[0].path.join(".")}: ${r.error.issues[0].message}`);
    return r.data;
  });
}

export interface ConflictEvalReport {
  pairs: number;
  tp: number; fp: number; fn: number; tn: number;
  precision: number; recall: number; f1: number;
  /** 95% Wilson score intervals. */
  precision_ci: [number, number]; recall_ci: [number, number];
  /** Pairs flagged, by label: what the false positives were. */
  flagged_by_label: Record<(typeof LABELS)[number], { flagged: number; of: number }>;
  /** Of the true positives, how many had the labelled kind. */
  kind_correct: number;
  errors: { id: string; label: string; similarity: number; flagged: boolean }[];
}

export async function evaluateConflicts(pairs: readonly ConflictPair[], embedder: Embedder, o: ScanOptions = SCAN_DEFAULTS): Promise<ConflictEvalReport> {
  const vecs = await embedder.embed(pairs.flatMap((p) => [p.left, p.right]));
  const byLabel = Object.fromEntries(LABELS.map((l) => [l, { flagged: 0, of: 0 }])) as ConflictEvalReport["flagged_by_label"];
  let tp = 0, fp = 0, fn = 0, tn = 0, kindCorrect = 0;
  const errors: ConflictEvalReport["errors"] = [];
  pairs.forEach((p, i) => {
    const similarity = dot(vecs[2 * i], vecs[2 * i + 1]);
    const found = similarity >= o.minSimilarity ? comparePassages(p.left, p.right, o) : [];
    const flagged = found.length > 0;
    const truth = p.label === "conflict";
    byLabel[p.label].of++;
    if (flagged) byLabel[p.label].flagged++;
    if (flagged && truth) { tp++; if (found.some((f) => f.kind === p.kind)) kindCorrect++; }
    else if (flagged) fp++;
    else if (truth) fn++;
    else tn++;
    if (flagged !== truth) errors.push({ id: p.id, label: p.label, similarity: Math.round(similarity * 1000) / 1000, flagged });
  });
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  return {
    pairs: pairs.length, tp, fp, fn, tn, precision, recall, f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
    precision_ci: wilson(tp, tp + fp), recall_ci: wilson(tp, tp + fn), flagged_by_label: byLabel, kind_correct: kindCorrect, errors,
  };
}

/** Wilson score interval at 95% for k successes in n. */
export function wilson(k: number, n: number): [number, number] {
  if (n === 0) return [0, 1];
  const z2 = 1.96 * 1.96;
  const p = k / n;
  const mid = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (1.96 * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return [Math.max(0, mid - half), Math.min(1, mid + half)];
}
