/**
 * Trainers the held-out measurement (scripts/guard/held-out.ts) can run, by name. A trainer takes
 * rows and returns a scorer of what the shipped scanner would decide on: train a model the way
 * the shipped one is trained, then score a text as the scanner does. A new detector is measured
 * by adding an entry here; the evaluation code stays the same.
 */
import type { Trainer } from "../../src/guard/eval/leave-one-group-out.js";
import { judgeInjection } from "../../src/guard/injection/injection-scanner.js";
import { buildModel, DEFAULT_BUILD, type TrainRow } from "./dataset.js";

/** A row of any set: the training rows (no family) and the extra sets (with family). */
export interface HeldOutRow extends TrainRow {
  family?: string;
}

export interface HeldOutTrainer {
  describe: string;
  /** The threshold the trainer ships with, reported next to the one chosen on training folds. */
  threshold: number;
  train: Trainer<HeldOutRow>;
}

export const TRAINERS: Readonly<Record<string, HeldOutTrainer>> = {
  "shipped-lr": {
    describe: "scripts/guard/dataset.ts buildModel (logistic regression over features.ts, DEFAULT_BUILD), scored as the prompt_injection scanner scores",
    threshold: DEFAULT_BUILD.threshold,
    train: (rows) => {
      const model = buildModel(rows);
      return (r) => judgeInjection(model, r.text).score;
    },
  },
};
