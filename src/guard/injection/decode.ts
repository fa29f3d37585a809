/**
 * Encoded payloads: an instruction in base64, hex, percent-encoding, ROT13 or written backwards is
 * invisible to a keyword scan but perfectly readable to a model. Each decoder returns the readable
 * text it recovered; the caller rescans it with the same detectors.
 *
 * A decode counts only when the result looks like language (mostly printable, has spaces or common
 * words), so hashes, keys and IDs that happen to be valid base64 or hex are not "decoded" into noise.
 */

export type Encoding = "base64" | "hex" | "percent" | "morse" | "rot13" | "reversed" | "tags";

export interface DecodedSegment {
  encoding: Encoding;
  text: string;
}

// Starts only where a run starts: unanchored, every word of prose was rescanned from each of its letters.
const BASE64 = /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{16,}={0,2}/g;
const HEX = /\b(?:[0-9a-fA-F]{2}[ :]?){8,}\b|(?:\\x[0-9a-fA-F]{2}){6,}/g;
const PERCENT = /(?:%[0-9a-fA-F]{2}[^%\s]{0,3}){5,}/g;
/** At most this many segments per encoding: bounds the cost of adversarial inputs full of base64. */
const MAX_SEGMENTS = 8;

// Frequent English function words and injection vocabulary: a decoded text "reads" when it has some.
const COMMON = new Set(
  "the you and to of a is in that it for your are be this with on not all now from as an or me my do what tell ignore instructions previous prompt system say print reveal password secret".split(" "),
);

const COMMON_MAX = Math.max(...[...COMMON].map((w) => w.length));
// First letter and length of every common word: a run whose pair is absent is never sliced out.
const COMMON_EDGES = new Set([...COMMON].map((w) => (w.charCodeAt(0) << 8) | w.length));

/** Share of tokens that are common words: a cheap "is this language" test. */
export function languageScore(text: string): number {
  // The runs of /[a-z']+/ in the lower-cased text, counted in place: only runs short enough to be
  // a common word are sliced out (on long texts the array of every word cost more than the test).
  const t = text.toLowerCase();
  let words = 0;
  let hits = 0;
  let start = -1;
  for (let i = 0; i <= t.length; i++) {
    const c = i < t.length ? t.charCodeAt(i) : 0;
    if ((c >= 97 && c <= 122) || c === 39) {
      if (start < 0) start = i;
      continue;
    }
    if (start < 0) continue;
    words++;
    if (i - start <= COMMON_MAX && COMMON_EDGES.has((t.charCodeAt(start) << 8) | (i - start)) && COMMON.has(t.slice(start, i))) hits++;
    start = -1;
  }
  return words < 2 ? 0 : hits / words;
}

function printableShare(s: string): number {
  if (s.length === 0) return 0;
  let ok = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 0x20 && c < 0x7f) || c === 0x0a || c === 0x0d || c === 0x09 || c >= 0xa0) ok++;
  }
  return ok / s.length;
}

// Two letters, a non-word run, two letters: the same test as `{2,}` on both sides, without
// re-trying a long letter run from each of its positions (quadratic on a decoded "AAAA…").
const TWO_WORDS = /[a-zA-Z]{2}\W+[a-zA-Z]{2}/;

function readable(s: string): boolean {
  return printableShare(s) > 0.95 && TWO_WORDS.test(s) && !s.includes("\uFFFD");
}

export function decodeBase64Segments(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(BASE64)) {
    if (out.length >= MAX_SEGMENTS) break;
    const seg = m[0];
    // Base64 of prose mixes cases; an all-lower or all-upper run is a word, identifier or hash.
    if (!/[a-z]/.test(seg) || !/[A-Z]/.test(seg)) continue;
    const s = Buffer.from(seg.replace(/-/g, "+").replace(/_/g, "/"), "base64").toString("utf8");
    if (readable(s)) out.push(s);
  }
  return out;
}

export function decodeHexSegments(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(HEX)) {
    if (out.length >= MAX_SEGMENTS) break;
    const hex = m[0].replace(/\\x|[ :]/g, "");
    if (hex.length % 2 !== 0) continue;
    const s = Buffer.from(hex, "hex").toString("utf8");
    if (readable(s)) out.push(s);
  }
  return out;
}

export function decodePercentSegments(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(PERCENT)) {
    if (out.length >= MAX_SEGMENTS) break;
    try {
      const s = decodeURIComponent(m[0]);
      if (readable(s)) out.push(s);
    } catch {
      // Malformed escapes are not an encoding we can read; neither can the model, reliably.
    }
  }
  return out;
}

