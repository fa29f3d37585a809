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

const META_MAX = Math.max(...[...META].map((w) => w.length));

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

/**
 * Per-group count arrays reused across calls (one set per hashBits): a Map per group cost more
 * than the hashing itself on long texts. Only touched slots are read and reset, in first-touch
 * order, which is the insertion order the Map version had, so the vector is bit-identical.
 */
interface Scratch {
  words: Float64Array;
  chars: Float64Array;
  merged: Float64Array;
  seen: Uint8Array;
}
const scratches = new Map<number, Scratch>();

function scratchFor(bits: number): Scratch {
  let s = scratches.get(bits);
  if (!s) {
    const n = 1 << bits;
    s = { words: new Float64Array(n), chars: new Float64Array(n), merged: new Float64Array(n), seen: new Uint8Array(n) };
    scratches.set(bits, s);
  }
  return s;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const SPACE = 32;

/** Counts → sqrt (binary-ish counts damp repeated words in long templates) → L2 unit, added into `merged`. */
function addNormalized(counts: Float64Array, touched: number[], s: Scratch, order: number[]): void {
  let sq = 0;
  for (const k of touched) {
    const v = Math.sqrt(counts[k]);
    counts[k] = v;
    sq += v * v;
  }
  if (sq === 0) return;
  const inv = 1 / Math.sqrt(sq);
  for (const k of touched) {
    if (s.seen[k] === 0) {
      s.seen[k] = 1;
      order.push(k);
    }
    s.merged[k] += counts[k] * inv;
  }
}

/**
 * Distinct keys in first-touch order with their counts, in an open-addressing table of a few KB:
 * for short texts (most chat turns), where the count arrays of 2^hashBits slots cost a cache miss
 * per touched slot — more than the hashing — when the process has been doing other work.
 */
class Tally {
  private slots = new Int32Array(0);
  private mask = 0;
  /** Distinct keys in first-touch order, and their counts: the first `size` entries. */
  keys = new Int32Array(0);
  counts = new Int32Array(0);
  size = 0;

  /** `capacity`: a power of two at least twice the number of adds to come. */
  reset(capacity: number): void {
    if (this.slots.length < capacity) {
      this.slots = new Int32Array(capacity);
      this.keys = new Int32Array(capacity);
      this.counts = new Int32Array(capacity);
    } else this.slots.fill(0, 0, capacity);
    this.mask = capacity - 1;
    this.size = 0;
  }

  add(k: number): void {
    for (let h = k & this.mask; ; h = (h + 1) & this.mask) {
      const e = this.slots[h];
      if (e === 0) {
        this.keys[this.size] = k;
        this.counts[this.size] = 1;
        this.slots[h] = ++this.size;
        return;
      }
      if (this.keys[e - 1] === k) {
        this.counts[e - 1]++;
        return;
      }
    }
  }

  indexOf(k: number): number {
    for (let h = k & this.mask; ; h = (h + 1) & this.mask) {
      const e = this.slots[h];
      if (e === 0) return -1;
      if (this.keys[e - 1] === k) return e - 1;
    }
  }
}

/** Texts up to this many characters are tallied in the small tables. */
const TALLY_MAX_CHARS = 2048;
const wordTally = new Tally();
const charTally = new Tally();

/**
 * The same vector as the count arrays give (addNormalized): per group, sqrt of each count and the
 * sum of squares in first-touch order, then word keys in first-touch order and the char keys not
 * among them after, a key in both getting its word value plus its char value, in that order.
 */
function tallied(idx: number[], val: number[]): void {
  const w = rootsOf(wordTally);
  if (w) {
    for (let i = 0; i < wordTally.size; i++) {
      idx.push(wordTally.keys[i]);
      val.push(w.roots[i] * w.inv);
    }
  }
  const c = rootsOf(charTally);
  if (!c) return;
  for (let i = 0; i < charTally.size; i++) {
    const k = charTally.keys[i];
    const j = w ? wordTally.indexOf(k) : -1;
    if (j >= 0) val[j] += c.roots[i] * c.inv;
    else {
      idx.push(k);
      val.push(c.roots[i] * c.inv);
    }
  }
}

/** sqrt of each count in first-touch order and 1 / their Euclidean norm; null when the group is empty. */
function rootsOf(t: Tally): { roots: number[]; inv: number } | null {
  let sq = 0;
  const roots: number[] = [];
  for (let i = 0; i < t.size; i++) {
    const v = Math.sqrt(t.counts[i]);
    roots.push(v);
    sq += v * v;
  }
  return sq === 0 ? null : { roots, inv: 1 / Math.sqrt(sq) };
}

export function featurize(a: Analysis, cfg: FeatureConfig): SparseVector {
  const { norm, sig, decodedHits } = a;
  const mask = (1 << cfg.hashBits) - 1;
  const s = scratchFor(cfg.hashBits);
  const text = a.folded;
  const wordsTouched: number[] = [];
  const charsTouched: number[] = [];
  // A text of n characters makes at most n + 1 word adds (two per token, a token and its
  // separator being two characters at least) and n char adds: half-full tables at most.
  const small = text.length <= TALLY_MAX_CHARS;
  if (small) {
    let cap = 16;
    while (cap < 2 * (text.length + 1)) cap *= 2;
    wordTally.reset(cap);
    charTally.reset(cap);
  }
  const bump = (arr: Float64Array, touched: number[], k: number): void => {
    if (arr[k] === 0) touched.push(k);
    arr[k] += 1;
  };
  // Hashes are FNV-1a over the token's characters (hash32), computed from char codes in place:
  // unigram = hash32(t, 1), bigram = hash32(`${prev} ${t}`, 2), 4-grams of ` ${t} ` with seed 3.
  let tokens = 0;
  let meta = 0;
  let bigramPrefix = -1; // FNV state (seed 2) after `${prev} `, or -1 before the first token
  // The tokens of WORD (`[a-z][a-z0-9']*`, leftmost and greedy) found on char codes: no match
  // array per token, and a token is sliced out only when it is short enough to be a META word.
  const n = text.length;
  for (let at = 0; at < n; ) {
    const c0 = text.charCodeAt(at);
    if (c0 < 97 || c0 > 122) {
      at++;
      continue;
    }
    const start = at;
    at++;
    while (at < n) {
      const c = text.charCodeAt(at);
      if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 39) at++;
      else break;
    }
    const len = at - start;
    tokens++;
    if (len <= META_MAX && META.has(text.slice(start, at))) meta++;
    let uni = (FNV_OFFSET ^ 1) >>> 0;
    let bi = bigramPrefix;
    let next = (FNV_OFFSET ^ 2) >>> 0;
    for (let i = 0; i < len; i++) {
      const c = text.charCodeAt(start + i);
      uni = Math.imul(uni ^ c, FNV_PRIME);
      if (bi !== -1) bi = Math.imul(bi ^ c, FNV_PRIME);
      next = Math.imul(next ^ c, FNV_PRIME);
    }
    if (small) wordTally.add((uni >>> 0) & mask);
    else bump(s.words, wordsTouched, (uni >>> 0) & mask);
    if (bi !== -1) {
      if (small) wordTally.add((bi >>> 0) & mask);
      else bump(s.words, wordsTouched, (bi >>> 0) & mask);
    }
    bigramPrefix = Math.imul(next ^ SPACE, FNV_PRIME) >>> 0;
    // Character 4-grams of " token ": positions 0 and len + 1 are the padding spaces.
    for (let i = 0; i + 4 <= len + 2; i++) {
      let h = (FNV_OFFSET ^ 3) >>> 0;
      for (let j = i; j < i + 4; j++) h = Math.imul(h ^ (j === 0 || j === len + 1 ? SPACE : text.charCodeAt(start + j - 1)), FNV_PRIME);
      if (small) charTally.add((h >>> 0) & mask);
      else bump(s.chars, charsTouched, (h >>> 0) & mask);
    }
  }
  const idx: number[] = [];
  const val: number[] = [];
  if (small) tallied(idx, val);
  else {
    const order: number[] = [];
    addNormalized(s.words, wordsTouched, s, order);
    addNormalized(s.chars, charsTouched, s, order);
    for (const k of order) {
      idx.push(k);
      val.push(s.merged[k]);
      s.merged[k] = 0;
      s.seen[k] = 0;
    }
    for (const k of wordsTouched) s.words[k] = 0;
    for (const k of charsTouched) s.chars[k] = 0;
  }

  const base = 1 << cfg.hashBits;
  const f = norm.flags;
  const dense = [
    ...SIGNATURE_TYPES.map((t) => sig.byType[t]),
    sig.score,
    f.invisible > 0 ? 1 : 0,
    f.tags + f.bidi > 0 ? 1 : 0,
    f.mixedScript > 0 ? Math.min(1, f.mixedScript / 3) : 0,
    tokens > 0 ? Math.min(1, (4 * f.leet) / tokens) : 0,
    tokens > 0 ? Math.min(1, (4 * (f.spaced + f.scrambled)) / tokens) : 0,
    decodedHits > 0 ? 1 : 0,
    // Density over at least 12 tokens: in a four-word template one "answer" is not a meta-heavy text.
    Math.min(1, (5 * meta) / Math.max(tokens, 12)),
    1,
  ];
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
