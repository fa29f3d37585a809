/**
 * Normalisation before any matching: attackers hide the same words behind invisible characters,
 * look-alike letters, digits and odd spacing. Everything downstream (signatures, classifier,
 * directive detection) reads `NormalizedText.folded`, so one fold here covers every detector.
 *
 * Order matters: invisible characters are removed before NFKC (so a zero-width joiner cannot split
 * a compatibility sequence), case is folded before homoglyphs (the map holds lower case only), and
 * leetspeak is folded before typoglycemia (so "1gn0r3" and "ignroe" both reach the same key).
 */
import { pattern } from "../regex-registry.js";
import { descramble, type Descrambler } from "./typoglycemia.js";

export interface ObfuscationFlags {
  /** Zero-width and other default-ignorable characters removed. */
  invisible: number;
  /** Unicode tag characters (U+E0000–E007F): text invisible to people but read by models. */
  tags: number;
  /** Bidirectional overrides and isolates (U+202A–202E, U+2066–2069). */
  bidi: number;
  /** Words mixing Latin with Cyrillic or Greek letters. */
  mixedScript: number;
  /** Tokens where digits or symbols stood for letters. */
  leet: number;
  /** Words spelled out with separators ("i g n o r e"). */
  spaced: number;
  /** Words restored from a scrambled spelling. */
  scrambled: number;
}

export interface NormalizedText {
  /** NFKC with invisible characters removed, case kept: what a person sees. */
  original: string;
  /** Lower-case, NFKC, invisible characters removed, diacritics stripped, homoglyphs folded; punctuation kept. */
  plain: string;
  /** `plain` with leetspeak, spaced-out letters and scrambled words restored. */
  folded: string;
  /** ASCII smuggled in Unicode tag characters or variation-selector runs, if any (readable to a model). */
  smuggled: string;
  flags: ObfuscationFlags;
}

// Default-ignorable code points that render as nothing: ZW space/joiners, word joiner and invisible
// operators, BOM, soft hyphen, Mongolian vowel separator, Hangul fillers, variation selectors.
const INVISIBLE = /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u2060-\u2064\u206A-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0]|\uDB40[\uDD00-\uDDEF]/g;
const BIDI = /[\u202A-\u202E\u2066-\u2069]/g;
// Tag characters live in plane 14: U+E0000–E007F is the surrogate pair \uDB40 \uDC00–\uDC7F.
const TAG = /\uDB40[\uDC00-\uDC7F]/g;
// Three or more variation selectors in a row (the BMP block and the supplement in plane 14); a
// run of the emoji selectors alone (U+FE0E/FE0F repeated by a careless editor) does not count.
export const SELECTOR_RUN = /[\uFE00-\uFE0F\u{E0100}-\u{E01EF}]{3,}/gu;
export const EMOJI_SELECTORS = /^[\uFE0E\uFE0F]+$/;
const COMBINING = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g;

/** Cyrillic and Greek letters that look like Latin ones (lower case; applied after toLowerCase). */
const HOMOGLYPHS: Readonly<Record<string, string>> = {
  а: "a", в: "b", с: "c", ԁ: "d", е: "e", ё: "e", һ: "h", н: "h", і: "i", ї: "i", ј: "j", к: "k", ӏ: "l", м: "m",
  о: "o", р: "p", ԛ: "q", ѕ: "s", т: "t", у: "y", ү: "y", х: "x", ѡ: "w", ԝ: "w", г: "r", п: "n", ь: "b",
  α: "a", β: "b", ϲ: "c", ε: "e", η: "n", ι: "i", κ: "k", ν: "v", ο: "o", ρ: "p", τ: "t", υ: "u", χ: "x", γ: "y",
  ω: "w", ɡ: "g", ɑ: "a", ı: "i", ȷ: "j", ℓ: "l",
};
const HOMOGLYPH_RE = pattern("normalize.homoglyph", `[${Object.keys(HOMOGLYPHS).join("")}]`, "g");
const LATIN = /[a-z]/;
const CYR_GREEK = /[\u0370-\u03ff\u0400-\u04ff\u0500-\u052f]/;

const LEET: Readonly<Record<string, string>> = { "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g", "@": "a", "$": "s", "!": "i" };
// A run of letters, digits and leet symbols; folded only when it mixes letters and leet characters.
// The pattern matches only whole runs that hold a leet character (a digit, @, $ or a "!" between
// letters), so plain words never reach the callback; the lookbehind starts it at a run's start.
const LEET_TOKEN = /(?<![a-z0-9@$!])[a-z0-9@$!]*(?:[013457@$]|[a-z]![a-z])[a-z0-9@$!]*/g;
const HAS_LETTER = /[a-z]/;
const HAS_LEET = /[013457@$]|[a-z]![a-z]/;

// Four or more single letters joined by one separator: "i g n o r e", "i.g.n.o.r.e", "i-g-n-o-r-e".
const SPACED = /\b[a-z](?:([ ._\-*/])[a-z]){3,}\b/g;

// Every character the three patterns below remove lies above U+007F.
const NON_ASCII = /[^\x00-\x7f]/;

export interface Stripped {
  readonly text: string;
  readonly invisible: number;
  readonly tags: number;
  readonly bidi: number;
  /**
   * Runs of three or more variation selectors (U+FE00–FE0F, U+E0100–E01EF), not all emoji
   * selectors. A variation sequence is one base character and one selector; selectors side by
   * side select nothing and can only be carrying bytes ("emoji smuggling": one byte per selector
   * after a visible character).
   */
  readonly selectorRuns: number;
  readonly smuggled: string;
}

