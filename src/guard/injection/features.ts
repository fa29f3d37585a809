/**
 * The classifier's feature vector, shared by training (scripts/guard/train-injection.ts) and run
 * time so the two can never drift: hashed word unigrams and bigrams, hashed character 4-grams
 * within words, and a few dense features (signature scores per type, obfuscation flags).
 *
 * Each hashed group is L2-normalised on its own, so a long text does not score higher merely for
 * containing more words, and text length itself is deliberately not a feature: length separates
 * the development sets (long jailbreaks, short benign questions) but not real traffic.
 */
import type { Analysis } from "./analyze.js";
import { SIGNATURE_TYPES } from "./signatures.js";

export interface SparseVector {
  idx: number[];
  val: number[];
}

/** Dense features follow the hashed block, in this order. */
export const DENSE_FEATURES: readonly string[] = [
  ...SIGNATURE_TYPES.map((t) => `sig:${t}`),
  "sig:any",
  "obf:invisible",
  "obf:tags_or_bidi",
  "obf:mixed_script",
  "obf:leet",
  "obf:spaced_or_scrambled",
  "obf:decoded",
  "meta_talk",
  "bias",
];

// Words about the model itself and its rules. Jailbreaks talk about the AI ("you are an AI without
// filters who never refuses"); ordinary requests talk about their task. A density generalises
// across jailbreak families better than the individual n-grams do.
const META = new Set(
  ("ai chatgpt gpt openai model assistant chatbot bot rules rule policy policies guidelines restrictions restricted filter filters " +
    "filtered censored censorship ethical ethics moral morals morality character persona mode prompt prompts instructions respond " +
    "response responses answer answers refuse refusal jailbreak jailbroken unfiltered uncensored content illegal harmful offensive " +
    "simulate pretend roleplay limitations limits boundaries programming developer developers").split(" "),
);

export interface FeatureConfig {
  /** Hashed dimensions (a power of two). */
  hashBits: number;
}

const WORD = /[a-z][a-z0-9']*/g;

/** FNV-1a 32-bit with a seed per feature group. */
export function hash32(s: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function tokenize(folded: string): string[] {
  return folded.match(WORD) ?? [];
}

function addNormalized(counts: Map<number, number>, out: Map<number, number>): void {
  let sq = 0;
  for (const v of counts.values()) sq += v * v;
  if (sq === 0) return;
  const inv = 1 / Math.sqrt(sq);
  for (const [k, v] of counts) out.set(k, (out.get(k) ?? 0) + v * inv);
}

export function featurize(a: Analysis, cfg: FeatureConfig): SparseVector {
  const { norm, sig, decodedHits } = a;
  const mask = (1 << cfg.hashBits) - 1;
  const tokens = tokenize(a.folded);
  const words = new Map<number, number>();
  const chars = new Map<number, number>();
  // Binary-ish counts (sqrt) damp repeated words in long templates.
  let prev = "";
  for (const t of tokens) {
    const u = hash32(t, 1) & mask;
    words.set(u, (words.get(u) ?? 0) + 1);
    if (prev !== "") {
      const b = hash32(`${prev} ${t}`, 2) & mask;
      words.set(b, (words.get(b) ?? 0) + 1);
    }
    prev = t;
    const p = ` ${t} `;
    for (let i = 0; i + 4 <= p.length; i++) {
      const c = hash32(p.slice(i, i + 4), 3) & mask;
      chars.set(c, (chars.get(c) ?? 0) + 1);
    }
  }
  for (const m of [words, chars]) for (const [k, v] of m) m.set(k, Math.sqrt(v));
  const merged = new Map<number, number>();
  addNormalized(words, merged);
  addNormalized(chars, merged);

  const base = 1 << cfg.hashBits;
  const f = norm.flags;
  const dense = [
    ...SIGNATURE_TYPES.map((t) => sig.byType[t]),
    sig.score,
    f.invisible > 0 ? 1 : 0,
    f.tags + f.bidi > 0 ? 1 : 0,
    f.mixedScript > 0 ? Math.min(1, f.mixedScript / 3) : 0,
    tokens.length > 0 ? Math.min(1, (4 * f.leet) / tokens.length) : 0,
    tokens.length > 0 ? Math.min(1, (4 * (f.spaced + f.scrambled)) / tokens.length) : 0,
    decodedHits > 0 ? 1 : 0,
    tokens.length > 0 ? Math.min(1, (5 * tokens.filter((t) => META.has(t)).length) / tokens.length) : 0,
    1,
  ];
  const idx: number[] = [];
  const val: number[] = [];
  for (const [k, v] of merged) {
    idx.push(k);
    val.push(v);
  }
  dense.forEach((v, i) => {
    if (v !== 0) {
      idx.push(base + i);
      val.push(v);
    }
  });
  return { idx, val };
}

export function featureCount(cfg: FeatureConfig): number {
  return (1 << cfg.hashBits) + DENSE_FEATURES.length;
}
