import modelJson from "./person-tagger.json" with { type: "json" };
import { nameShape, wordKind } from "./name-shape.js";

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
}

export interface Token {
  text: string;
  start: number;
  end: number;
}

export interface TaggedSpan {
  start: number;
  end: number;
  /** The mean probability of the span's tokens. */
  prob: number;
}

// Words (letters with inner apostrophes or hyphens), digit runs, line breaks, single punctuation.
const TOKEN_RE = /[\p{L}\p{M}]+(?:['’-][\p{L}\p{M}]+)*|\d+|\n|[^\s\p{L}\p{M}\d]/gu;
const UPPER = /^\p{Lu}/u;
const SENTENCE_END = new Set([".", "!", "?", ":", ";", "\n", "\"", "“", "(", "[", "*", "-", ">"]);

export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  TOKEN_RE.lastIndex = 0;
  for (let m = TOKEN_RE.exec(text); m; m = TOKEN_RE.exec(text)) out.push({ text: m[0], start: m.index, end: m.index + m[0].length });
  return out;
}

export function isCandidate(tok: Token): boolean {
  return UPPER.test(tok.text);
}

/** The shape of a word: "Xx", "X", "XX", "Xx-Xx", "XxXx" (McDonald), "Xx'x". */
function wordShape(w: string): string {
  let s = "";
  let last = "";
  for (const ch of w) {
    const c = /\p{Lu}/u.test(ch) ? "X" : /[\p{Ll}\p{M}]/u.test(ch) ? "x" : /\d/.test(ch) ? "d" : ch;
    if (c !== last) s += c;
    last = c;
  }
  return s;
}

/** A neighbour as a class: the kind of a capitalised word, "low", "num", "NL", its punctuation, or the text edge. */
function neighbourClass(tokens: readonly Token[], j: number): string {
  if (j < 0) return "BOS";
  if (j >= tokens.length) return "EOS";
  const t = tokens[j].text;
  if (t === "\n") return "NL";
  const c = t.charCodeAt(0);
  if (c >= 48 && c <= 57) return "num";
  if (UPPER.test(t)) return t.length === 1 ? "INIT" : `C${wordKind(t)}`;
  if (/^[\p{Ll}\p{M}]/u.test(t)) return "low";
  return t;
}

function neighbourWord(tokens: readonly Token[], j: number): string {
  if (j < 0) return "BOS";
  if (j >= tokens.length) return "EOS";
  const t = tokens[j].text;
  return t === "\n" ? "NL" : t.toLowerCase();
}

/** The spelling score of an unknown word in half steps, clamped to [-2, 2]. */
function shapeBucket(w: string): string {
  const s = nameShape(w);
  return String(Math.max(-2, Math.min(2, Math.round(s * 2) / 2)));
}

/** The features of the candidate token `i`. Shared by the trainer and the tagger, so they cannot drift apart. */
export function tokenFeatures(tokens: readonly Token[], i: number): string[] {
  const w = tokens[i].text;
  const lc = w.toLowerCase();
  const kind = w.length === 1 ? "init" : wordKind(w);
  const p1 = neighbourClass(tokens, i - 1);
  const n1 = neighbourClass(tokens, i + 1);
  const p1w = neighbourWord(tokens, i - 1);
  const n1w = neighbourWord(tokens, i + 1);
  const start = i === 0 || SENTENCE_END.has(tokens[i - 1].text);
  const f = [
    "b",
    `w:${lc}`,
    `k:${kind}`,
    `sh:${wordShape(w)}`,
    `s3:${lc.slice(-3)}`,
    `s2:${lc.slice(-2)}`,
    `p1:${p1w}`,
    `n1:${n1w}`,
    `p2:${neighbourWord(tokens, i - 2)}`,
    `n2:${neighbourWord(tokens, i + 2)}`,
    `p1c:${p1}`,
    `n1c:${n1}`,
    `p2c:${neighbourClass(tokens, i - 2)}`,
    `n2c:${neighbourClass(tokens, i + 2)}`,
    `k|n1c:${kind}|${n1}`,
    `p1c|k:${p1}|${kind}`,
    `p1|k:${p1w}|${kind}`,
    `k|n1:${kind}|${n1w}`,
    `ss:${start}|${kind}`,
  ];
  if (kind === "unknown") f.push(`u:${shapeBucket(w)}`, `u|p1c:${shapeBucket(w)}|${p1}`);
  if (w.length > 1 && w === w.toUpperCase()) f.push("caps");
  return f;
}

export function modelFromJson(json: { threshold: number; weights: Record<string, number> }): TaggerModel {
  return { threshold: json.threshold, weights: new Map(Object.entries(json.weights)) };
}

let shipped: TaggerModel | null = null;

/** The committed model, parsed once on first use. */
export function shippedTagger(): TaggerModel {
  return (shipped ??= modelFromJson(modelJson));
}

export function tokenProb(model: TaggerModel, feats: readonly string[]): number {
  let z = 0;
  for (const f of feats) z += model.weights.get(f) ?? 0;
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** Person-name spans by the tagger alone (no organisation or place vetoes: the detector applies those). */
export function tagPersons(text: string, model: TaggerModel = shippedTagger()): TaggedSpan[] {
  const out: TaggedSpan[] = [];
  // Fast exit: no capital, no candidate.
  if (!/\p{Lu}/u.test(text)) return out;
  const tokens = tokenize(text);
  let cur: { start: number; end: number; sum: number; n: number; lastTok: number } | null = null;
  const flush = (): void => {
    if (cur) out.push({ start: cur.start, end: cur.end, prob: cur.sum / cur.n });
    cur = null;
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (!isCandidate(t)) continue;
    const p = tokenProb(model, tokenFeatures(tokens, i));
    if (p <= model.threshold) {
      flush();
      continue;
    }
    // Joined when only spaces, or an initial's dot and spaces, lie between ("Janka M. Szász").
    const gap: string = cur ? text.slice(cur.end, t.start) : "";
    if (cur && cur.lastTok >= i - 2 && /^\.?[ \t]+$|^[ \t]*$/.test(gap) && (gap.length > 0)) {
      cur.end = t.end;
      cur.sum += p;
      cur.n++;
      cur.lastTok = i;
    } else {
      flush();
      cur = { start: t.start, end: t.end, sum: p, n: 1, lastTok: i };
    }
  }
  flush();
  // A lone initial is no name.
  return out.filter((s) => s.end - s.start > 1);
}
