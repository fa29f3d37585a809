import modelJson from "./person-tagger.json" with { type: "json" };
import { commonCapital, nameShape, opener, wordKind } from "./name-shape.js";

/**
 * A small statistical token tagger for person names (decision 0034): logistic regression over
 * sparse string features of each capitalised token — its word kind (listed name, English word,
 * both, unknown) and spelling score from name-shape.ts, its suffixes and shape, the lower-cased
 * words and the kinds of the two tokens either side, sentence and line position, punctuation
 * around it. Tokens scoring above the model's threshold are tagged I (inside a name), the rest O;
 * adjacent I tokens (with only spaces or an initial's dot between them) make one span.
 *
 * Only capitalised tokens are scored: lower-case names are left to the rules' strong cues, and
 * scoring only the ~10% of tokens that are capitalised keeps the cost to a few map look-ups per
 * capital. Weights: person-tagger.json, trained by scripts/guard/train-person-tagger.ts
 * (provenance there and in the file). Pure and deterministic: the same text gives the same spans.
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

// A capitalised word, as person-detector.ts's tokens but with any letters after the capital
// ("McDonald", "ABBA"): the look-behind sits after the capital, checked only where one matched.
const CANDIDATE_RE = /(?=[A-Z\u00C0-\u{10FFFF}])\p{Lu}(?<![\p{L}\p{M}\d]\p{Lu})[\p{L}\p{M}]*(?:['’-][\p{L}\p{M}]+)*/gu;
const LETTER = /[\p{L}\p{M}]/u;
const UPPER = /^\p{Lu}/u;
const SENTENCE_END = new Set([".", "!", "?", ":", ";", "\n", "\"", "“", "(", "[", "*", "-", ">"]);

const isLetter = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 0xc0 && LETTER.test(String.fromCharCode(c)));
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isJoiner = (c: number): boolean => c === 39 || c === 0x2019 || c === 45;
const isBlank = (c: number): boolean => c === 32 || c === 9 || c === 13;

/**
 * The token ending just before `i` (spaces and tabs skipped): a word, a digit run, a line break or
 * one punctuation character; "" at the text's start. Scanned by hand from the candidate rather than
 * by tokenising the text: only the neighbours of capitalised words are ever needed.
 */
function tokenBefore(text: string, i: number): [string, number] {
  let j = i;
  while (j > 0 && isBlank(text.charCodeAt(j - 1))) j--;
  if (j === 0) return ["", 0];
  const c = text.charCodeAt(j - 1);
  let k = j - 1;
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
  if (UPPER.test(t)) return t.length === 1 ? "INIT" : `C${wordKind(t)}`;
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
 * "Zoe Young"; the overlap of one token finds the name).
 */
const possessiveless = (w: string): string => (w.length > 3 && (w.endsWith("'s") || w.endsWith("’s")) ? w.slice(0, -2) : w);
const skipped = (kind: string): boolean => kind === "word";

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

/** Features of the word's neighbourhood. */
function contextFeatures(info: WordInfo, c: Context): string[] {
  const kind = info.kind;
  const p1 = neighbourClass(c.p1, "BOS");
  const n1 = neighbourClass(c.n1, "EOS");
  const p1w = neighbourWord(c.p1, "BOS");
  const n1w = neighbourWord(c.n1, "EOS");
  const start = c.p1 === "" || SENTENCE_END.has(c.p1);
  const f = [
    `p1:${p1w}`, `n1:${n1w}`, `p2:${neighbourWord(c.p2, c.p1 === "" ? "BOS" : "BOS2")}`, `n2:${neighbourWord(c.n2, c.n1 === "" ? "EOS" : "EOS2")}`,
    `p1c:${p1}`, `n1c:${n1}`, `p2c:${neighbourClass(c.p2, "BOS")}`, `n2c:${neighbourClass(c.n2, "EOS")}`,
    `k|n1c:${kind}|${n1}`, `p1c|k:${p1}|${kind}`, `p1|k:${p1w}|${kind}`, `k|n1:${kind}|${n1w}`, `ss:${start}|${kind}`,
  ];
  if (kind === "unknown") f.push(`u|p1c:${info.bucket}|${p1}`, `cc|ss:${info.cc}|${start}`);
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

/** Person-name spans by the tagger alone (no organisation or place vetoes: the detector applies those). */
export function tagPersons(text: string, model: TaggerModel = shippedTagger()): TaggedSpan[] {
  const out: TaggedSpan[] = [];
  let cur: TaggedSpan & { n: number; listed: boolean } | null = null;
  const flush = (c: TaggedSpan & { n: number; listed: boolean }): void => {
    const prob = c.prob / c.n;
    if (c.n > 1 || c.listed || prob > model.loneThreshold) out.push({ start: c.start, end: c.end, prob });
  };
  CANDIDATE_RE.lastIndex = 0;
  for (let m = CANDIDATE_RE.exec(text); m; m = CANDIDATE_RE.exec(text)) {
    const w = possessiveless(m[0]);
    const info = infoOf(w);
    if (skipped(info.kind)) continue;
    const start = m.index;
    const end = start + w.length;
    let z = wordSum(model, w, info);
    for (const f of contextFeatures(info, contextOf(text, start, end))) z += model.weights.get(f) ?? 0;
    const p = sigmoid(z);
    if (p <= model.threshold) continue;
    // Joined to the previous tagged word when only spaces, or an initial's dot and spaces, lie between ("Janka M. Szász").
    if (cur && /^\.?[ \t]+$/.test(text.slice(cur.end, start))) {
      cur.end = end;
      cur.prob += p;
      cur.n++;
    } else {
      if (cur) flush(cur);
      cur = { start, end, prob: p, n: 1, listed: info.kind === "name" };
    }
  }
  if (cur) flush(cur);
  // A lone initial is no name.
  return out.filter((s) => s.end - s.start > 1);
}