const MORSE: Readonly<Record<string, string>> = {
  ".-": "a", "-...": "b", "-.-.": "c", "-..": "d", ".": "e", "..-.": "f", "--.": "g", "....": "h", "..": "i", ".---": "j",
  "-.-": "k", ".-..": "l", "--": "m", "-.": "n", "---": "o", ".--.": "p", "--.-": "q", ".-.": "r", "...": "s", "-": "t",
  "..-": "u", "...-": "v", ".--": "w", "-..-": "x", "-.--": "y", "--..": "z", "-----": "0", ".----": "1", "..---": "2",
  "...--": "3", "....-": "4", ".....": "5", "-....": "6", "--...": "7", "---..": "8", "----.": "9", ".-.-.-": ".", "--..--": ",", "..--..": "?",
};
const MORSE_RUN = /(?:[.-]{1,6}(?: {1,3}| ?\/ ?)){6,}[.-]{1,6}/g;

/** Morse code: letters split by one space, words by two or more spaces or a slash. */
export function decodeMorseSegments(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(MORSE_RUN)) {
    if (out.length >= MAX_SEGMENTS) break;
    const words = m[0].trim().split(/ {2,}| ?\/ ?/);
    const s = words.map((w) => w.split(" ").map((c) => MORSE[c] ?? "").join("")).join(" ");
    if (readable(s)) out.push(s);
  }
  return out;
}

/** ROT13 of ASCII letters; a code-unit loop (a replace callback per letter cost 10x more on long texts). */
/** ROT13 of ASCII letters; a code-unit loop (a replace callback per letter cost 10x more on long texts). */
export function rot13(text: string): string {
  const out = Buffer.allocUnsafe(2 * text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    put(out, i, c >= 65 && c <= 90 ? ((c - 52) % 26) + 65 : c >= 97 && c <= 122 ? ((c - 84) % 26) + 97 : c);
  }
  return out.toString("utf16le");
}

/** The text reversed by code point (surrogate pairs kept in order), as `[...text].reverse().join("")`. */
export function reverseText(text: string): string {
  const n = text.length;
  const out = Buffer.allocUnsafe(2 * n);
  let o = 0;
  for (let i = n - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff && i > 0) {
      const h = text.charCodeAt(i - 1);
      if (h >= 0xd800 && h <= 0xdbff) {
        put(out, o++, h);
        put(out, o++, c);
        i--;
        continue;
      }
    }
    put(out, o++, c);
  }
  return out.toString("utf16le");
}

/** One UTF-16 code unit, little-endian whatever the machine (utf16le decoding keeps lone surrogates). */
function put(b: Buffer, i: number, c: number): void {
  b[2 * i] = c & 0xff;
  b[2 * i + 1] = c >>> 8;
}

/**
 * Whole-text transforms (ROT13, reversal) are kept only when they read clearly better than the
 * original: ordinary prose scores ~0.3–0.5 and its ROT13 near 0.
 */
function betterReading(originalScore: number, transformed: string): boolean {
  const after = languageScore(transformed);
  return after >= 0.2 && after > 2 * originalScore + 0.05;
}

/**
 * The longest runs of base64 characters and of hex digits, spaces and colons: a BASE64 match is
 * a run of 16 or more of the first, a HEX match without `\x` one of 16 or more of the second.
 * One pass, so that text without such a run (most prose) skips both patterns.
 */
function longestRuns(text: string): { base64: number; hex: number } {
  let base64 = 0;
  let hex = 0;
  let b = 0;
  let h = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const digit = c >= 48 && c <= 57;
    const lower = c >= 97 && c <= 122;
    const upper = c >= 65 && c <= 90;
    if (digit || lower || upper || c === 43 || c === 47 || c === 95 || c === 45) {
      if (++b > base64) base64 = b;
    } else b = 0;
    if (digit || (c >= 97 && c <= 102) || (c >= 65 && c <= 70) || c === 32 || c === 58) {
      if (++h > hex) hex = h;
    } else h = 0;
  }
  return { base64, hex };
}

export function decodeSegments(text: string): DecodedSegment[] {
  const out: DecodedSegment[] = [];
  const runs = longestRuns(text);
  if (runs.base64 >= 16) for (const s of decodeBase64Segments(text)) out.push({ encoding: "base64", text: s });
  if (runs.hex >= 16 || text.includes("\\x")) for (const s of decodeHexSegments(text)) out.push({ encoding: "hex", text: s });
  if (text.includes(".-") || text.includes("-.")) for (const s of decodeMorseSegments(text)) out.push({ encoding: "morse", text: s });
  if (text.includes("%")) for (const s of decodePercentSegments(text)) out.push({ encoding: "percent", text: s });
  // Text that already reads as English cannot read twice as well transformed: skip the two passes.
  // The original's score is computed once for both comparisons (it was read three times).
  const score = /[a-zA-Z]{3}/.test(text) ? languageScore(text) : 1;
  if (score < 0.2) {
    const r = rot13(text);
    if (betterReading(score, r)) out.push({ encoding: "rot13", text: r });
    const rev = reverseText(text);
    if (betterReading(score, rev)) out.push({ encoding: "reversed", text: rev });
  }
  return out;
}
