import shape from "./name-shape.json" with { type: "json" };
import { COMMON_WORDS, nameLexicon } from "./name-lexicon.js";

/**
 * What one word is, as evidence for a person name. Built from two installed word lists by
 * scripts/guard/build-name-shape.ts (provenance there and in docs/decisions):
 *
 * - `word`: an English word more common in lower case than capitalised ("Entertainment",
 *   "Software"), or one of the hand-kept COMMON_WORDS ("Mark", "Will", "Paris");
 * - `both`: such a word that the name lexicon also holds ("Young", "Walker", "Dale"): no
 *   evidence either way — it neither makes a name nor vetoes one;
 * - `name`: in the name lexicon and not such a word ("John", "Aniela", "Andersson");
 * - `unknown`: in neither list — a rare name ("Liberšar", "Shovda"), a brand, a rare word or an
 *   identifier. `nameShape` tells these apart by spelling: the mean log-odds of the word's
 *   character trigrams in names against English words ("-ová", "-sson", "-vić" against "-ing",
 *   "-tion", "-ware").
 *
 * Results are cached per word: text repeats its words, and the cache is bounded.
 */
export type WordKind = "name" | "both" | "word" | "unknown";

const WORDS: ReadonlySet<string> = new Set(shape.words.split(" "));
const TRIGRAMS: Readonly<Record<string, number>> = shape.trigrams;
const BIGRAMS: Readonly<Record<string, number>> = shape.bigrams;
const CAPITALS: ReadonlySet<string> = new Set(shape.capitals.split(" "));
const OPENERS: ReadonlySet<string> = new Set(shape.openers.split(" "));
const cache = new Map<string, { kind: WordKind; shape: number }>();

/** A lower-case word of the lexicon of common words (~23.5k, several languages), as written. */
export function isCommonWord(lower: string): boolean {
  return WORDS.has(lower) || COMMON_WORDS.has(lower);
}
const CACHE_MAX = 20_000;

// Keyed by the word as written: no lower-casing (an allocation) on the hot path of a cache hit.
// The spelling score is computed only when a rule asks for it (most words need only their kind).
function lookup(word: string): { kind: WordKind; shape: number } {
  let hit = cache.get(word);
  if (hit) return hit;
  const w = word.toLowerCase();
  const lex = nameLexicon();
  const isName = (p: string): boolean => lex.has(p) && !WORDS.has(p);
  const compound = w.includes("-") || w.includes("'") || w.includes("’");
  const parts = compound ? w.split(/['’-]/).filter((p) => p.length > 2) : [];
  const kind: WordKind = COMMON_WORDS.has(w) || (WORDS.has(w) && !parts.some((p) => p !== w && isName(p)))
    ? lex.has(w) && !COMMON_WORDS.has(w) ? "both" : "word"
    : isName(w) || parts.some(isName) ? "name" : "unknown";
  hit = { kind, shape: kind === "unknown" ? Number.NaN : kind === "name" ? 1 : kind === "both" ? 0 : -1 };
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(word, hit);
  return hit;
}

function shapeOf(word: string): number {
  const hit = lookup(word);
  if (Number.isNaN(hit.shape)) hit.shape = trigramScore(word.toLowerCase());
  return hit.shape;
}

function trigramScore(w: string): number {
  const s = `^${w}$`;
  let sum = 0;
  let n = 0;
  for (let i = 0; i + 3 <= s.length; i++) {
    // A trigram too rare to be kept falls back to its last two letters.
    sum += TRIGRAMS[s.slice(i, i + 3)] ?? BIGRAMS[s.slice(i + 1, i + 3)] ?? 0;
    n++;
  }
  return n ? sum / n : 0;
}

export function wordKind(word: string): WordKind {
  return lookup(word).kind;
}

/** Name-likeness of a word's spelling: > 0 looks like a name, < 0 like an English word; 1 for listed names, 0 for `both`, -1 for words. */
export function nameShape(word: string): number {
  return shapeOf(word);
}

/**
 * A capitalised word common enough to be one piece of the cl100k vocabulary that is neither a
 * lower-case word nor a listed name ("Alabama", "LinkedIn", "However"): a place, a brand or a
 * sentence opener more often than an unlisted person's name. Read by the person tagger only.
 */
export function commonCapital(word: string): boolean {
  return CAPITALS.has(word.toLowerCase());
}

/** A common capital that is a lower-case cl100k piece too: a word that opens sentences ("However", "Furthermore"). */
export function opener(word: string): boolean {
  return OPENERS.has(word.toLowerCase());
}
