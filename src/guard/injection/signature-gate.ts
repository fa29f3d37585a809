/**
 * A word gate ahead of the signatures: most signatures open on `\b(?:word|word …)` followed by a
 * non-word character, so they cannot match a text in which none of those opening words occurs as
 * a whole token. One pass over the text collects which opening words it holds; a signature none
 * of whose opening words is present is skipped — the same hits as running it (it would fail), at
 * a fraction of the cost on short texts where 44 separate scans are most of the injection check.
 *
 * Only patterns whose shape proves the condition get a gate (read from the pattern's own source):
 * no `i` flag, the source starts with `\b(?:` and a plain alternation of lower-case words, spaces,
 * apostrophes and hyphens, with no alternation outside that group, and each alternative's leading
 * word run followed — inside the alternative or right after the group — by a space, `\s` or `\b`.
 * Any other pattern always runs.
 */

/** A token here is a run of `\w` characters ([A-Za-z0-9_]): what `\b` delimits in non-Unicode-case patterns. */
const isWord = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;

/** The top-level alternatives of a pattern source (escapes and classes respected), or null if a group is unbalanced. */
function branches(src: string): string[] | null {
  const out: string[] = [];
  let depth = 0;
  let inClass = false;
  let from = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === "\\") {
      i++;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      continue;
    }
    if (c === "[") inClass = true;
    else if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "|" && depth === 0) {
      out.push(src.slice(from, i));
      from = i + 1;
    }
    if (depth < 0) return null;
  }
  if (depth !== 0 || inClass) return null;
  out.push(src.slice(from));
  return out;
}

/** Does `rest` (what follows a word run) begin with a character that cannot be a word character, not optional? */
function boundaryFollows(rest: string): boolean {
  const optional = (q: string | undefined): boolean => q === "?" || q === "*" || q === "{";
  if (rest.startsWith("\\b")) return true;
  if (rest.startsWith("\\s")) return !optional(rest[2]);
  return " '-,:".includes(rest[0] ?? "x") && rest[0] !== undefined && !optional(rest[1]);
}

/** Where the group opening at `open` closes (no classes or escapes inside: callers check the body). */
function groupEnd(src: string, open: number): number {
  let depth = 0;
  for (let i = open; i < src.length; i++) {
    if (src[i] === "\\") i++;
    else if (src[i] === "(") depth++;
    else if (src[i] === ")" && --depth === 0) return i;
  }
  return -1;
}

/**
 * The opening words of a gateable pattern, or null when it must always run. Each top-level
 * alternative must be `\b` then either a plain word group `(?:w|w …)` or a word, with its leading
 * word run followed by a space, an apostrophe, a hyphen, a comma, a colon, `\s` or `\b` that is not optional.
 */
export function openingWords(re: RegExp): string[] | null {
  if (re.flags.includes("i")) return null;
  const bs = branches(re.source);
  if (!bs) return null;
  const words: string[] = [];
  for (const b of bs) {
    if (!b.startsWith("\\b")) return null;
    const r = b.slice(2);
    if (r.startsWith("(?:")) {
      const end = groupEnd(r, 0);
      if (end < 0) return null;
      const body = r.slice(3, end);
      if (!/^[a-z' -]+(?:\|[a-z' -]+)*$/.test(body)) return null;
      const after = r.slice(end + 1);
      for (const alt of body.split("|")) {
        const lead = /^[a-z]+/.exec(alt)?.[0];
        if (!lead) return null;
        if (lead.length === alt.length ? !boundaryFollows(after) : !boundaryFollows(alt.slice(lead.length))) return null;
        words.push(lead);
      }
    } else {
      const lead = /^[a-z]+/.exec(r)?.[0];
      if (!lead || !boundaryFollows(r.slice(lead.length))) return null;
      words.push(lead);
    }
  }
  return words;
}

/** Where the escape starting at `i` (a backslash) ends, and the literal it stands for when it is one. */
function escapeAt(src: string, i: number): { end: number; literal: number | null } {
  const e = src[i + 1];
  if (e === undefined) return { end: i + 1, literal: null };
  if (e === "n") return { end: i + 2, literal: 10 };
  if ((e === "p" || e === "P" || e === "u") && src[i + 2] === "{") {
    const close = src.indexOf("}", i + 3);
    return { end: close < 0 ? src.length : close + 1, literal: null };
  }
  if (e === "u") return { end: i + 6, literal: null };
  if (e === "x") return { end: i + 4, literal: null };
  if (e === "c") return { end: i + 3, literal: null };
  if (e === "k" && src[i + 2] === "<") {
    const close = src.indexOf(">", i + 3);
    return { end: close < 0 ? src.length : close + 1, literal: null };
  }
  // An escaped ASCII punctuation character stands for itself; letters and digits are classes,
  // assertions or back-references (\b, \s, \d, \1…).
  const c = e.charCodeAt(0);
  return { end: i + 2, literal: c < 128 && !/[A-Za-z0-9]/.test(e) ? c : null };
}

