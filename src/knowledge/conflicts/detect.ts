import type { ConflictKind } from "../types.js";
import { type SentenceValues, type Slot, sentencesOf, valuesOf } from "./values.js";

/**
 * Pure: do two passages state different values for the same fact? The method (decision 0032):
 *
 * 1. Sentences with at least one value slot are paired across the passages; a pair is the same
 *    statement when the Jaccard overlap of their words (values masked by kind, stop words out) is
 *    at least `minOverlap`.
 * 2. A pair is about different entities — not a conflict — when a word only one side has looks
 *    like a name (capitalised mid-sentence, all capitals, or with a digit: `Pro`, `EU`, `X-200`),
 *    or when the two sides put different words before the same noun (`basic plan` / `premium plan`).
 * 3. Slots are aligned by kind and context (the words around them, the unit after them); an aligned
 *    pair whose normalised values differ is a conflict of that kind. Equal values are agreement.
 */

export interface DetectOptions {
  /** Word overlap (Jaccard, values masked) for two sentences to be the same statement. */
  minOverlap: number;
  /** Context overlap for two slots of one kind to be the same attribute (when a sentence has several). */
  minContext: number;
}

export const DETECT_DEFAULTS: Readonly<DetectOptions> = Object.freeze({ minOverlap: 0.5, minContext: 0.34 });

export interface Finding {
  kind: ConflictKind;
  left: { text: string; value: string };
  right: { text: string; value: string };
  overlap: number;
}

const STOP = new Set(
  ("a an the and or but of to in on at by for with from as is are was were be been being it its this that these those " +
    "there here has have had do does did will would shall should can could may might must not no than then so such per " +
    "each every all any our your their we you they he she his her them us which who whom what when where how also only").split(" "),
);

/** Sentences of a passage that state at least one value: what the comparison works on. */
export function valueSentences(text: string): SentenceValues[] {
  return sentencesOf(text).map(valuesOf).filter((s) => s.slots.length > 0);
}

/** Every conflicting value pair between two passages (already split by `valueSentences`). */
export function compareSentenceSets(a: readonly SentenceValues[], b: readonly SentenceValues[], o: DetectOptions = DETECT_DEFAULTS): Finding[] {
  const out: Finding[] = [];
  for (const x of a) for (const y of b) out.push(...compareSentences(x, y, o));
  return out;
}

export function comparePassages(a: string, b: string, o: DetectOptions = DETECT_DEFAULTS): Finding[] {
  return compareSentenceSets(valueSentences(a), valueSentences(b), o);
}

export function compareSentences(x: SentenceValues, y: SentenceValues, o: DetectOptions = DETECT_DEFAULTS): Finding[] {
  const cx = content(x);
  const cy = content(y);
  const overlap = jaccard(cx, cy);
  if (overlap < o.minOverlap) return [];
  if (differentEntities(x, y, cx, cy)) return [];
  const out: Finding[] = [];
  for (const [sx, sy] of align(x, y, o.minContext)) {
    if (sx.norm !== sy.norm) out.push({ kind: sx.kind, left: { text: x.text, value: sx.raw }, right: { text: y.text, value: sy.raw }, overlap: round(overlap) });
  }
  return out;
}

const isPlaceholder = (t: string): boolean => t.startsWith("<");
const content = (s: SentenceValues): Set<string> => new Set(s.tokens.filter((t) => !STOP.has(t)));

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let both = 0;
  for (const t of a) if (b.has(t)) both++;
  const union = a.size + b.size - both;
  return union === 0 ? 0 : both / union;
}

/** A word only one side has that names something, or a different word before a shared noun. */
function differentEntities(x: SentenceValues, y: SentenceValues, cx: ReadonlySet<string>, cy: ReadonlySet<string>): boolean {
  const named = (s: SentenceValues, other: ReadonlySet<string>): boolean =>
    s.tokens.some((t, i) => !isPlaceholder(t) && !STOP.has(t) && !other.has(t) && looksLikeName(s.original[i], i));
  if (named(x, cy) || named(y, cx)) return true;
  // "the basic plan" / "the premium plan": the same noun, each side's own modifier right before it.
  const before = (s: SentenceValues, other: ReadonlySet<string>): Map<string, string> => {
    const m = new Map<string, string>();
    for (let i = 1; i < s.tokens.length; i++) {
      const [w, n] = [s.tokens[i - 1], s.tokens[i]];
      if (!isPlaceholder(w) && !isPlaceholder(n) && !STOP.has(w) && !STOP.has(n) && !other.has(w)) m.set(n, w);
    }
    return m;
  };
  const bx = before(x, cy);
  const by = before(y, cx);
  for (const [noun] of bx) if (by.has(noun) && cx.has(noun) && cy.has(noun)) return true;
  return false;
}

function looksLikeName(word: string, index: number): boolean {
  if (/\p{N}/u.test(word)) return true;
  if (word.length >= 2 && word === word.toUpperCase() && /\p{Lu}/u.test(word)) return true;
  return index > 0 && /^\p{Lu}/u.test(word);
}

/** Slot pairs of one kind that state the same attribute: best context first, each slot used once. */
function align(x: SentenceValues, y: SentenceValues, minContext: number): [Slot, Slot][] {
  const cands: { a: Slot; b: Slot; score: number }[] = [];
  for (const a of x.slots) {
    for (const b of y.slots) {
      if (a.kind !== b.kind) continue;
      const ua = unitAfter(x, a);
      const ub = unitAfter(y, b);
      // A unit word right after both that differs ("5 days" / "5 seats") is another attribute.
      if (ua !== null && ub !== null && ua !== ub) continue;
      const only = x.slots.filter((s) => s.kind === a.kind).length === 1 && y.slots.filter((s) => s.kind === b.kind).length === 1;
      const score = jaccard(contextOf(x, a), contextOf(y, b)) + (ua !== null && ua === ub ? 0.5 : 0);
      if (only || score >= minContext) cands.push({ a, b, score });
    }
  }
  cands.sort((p, q) => q.score - p.score);
  const usedA = new Set<Slot>();
  const usedB = new Set<Slot>();
  const out: [Slot, Slot][] = [];
  for (const c of cands) {
    if (usedA.has(c.a) || usedB.has(c.b)) continue;
    usedA.add(c.a);
    usedB.add(c.b);
    out.push([c.a, c.b]);
  }
  return out;
}

function unitAfter(s: SentenceValues, slot: Slot): string | null {
  const t = s.tokens[slot.at + 1];
  if (t === undefined || isPlaceholder(t) || STOP.has(t)) return null;
  return t.endsWith("s") && t.length > 3 ? t.slice(0, -1) : t;
}

function contextOf(s: SentenceValues, slot: Slot): Set<string> {
  const out = new Set<string>();
  for (let i = Math.max(0, slot.at - 4); i <= Math.min(s.tokens.length - 1, slot.at + 2); i++) {
    const t = s.tokens[i];
    if (i !== slot.at && !isPlaceholder(t) && !STOP.has(t)) out.add(t);
  }
  return out;
}

const round = (n: number): number => Math.round(n * 1000) / 1000;
