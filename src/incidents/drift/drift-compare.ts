/**
 * Pure scoring of one canary run against its baseline: per prompt, exact match and embedding
 * similarity; per model, whether the share of drifted prompts is significant.
 */
export interface PromptComparison {
  prompt: string;
  /** The answer is byte-identical to the baseline's. */
  exact: boolean;
  /** Cosine similarity of the answer's embedding to the baseline's (1 when exact). */
  similarity: number;
  drifted: boolean;
}

export interface DriftThresholds {
  min_similarity: number;
  max_drifted_share: number;
  max_score_drop: number;
}

/** An evaluator's mean score over the prompts scored both in the baseline and now. */
export interface ScoreShift {
  name: string;
  baseline: number;
  current: number;
  n: number;
}

export interface ModelVerdict {
  compared: number;
  exact_share: number | null;
  mean_similarity: number | null;
  drifted_share: number | null;
  score_shifts: ScoreShift[];
  drifted: boolean;
}

export function comparePrompt(prompt: string, exact: boolean, similarity: number, t: DriftThresholds): PromptComparison {
  const s = exact ? 1 : similarity;
  return { prompt, exact, similarity: s, drifted: !exact && s < t.min_similarity };
}

/** Per evaluator, mean baseline and current score over the prompts that have both. */
export function scoreShifts(pairs: readonly { baseline: Readonly<Record<string, number>>; current: Readonly<Record<string, number>> }[]): ScoreShift[] {
  const acc = new Map<string, { b: number; c: number; n: number }>();
  for (const { baseline, current } of pairs) {
    for (const [name, c] of Object.entries(current)) {
      const b = baseline[name];
      if (b === undefined) continue;
      const a = acc.get(name) ?? { b: 0, c: 0, n: 0 };
      a.b += b;
      a.c += c;
      a.n++;
      acc.set(name, a);
    }
  }
  return [...acc].map(([name, a]) => ({ name, baseline: a.b / a.n, current: a.c / a.n, n: a.n }));
}

/**
 * A model drifted when more than `max_drifted_share` of its compared prompts drifted (0: any one),
 * or when an evaluator's mean score fell by at least `max_score_drop`.
 */
export function judgeModel(prompts: readonly PromptComparison[], t: DriftThresholds, shifts: readonly ScoreShift[] = []): ModelVerdict {
  const n = prompts.length;
  if (n === 0) return { compared: 0, exact_share: null, mean_similarity: null, drifted_share: null, score_shifts: [], drifted: false };
  let exact = 0;
  let sim = 0;
  let drifted = 0;
  for (const p of prompts) {
    if (p.exact) exact++;
    if (p.drifted) drifted++;
    sim += p.similarity;
  }
  const share = drifted / n;
  // A small epsilon: means of 0/1 scores are exact, but a 0.2 drop computed as 0.8 − 0.6 is not.
  const scoreDrop = shifts.some((s) => s.baseline - s.current >= t.max_score_drop - 1e-9);
  return { compared: n, exact_share: exact / n, mean_similarity: sim / n, drifted_share: share, score_shifts: [...shifts], drifted: (drifted > 0 && share > t.max_drifted_share) || scoreDrop };
}
