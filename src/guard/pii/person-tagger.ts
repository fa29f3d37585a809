import modelJson from "./person-tagger.json" with { type: "json" };
import { commonCapital, nameShape, opener, wordKind } from "./name-shape.js";

/**
 * A small statistical token tagger for person names (decision 0034): logistic regression over
 * sparse features of each capitalised word — its kind (listed name, both, unknown) and, when
 * unknown, its spelling score from name-shape.ts and whether it is a common capital or sentence
 * opener; its suffixes and shape; the lower-cased words and classes of the two tokens either
 * side; whether it opens a sentence. A word scoring above the model's threshold is inside a name
 * (IO tagging); tagged words with only spaces, or an initial, between them make one span; a span
 * of one unlisted word needs the (higher or equal) lone-word threshold.
 *
 * English words ("The", "Please", "Will") and single capitals are not scored: most capitals of
 * ordinary text are those, and a name is found by its other tokens. Neighbours are scanned by hand
 * from each candidate rather than by tokenising the whole text, and weights are looked up in
 * nested maps without building feature strings: the cost is a few map look-ups per capital.
 * Weights: person-tagger.json, trained by scripts/guard/train-person-tagger.ts (provenance there
 * and in the file). Pure and deterministic: the same text gives the same spans.
 */

export interface TaggerModel {
  weights: ReadonlyMap<string, number>;
  /** A token is inside a name when its probability is above this. */
  threshold: number;
  /**
   * A span of one unlisted word ("Okroshka", "Alabama") — the tagger's commonest false name in
   * ordinary prompts — needs its probability above this (>= threshold).
   */
  loneThreshold: number;
}

export interface TaggedSpan {
  start: number;
  end: number;
  /** The mean probability of the span's tokens. */
  prob: number;
}