// The last text stripped and its result: the injection scanners' normalisation and the
// invisible-text scanner strip the same message one after the other (the same string object,
// so the comparison is a pointer test). Callers only read the result. Texts up to 64 KB only:
// the memo holds one text past its request.
const MEMO_MAX_CHARS = 65_536;
let lastRaw: string | undefined;
let lastStripped: Stripped | undefined;

export function stripInvisible(text: string): Stripped {
  // Plain ASCII (most prompts) holds none of them: one scan instead of three replaces.
  if (!NON_ASCII.test(text)) return { text, invisible: 0, tags: 0, bidi: 0, selectorRuns: 0, smuggled: "" };
  if (text === lastRaw && lastStripped) return lastStripped;
  let invisible = 0;
  let tags = 0;
  let bidi = 0;
  let smuggled = "";
  let out = text.replace(TAG, (m) => {
    tags++;
    const cp = m.codePointAt(0)! - 0xe0000;
    if (cp >= 0x20 && cp < 0x7f) smuggled += String.fromCharCode(cp);
    return "";
  });
  let selectorRuns = 0;
  SELECTOR_RUN.lastIndex = 0;
  for (let m = SELECTOR_RUN.exec(out); m !== null; m = SELECTOR_RUN.exec(out)) {
    if (EMOJI_SELECTORS.test(m[0])) continue;
    selectorRuns++;
    const bytes = selectorBytes(m[0]);
    if (bytes !== "") smuggled += (smuggled === "" ? "" : " ") + bytes;
  }
  out = out.replace(BIDI, () => (bidi++, ""));
  out = out.replace(INVISIBLE, () => (invisible++, ""));
  const r: Stripped = { text: out, invisible, tags, bidi, selectorRuns, smuggled };
  if (text.length <= MEMO_MAX_CHARS) {
    lastRaw = text;
    lastStripped = r;
  }
  return r;
}

/**
 * The bytes a run of variation selectors carries, as text when they read as printable ASCII.
 * Two mappings are in use: the common one (U+FE00+b for b < 16, U+E0100+(b−16) above) and one
 * that maps U+E0100+b straight to b; the one giving more letters and spaces wins.
 */
function selectorBytes(run: string): string {
  let a = "";
  let b = "";
  for (const ch of run) {
    const cp = ch.codePointAt(0)!;
    const v = cp < 0x10000 ? cp - 0xfe00 : cp - 0xe0100 + 16;
    a += String.fromCharCode(v);
    b += String.fromCharCode(cp < 0x10000 ? v : v - 16);
  }
  const readable = (s: string): number => s.replace(/[^A-Za-z ]/g, "").length;
  const best = readable(b) > readable(a) ? b : a;
  return /^[\x20-\x7e]+$/.test(best) ? best : "";
}

export function foldHomoglyphs(lower: string): { text: string; mixedScript: number } {
  if (!CYR_GREEK.test(lower)) return { text: lower, mixedScript: 0 };
  let mixedScript = 0;
  const text = lower.replace(/[\p{L}\p{N}]+/gu, (word) => {
    if (!CYR_GREEK.test(word)) return word;
    if (LATIN.test(word)) mixedScript++;
    return word.replace(HOMOGLYPH_RE, (c) => HOMOGLYPHS[c] ?? c);
  });
  return { text, mixedScript };
}

// Every LEET_TOKEN match holds one of these: a text without any has nothing to fold.
const LEET_CHAR = /[013457@$!]/;

export function foldLeet(text: string): { text: string; leet: number } {
  if (!LEET_CHAR.test(text)) return { text, leet: 0 };
  let leet = 0;
  const out = text.replace(LEET_TOKEN, (tok) => {
    if (!HAS_LETTER.test(tok) || !HAS_LEET.test(tok)) return tok;
    // Trailing "!" is punctuation, not a letter: keep it.
    const trail = /!+$/.exec(tok)?.[0] ?? "";
    const core = trail ? tok.slice(0, -trail.length) : tok;
    leet++;
    return core.replace(/[0134579@$!8]/g, (c) => LEET[c] ?? c) + trail;
  });
  return { text: out, leet };
}

export function joinSpacedLetters(text: string): { text: string; spaced: number } {
  let spaced = 0;
  const out = text.replace(SPACED, (m, sep: string) => {
    // "a b c d" written as a list of options is rare in prose but does occur; needs ≥ 4 letters.
    spaced++;
    return m.split(sep).join("");
  });
  return { text: out, spaced };
}

/**
 * The full fold. `descrambler` restores typoglycemia against a vocabulary (the classifier's, plus
 * the signature keywords); pass null to skip that step.
 */
export function normalize(raw: string, descrambler: Descrambler | null): NormalizedText {
  const inv = stripInvisible(raw);
  // NFKC, NFD and the homoglyph fold change nothing in ASCII: one test skips the three passes.
  const ascii = !NON_ASCII.test(inv.text);
  const original = ascii ? inv.text : inv.text.normalize("NFKC");
  let t = original.toLowerCase();
  // Strip diacritics only where present: NFD on pure ASCII is a wasted pass.
  if (!ascii && NON_ASCII.test(t)) t = t.normalize("NFD").replace(COMBINING, "").normalize("NFC");
  const hg = ascii ? { text: t, mixedScript: 0 } : foldHomoglyphs(t);
  const plain = hg.text;
  const lt = foldLeet(plain);
  const sp = joinSpacedLetters(lt.text);
  const ds = descrambler ? descramble(sp.text, descrambler) : { text: sp.text, restored: 0 };
  return {
    original,
    plain,
    folded: ds.text,
    smuggled: inv.smuggled,
    flags: {
      invisible: inv.invisible,
      tags: inv.tags,
      bidi: inv.bidi,
      mixedScript: hg.mixedScript,
      leet: lt.leet,
      spaced: sp.spaced,
      scrambled: ds.restored,
    },
  };
}
