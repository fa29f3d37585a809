/**
 * Text normalisation shared by the string metrics. Tokens are lower-cased runs of letters and
 * digits (Unicode-aware), the usual choice of ROUGE implementations without stemming.
 */

export interface NormalizeOptions {
  caseSensitive?: boolean;
  /** Collapse runs of whitespace and trim (default true). */
  collapseWhitespace?: boolean;
}

export function normalizeText(s: string, o: NormalizeOptions = {}): string {
  let t = s.normalize("NFKC");
  if (o.collapseWhitespace !== false) t = t.replace(/\s+/g, " ").trim();
  if (!o.caseSensitive) t = t.toLowerCase();
  return t;
}

export function tokenize(s: string): string[] {
  return s.normalize("NFKC").toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** Function words that carry no claim; left out when judging whether a claim is in a context. */
const STOPWORDS = new Set(
  ("a an the and or but if of to in on at by for with from as is are was were be been being it its this that these those " +
    "there their they them he she his her we our you your i me my not no do does did has have had will would can could " +
    "should may might must so than then too very also just about into over under again more most such only own same").split(" "),
);

export function contentTokens(s: string): string[] {
  return tokenize(s).filter((t) => !STOPWORDS.has(t));
}

/**
 * Sentences: split after . ! ? followed by whitespace, and at line breaks. Deliberately simple and
 * documented, so that a claim count can be checked by hand.
 */
export function splitSentences(s: string): string[] {
  return s
    .split(/(?<=[.!?])\s+|\n+/)
    .map((x) => x.trim())
    .filter((x) => x.length > 0);
}

/** The expected value as text: strings as they are, anything else as compact JSON. */
export function expectedText(expected: unknown): string | undefined {
  if (expected === undefined || expected === null) return undefined;
  return typeof expected === "string" ? expected : JSON.stringify(expected);
}