/** Where the class or group opening at `open` closes (escapes and nested classes respected), or -1. */
function closeOf(src: string, open: number): number {
  if (src[open] === "[") {
    for (let i = open + 1; i < src.length; i++) {
      if (src[i] === "\\") i++;
      else if (src[i] === "]") return i;
    }
    return -1;
  }
  let depth = 0;
  for (let i = open; i < src.length; i++) {
    const c = src[i];
    if (c === "\\") i++;
    else if (c === "[") {
      i = closeOf(src, i);
      if (i < 0) return -1;
    } else if (c === "(") depth++;
    else if (c === ")" && --depth === 0) return i;
  }
  return -1;
}

/**
 * A letter, digit or space says nothing (every text has them); other ASCII characters may be
 * absent. `_` is left out too: it is a word character, and mayMatch records only the others.
 */
const telling = (c: number): boolean => c < 128 && c !== 32 && !isWord(c);

/**
 * Per top-level alternative, the ASCII punctuation (and newlines) it cannot match without: the
 * literal characters outside every group and class, not made optional by `?`, `*` or `{0,…}`.
 * A match holds them, so a text lacking one of each alternative's cannot match. Null when some
 * alternative has none (or the source is not read with certainty): the pattern then always runs.
 * Case folding leaves punctuation alone, so the `i` flag changes nothing here.
 */
export function requiredChars(re: RegExp): number[][] | null {
  const bs = branches(re.source);
  if (!bs) return null;
  const out: number[][] = [];
  for (const b of bs) {
    const need: number[] = [];
    for (let i = 0; i < b.length; ) {
      const c = b[i];
      let end: number;
      let literal: number | null = null;
      if (c === "\\") ({ end, literal } = escapeAt(b, i));
      else if (c === "[" || c === "(") {
        const close = closeOf(b, i);
        if (close < 0) return null;
        end = close + 1;
      } else if (c === "{" || c === "}" || c === "]" || c === ")" || c === "?" || c === "*" || c === "+") return null;
      else {
        end = i + 1;
        if (c !== "^" && c !== "$" && c !== ".") literal = c.charCodeAt(0);
      }
      // The quantifier, if any: does it let the atom be absent?
      let optional = false;
      const q = b[end];
      if (q === "?" || q === "*") {
        optional = true;
        end++;
      } else if (q === "+") end++;
      else if (q === "{") {
        const m = /^\{(\d+)(?:,\d*)?\}/.exec(b.slice(end));
        if (!m) return null;
        optional = Number(m[1]) === 0;
        end += m[0].length;
      }
      if (b[end] === "?" && end > i + 1 && (q === "?" || q === "*" || q === "+" || q === "{")) end++; // lazy
      if (!optional && literal !== null && telling(literal)) need.push(literal);
      i = end;
    }
    if (need.length === 0) return null;
    out.push([...new Set(need)]);
  }
  return out;
}

export interface SignatureGate {
  /** Per pattern index: true when it may match `text` (ungated patterns always). */
  mayMatch(text: string): Uint8Array;
}

/** `patterns[i]` null: that pattern always runs (it reads another text than the gate does). */
export function buildSignatureGate(patterns: readonly (RegExp | null)[]): SignatureGate {
  const byWord = new Map<string, number[]>();
  const ungated: number[] = [];
  // Second, independent gate: the punctuation each pattern's alternatives need (requiredChars).
  const byChars: { i: number; need: number[][] }[] = [];
  patterns.forEach((re, i) => {
    const need = re && requiredChars(re);
    if (need) byChars.push({ i, need });
  });
  const present = new Uint8Array(128);
  patterns.forEach((re, i) => {
    const words = re && openingWords(re);
    if (!words) {
      ungated.push(i);
      return;
    }
    for (const w of new Set(words)) byWord.set(w, [...(byWord.get(w) ?? []), i]);
  });
  // First letter and length of every opening word: a token whose pair is absent is never sliced.
  const edges = new Set<number>();
  let maxLen = 0;
  for (const w of byWord.keys()) {
    edges.add((w.charCodeAt(0) << 8) | w.length);
    maxLen = Math.max(maxLen, w.length);
  }
  return {
    mayMatch(text: string): Uint8Array {
      const out = new Uint8Array(patterns.length);
      for (const i of ungated) out[i] = 1;
      present.fill(0);
      const n = text.length;
      for (let i = 0; i < n; ) {
        const c = text.charCodeAt(i);
        if (!isWord(c)) {
          if (c < 128) present[c] = 1;
          i++;
          continue;
        }
        let j = i + 1;
        while (j < n && isWord(text.charCodeAt(j))) j++;
        const len = j - i;
        if (len <= maxLen && edges.has((text.charCodeAt(i) << 8) | len)) {
          const hit = byWord.get(text.slice(i, j));
          if (hit) for (const k of hit) out[k] = 1;
        }
        i = j;
      }
      for (const { i, need } of byChars) {
        if (out[i] === 0) continue;
        if (!need.some((alt) => alt.every((c) => present[c] === 1))) out[i] = 0;
      }
      return out;
    },
  };
}