// A capitalised word, as person-detector.ts's tokens but with any letters after the capital
// ("McDonald", "ABBA"): the look-behind sits after the capital, checked only where one matched.
const CANDIDATE_RE = /(?=[A-Z\u00C0-\u{10FFFF}])\p{Lu}(?<![\p{L}\p{M}\d]\p{Lu})[\p{L}\p{M}]*(?:['’-][\p{L}\p{M}]+)*/gu;
const LETTER = /[\p{L}\p{M}]/u;
const UPPER = /^\p{Lu}/u;
const SENTENCE_END = new Set([".", "!", "?", ":", ";", "\n", "\"", "“", "(", "[", "*", "-", ">"]);

const isLetter = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 0xc0 && LETTER.test(String.fromCharCode(c)));
const isUpper = (t: string): boolean => {
  const c = t.charCodeAt(0);
  return c < 128 ? c >= 65 && c <= 90 : UPPER.test(t);
};
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isJoiner = (c: number): boolean => c === 39 || c === 0x2019 || c === 45;
const isBlank = (c: number): boolean => c === 32 || c === 9 || c === 13;

// A blank line ends the text for the tagger, as it ends a name, an address and a cue for the
// rules: strings joined with one (observe/pii-mask.ts scans a body's strings as one text) are
// tagged as each would be alone.
function blankLineBefore(text: string, nl: number): boolean {
  let j = nl;
  while (j > 0 && isBlank(text.charCodeAt(j - 1))) j--;
  return j > 0 && text.charCodeAt(j - 1) === 10;
}

function blankLineAfter(text: string, afterNl: number): boolean {
  let j = afterNl;
  while (j < text.length && isBlank(text.charCodeAt(j))) j++;
  return j < text.length && text.charCodeAt(j) === 10;
}

/**
 * The token ending just before `i` (spaces and tabs skipped): a word, a digit run, a line break or
 * one punctuation character; "" at the text's start or across a blank line. Scanned by hand from the candidate rather than
 * by tokenising the text: only the neighbours of capitalised words are ever needed.
 */
function tokenBefore(text: string, i: number): [string, number] {
  let j = i;
  while (j > 0 && isBlank(text.charCodeAt(j - 1))) j--;
  if (j === 0) return ["", 0];
  const c = text.charCodeAt(j - 1);
  let k = j - 1;
  if (c === 10 && blankLineBefore(text, k)) return ["", 0];
  if (isLetter(c)) {
    while (k > 0 && (isLetter(text.charCodeAt(k - 1)) || (k > 1 && isJoiner(text.charCodeAt(k - 1)) && isLetter(text.charCodeAt(k - 2))))) k--;
  } else if (isDigit(c)) {
    while (k > 0 && isDigit(text.charCodeAt(k - 1))) k--;
  }
  return [text.slice(k, j), k];
}

/** The token starting at or after `i` (spaces and tabs skipped); "" at the text's end. */
function tokenAfter(text: string, i: number): [string, number] {
  let j = i;
  while (j < text.length && isBlank(text.charCodeAt(j))) j++;
  if (j >= text.length) return ["", j];
  const c = text.charCodeAt(j);
  let k = j + 1;
  if (c === 10 && blankLineAfter(text, k)) return ["", text.length];
  // A possessive is its own token ("Matej" + "'s"), so the name keeps its lexicon entry.
  if ((c === 39 || c === 0x2019) && (text.charCodeAt(k) | 32) === 115 && !isLetter(text.charCodeAt(k + 1))) return ["'s", k + 1];
  if (isLetter(c)) {
    while (k < text.length && (isLetter(text.charCodeAt(k)) || (k + 1 < text.length && isJoiner(text.charCodeAt(k)) && isLetter(text.charCodeAt(k + 1))))) k++;
  } else if (isDigit(c)) {
    while (k < text.length && isDigit(text.charCodeAt(k))) k++;
  }
  return [text.slice(j, k), k];
}

/** The shape of a word: "Xx", "X", "XX", "Xx-Xx", "XxXx" (McDonald), "Xx'x". */
function wordShape(w: string): string {
  let s = "";
  let last = "";
  for (const ch of w) {
    const c = ch !== ch.toLowerCase() ? "X" : ch !== ch.toUpperCase() || LETTER.test(ch) ? "x" : ch;
    if (c !== last) s += c;
    last = c;
  }
  return s;
}

/** A neighbour as a class: the kind of a capitalised word, "low", "num", "NL", its punctuation, or the text edge. */
function neighbourClass(t: string, edge: string): string {
  if (t === "") return edge;
  if (t === "\n") return "NL";
  if (isDigit(t.charCodeAt(0))) return "num";
  if (isUpper(t)) return t.length === 1 ? "INIT" : `C${infoOf(t).kind}`;
  if (isLetter(t.charCodeAt(0))) return "low";
  return t;
}

const neighbourWord = (t: string, edge: string): string => (t === "" ? edge : t === "\n" ? "NL" : t.toLowerCase());

interface WordInfo {
  kind: string;
  /** For an unknown word: its spelling score in half steps clamped to [-2, 2], whether it is a common capital, and an opener. */
  bucket: string;
  cc: boolean;
  op: boolean;
}

// What a word is, cached: text repeats its words, and every candidate needs it. Bounded.
const infos = new Map<string, WordInfo>();
const INFO_MAX = 20_000;

function infoOf(w: string): WordInfo {
  let i = infos.get(w);
  if (i) return i;
  const kind = w.length === 1 ? "init" : wordKind(w);
  const unknown = kind === "unknown";
  i = { kind, bucket: unknown ? String(Math.max(-2, Math.min(2, Math.round(nameShape(w) * 2) / 2))) : "", cc: unknown && commonCapital(w), op: unknown && opener(w) };
  if (infos.size >= INFO_MAX) infos.clear();
  infos.set(w, i);
  return i;
}

/**
 * Capitalised words that are English words ("The", "Please", "Python", "Will") are not scored:
 * they are most capitals of ordinary text, and a name is found by its other tokens ("Zoe" of
 * "Zoe Young"; the overlap of one token finds the name). Nor are single capitals ("I", "A", the
 * "M" of "Janka M. Szász"): a span joins across an initial instead.
 */
const possessiveless = (w: string): string => (w.length > 3 && (w.endsWith("'s") || w.endsWith("’s")) ? w.slice(0, -2) : w);
const skipped = (kind: string): boolean => kind === "word" || kind === "init";

/** Features of the word itself: the same wherever it stands, so their sum is cached per word. */
function wordFeatures(w: string, info: WordInfo): string[] {
  const lc = w.toLowerCase();
  const f = ["b", `w:${lc}`, `k:${info.kind}`, `sh:${wordShape(w)}`, `s3:${lc.slice(-3)}`, `s2:${lc.slice(-2)}`];
  if (info.kind === "unknown") f.push(`u:${info.bucket}`, `cc:${info.cc}`, `op:${info.op}`);
  if (w.length > 1 && w === w.toUpperCase()) f.push("caps");
  return f;
}

interface Context { p2: string; p1: string; n1: string; n2: string }

function contextOf(text: string, start: number, end: number): Context {
  const [p1, p1s] = tokenBefore(text, start);
  const p2 = p1 === "" ? "" : tokenBefore(text, p1s)[0];
  const [n1, n1e] = tokenAfter(text, end);
  const n2 = n1 === "" ? "" : tokenAfter(text, n1e)[0];
  return { p2, p1, n1, n2 };
}

/**
 * The features of the word's neighbourhood, as (template, value) or (template, value, value)
 * calls: the trainer turns them into strings ("p1:to", "k|n1c:name|low"), the tagger looks them up
 * in nested maps without building a string (most of its cost was making and hashing those). One
 * definition for both, so they cannot drift apart. A second value is the free text when there is
 * one, so a key splits at its first "|".
 */
// Template ids index arrays in the compiled model; the names make the trainer's feature strings.
const ONE = ["p1", "n1", "p2", "n2", "p1c", "n1c", "p2c", "n2c"] as const;
const TWO = ["k|n1c", "k|p1c", "k|p1", "k|n1", "k|ss", "u|p1c", "cc|ss"] as const;

function context(info: WordInfo, c: Context, one: (t: number, a: string) => void, two: (t: number, a: string, b: string) => void): void {
  const kind = info.kind;
  const p1 = neighbourClass(c.p1, "BOS");
  const n1 = neighbourClass(c.n1, "EOS");
  const p1w = neighbourWord(c.p1, "BOS");
  const n1w = neighbourWord(c.n1, "EOS");
  const start = c.p1 === "" || SENTENCE_END.has(c.p1) ? "T" : "F";
  one(0, p1w);
  one(1, n1w);
  one(2, neighbourWord(c.p2, c.p1 === "" ? "BOS" : "BOS2"));
  one(3, neighbourWord(c.n2, c.n1 === "" ? "EOS" : "EOS2"));
  one(4, p1);
  one(5, n1);
  one(6, neighbourClass(c.p2, "BOS"));
  one(7, neighbourClass(c.n2, "EOS"));
  two(0, kind, n1);
  two(1, kind, p1);
  two(2, kind, p1w);
  two(3, kind, n1w);
  two(4, kind, start);
  if (kind === "unknown") {
    two(5, info.bucket, p1);
    two(6, info.cc ? "T" : "F", start);
  }
}

function contextFeatures(info: WordInfo, c: Context): string[] {
  const f: string[] = [];
  context(info, c, (t, a) => f.push(`${ONE[t]}:${a}`), (t, a, b) => f.push(`${TWO[t]}:${a}|${b}`));
  return f;
}

export interface Candidate {
  start: number;
  end: number;
  features: string[];
}

/** Every scored capitalised word of a text with its features: what the trainer learns from. */
export function candidates(text: string): Candidate[] {
  const out: Candidate[] = [];
  CANDIDATE_RE.lastIndex = 0;
  for (let m = CANDIDATE_RE.exec(text); m; m = CANDIDATE_RE.exec(text)) {
    const w = possessiveless(m[0]);
    const info = infoOf(w);
    if (skipped(info.kind)) continue;
    const end = m.index + w.length;
    out.push({ start: m.index, end, features: [...wordFeatures(w, info), ...contextFeatures(info, contextOf(text, m.index, end))] });
  }
  return out;
}

export function modelFromJson(json: { threshold: number; lone_threshold: number; weights: Record<string, number> }): TaggerModel {
  return { threshold: json.threshold, loneThreshold: json.lone_threshold, weights: new Map(Object.entries(json.weights)) };
}

let shipped: TaggerModel | null = null;

/** The committed model, parsed once on first use. */
export function shippedTagger(): TaggerModel {
  return (shipped ??= modelFromJson(modelJson));
}

const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/** The probability of a feature list (the trainer's view; the tagger sums the same features with a per-word cache). */
export function featureProb(model: TaggerModel, feats: readonly string[]): number {
  let z = 0;
  for (const f of feats) z += model.weights.get(f) ?? 0;
  return sigmoid(z);
}

/** A model's context weights by template id: value → weight, and value → value → weight. */
interface Compiled {
  one: Map<string, number>[];
  two: Map<string, Map<string, number>>[];
}
const compiledModels = new WeakMap<TaggerModel, Compiled>();

function compile(model: TaggerModel): Compiled {
  let c = compiledModels.get(model);
  if (c) return c;
  c = { one: ONE.map(() => new Map()), two: TWO.map(() => new Map()) };
  for (const [f, w] of model.weights) {
    const colon = f.indexOf(":");
    const t = f.slice(0, colon);
    const v = f.slice(colon + 1);
    const i1 = (ONE as readonly string[]).indexOf(t);
    const i2 = (TWO as readonly string[]).indexOf(t);
    if (i1 >= 0) c.one[i1].set(v, w);
    else if (i2 >= 0) {
      const bar = v.indexOf("|");
      const byA = c.two[i2];
      const byB = byA.get(v.slice(0, bar)) ?? new Map<string, number>();
      byA.set(v.slice(0, bar), byB);
      byB.set(v.slice(bar + 1), w);
    }
  }
  compiledModels.set(model, c);
  return c;
}

/** The summed context weights of a candidate: the same sum as over contextFeatures's strings. */
function contextSum(c: Compiled, info: WordInfo, ctx: Context): number {
  let z = 0;
  context(info, ctx, (t, a) => { z += c.one[t].get(a) ?? 0; }, (t, a, b) => { z += c.two[t].get(a)?.get(b) ?? 0; });
  return z;
}

// The summed weights of wordFeatures per model and word: text repeats its words. Bounded.
const wordSums = new WeakMap<TaggerModel, Map<string, number>>();
const WORD_CACHE_MAX = 20_000;

function wordSum(model: TaggerModel, w: string, info: WordInfo): number {
  let cache = wordSums.get(model);
  if (!cache) wordSums.set(model, (cache = new Map()));
  let z = cache.get(w);
  if (z === undefined) {
    z = 0;
    for (const f of wordFeatures(w, info)) z += model.weights.get(f) ?? 0;
    if (cache.size >= WORD_CACHE_MAX) cache.clear();
    cache.set(w, z);
  }
  return z;
}

const JOIN_GAP = /^[ \t]+(?:\p{Lu}\.?[ \t]+)?$/u;

/** Calls `fn` with every scored candidate's probability, by the compiled (string-free) path. */
function eachScored(text: string, model: TaggerModel, fn: (start: number, end: number, p: number, info: WordInfo) => void): void {
  const compiled = compile(model);
  CANDIDATE_RE.lastIndex = 0;
  for (let m = CANDIDATE_RE.exec(text); m; m = CANDIDATE_RE.exec(text)) {
    const w = possessiveless(m[0]);
    const info = infoOf(w);
    if (skipped(info.kind)) continue;
    const start = m.index;
    const end = start + w.length;
    fn(start, end, sigmoid(wordSum(model, w, info) + contextSum(compiled, info, contextOf(text, start, end))), info);
  }
}

/** Every scored candidate with its probability by the tagger's fast path (tests compare it with featureProb). */
export function scoredCandidates(text: string, model: TaggerModel = shippedTagger()): { start: number; end: number; prob: number }[] {
  const out: { start: number; end: number; prob: number }[] = [];
  eachScored(text, model, (start, end, prob) => out.push({ start, end, prob }));
  return out;
}

/** Person-name spans by the tagger alone (no organisation or place vetoes: the detector applies those). */
export function tagPersons(text: string, model: TaggerModel = shippedTagger()): TaggedSpan[] {
  const out: TaggedSpan[] = [];
  let cur: TaggedSpan & { n: number; listed: boolean; word: boolean } | null = null;
  const flush = (c: TaggedSpan & { n: number; listed: boolean; word: boolean }): void => {
    const prob = c.prob / c.n;
    // A lone word that is an English word as well as a name ("Billing", "Young", "Page") is read
    // as the word: in product text it is a menu, a heading or a noun far more often than a person
    // named without a cue, and the rules find it where a cue or a first name stands beside it.
    if (c.n === 1 && c.word) return;
    if (c.n > 1 || c.listed || prob > model.loneThreshold) out.push({ start: c.start, end: c.end, prob });
  };
  eachScored(text, model, (start, end, p, info) => {
    if (p <= model.threshold) return;
    // Joined to the previous tagged word when only spaces, or an initial and spaces, lie between ("Janka M. Szász").
    if (cur && JOIN_GAP.test(text.slice(cur.end, start))) {
      cur.end = end;
      cur.prob += p;
      cur.n++;
    } else {
      if (cur) flush(cur);
      cur = { start, end, prob: p, n: 1, listed: info.kind === "name", word: info.kind === "both" };
    }
  });
  if (cur) flush(cur);
  // A lone initial is no name.
  return out.filter((s) => s.end - s.start > 1);
}
