import type { ConflictKind } from "../types.js";

/**
 * Value slots of a sentence: the numbers, dates, times, amounts, percentages and versions it states,
 * each with a normalised form (so "March 1, 2024" and "2024-03-01", or "five" and "5", compare
 * equal), and the sentence's words with every value masked by its kind. Pure and linear: every
 * pattern is anchored on a digit, a currency sign or a month or number word (no backtracking runs).
 */

export interface Slot {
  kind: ConflictKind;
  /** As written. */
  raw: string;
  /** Normalised: what two slots are compared on. */
  norm: string;
  /** Index of the slot's placeholder in `tokens`. */
  at: number;
}

export interface SentenceValues {
  text: string;
  /** Lower-cased words; a value is its placeholder `<kind>`. */
  tokens: string[];
  /** The words as written (same indexes as `tokens`), for telling names from common words. */
  original: string[];
  slots: Slot[];
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const MONTH = "(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?";
const WORD_NUMBERS: Record<string, number> = {
  two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12, fifteen: 15,
  twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, ninety: 90, hundred: 100,
};
const CURRENCY: Record<string, string> = { "$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", usd: "USD", eur: "EUR", gbp: "GBP", dollars: "USD", dollar: "USD", euros: "EUR", euro: "EUR", pounds: "GBP" };
const SCALE: Record<string, number> = { k: 1e3, thousand: 1e3, m: 1e6, million: 1e6, bn: 1e9, billion: 1e9 };
const NUM = "\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?|\\d+(?:\\.\\d+)?";
// Not inside an identifier (ERR-4021, X200, a.b.c): no letter, digit, '-', '.', '/' or ':' right before.
const B = "(?<![\\p{L}\\p{N}\\-./:_])";
const E = "(?![\\p{L}\\p{N}_]|[.,:/]\\d)";

/** Tried in order at each position: the first that matches wins, so dates and amounts beat their numbers. */
const PATTERNS: { kind: ConflictKind; re: RegExp; norm: (m: RegExpExecArray) => string }[] = [
  { kind: "date", re: new RegExp(`${B}(\\d{4})-(\\d{2})-(\\d{2})${E}`, "uy"), norm: (m) => `${m[1]}-${m[2]}-${m[3]}` },
  { kind: "date", re: new RegExp(`${B}(${MONTH})\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})${E}`, "iuy"), norm: (m) => ymd(m[3], month(m[1]), m[2]) },
  { kind: "date", re: new RegExp(`${B}(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:of\\s+)?(${MONTH}),?\\s+(\\d{4})${E}`, "iuy"), norm: (m) => ymd(m[3], month(m[2]), m[1]) },
  { kind: "date", re: new RegExp(`${B}(\\d{1,2})/(\\d{1,2})/(\\d{4}|\\d{2})${E}`, "uy"), norm: (m) => ymd(m[3].length === 2 ? `20${m[3]}` : m[3], Number(m[1]), m[2]) },
  { kind: "date", re: new RegExp(`${B}(${MONTH})\\s+(\\d{4})${E}`, "iuy"), norm: (m) => `${m[2]}-${pad(month(m[1]))}` },
  { kind: "date", re: new RegExp(`${B}(${MONTH})\\s+(\\d{1,2})(?:st|nd|rd|th)?${E}`, "iuy"), norm: (m) => `--${pad(month(m[1]))}-${pad(Number(m[2]))}` },
  { kind: "time", re: new RegExp(`${B}(\\d{1,2})(?::(\\d{2}))?\\s?([ap])\\.?m\\.?(?![\\p{L}])`, "iuy"), norm: (m) => hm((Number(m[1]) % 12) + (m[3].toLowerCase() === "p" ? 12 : 0), m[2]) },
  { kind: "time", re: new RegExp(`${B}(\\d{1,2}):(\\d{2})${E}`, "uy"), norm: (m) => hm(Number(m[1]), m[2]) },
  { kind: "version", re: new RegExp(`${B}(?:version\\s+|v)(\\d+(?:\\.\\d+)*)${E}`, "iuy"), norm: (m) => version(m[1]) },
  { kind: "version", re: new RegExp(`${B}(\\d+\\.\\d+\\.\\d+(?:\\.\\d+)*)${E}`, "uy"), norm: (m) => version(m[1]) },
  { kind: "amount", re: new RegExp(`([$€£¥])\\s?(${NUM})(?:\\s?(k|m|bn|thousand|million|billion)${E})?`, "iuy"), norm: (m) => `${CURRENCY[m[1]]} ${num(m[2], m[3])}` },
  { kind: "amount", re: new RegExp(`${B}(${NUM})(?:\\s?(k|m|bn|thousand|million|billion))?\\s?(usd|eur|gbp|dollars?|euros?|pounds)(?![\\p{L}])`, "iuy"), norm: (m) => `${CURRENCY[m[3].toLowerCase()]} ${num(m[1], m[2])}` },
  { kind: "percent", re: new RegExp(`${B}(${NUM})\\s?(?:%|percent\\b|per cent\\b)`, "iuy"), norm: (m) => num(m[1]) },
  { kind: "date", re: new RegExp(`${B}((?:19|20)\\d{2})${E}`, "uy"), norm: (m) => m[1] },
  { kind: "number", re: new RegExp(`${B}(${NUM})(?:\\s?(thousand|million|billion)(?![\\p{L}]))?(?![\\p{L}\\p{N}_]|[.,:/]\\d)`, "iuy"), norm: (m) => num(m[1], m[2]) },
  { kind: "number", re: new RegExp(`${B}(${Object.keys(WORD_NUMBERS).join("|")})(?![\\p{L}])`, "iuy"), norm: (m) => String(WORD_NUMBERS[m[1].toLowerCase()]) },
];

const WORD = /[\p{L}\p{N}]+(?:[-_'][\p{L}\p{N}]+)*/uy;

/** The sentence's words and value slots, left to right. */
export function valuesOf(text: string): SentenceValues {
  const tokens: string[] = [];
  const original: string[] = [];
  const slots: Slot[] = [];
  let i = 0;
  while (i < text.length) {
    const m = slotAt(text, i);
    if (m) {
      slots.push({ kind: m.kind, raw: m.raw, norm: m.norm, at: tokens.length });
      tokens.push(`<${m.kind}>`);
      original.push(m.raw);
      i += m.raw.length;
      continue;
    }
    WORD.lastIndex = i;
    const w = WORD.exec(text);
    if (w && !/[\p{L}\p{N}]/u.test(text[i - 1] ?? "")) {
      tokens.push(w[0].normalize("NFKC").toLowerCase());
      original.push(w[0]);
      i += w[0].length;
      continue;
    }
    i++;
  }
  return { text, tokens, original, slots };
}

function slotAt(text: string, i: number): { kind: ConflictKind; raw: string; norm: string } | null {
  const c = text[i];
  // Cheap gate: every pattern starts at a digit, a currency sign, or a letter (month, number word, `v`, `version`).
  if (!/[\p{N}$€£¥\p{L}]/u.test(c)) return null;
  if (/\p{L}/u.test(text[i - 1] ?? "") || /\p{N}/u.test(text[i - 1] ?? "")) return null;
  for (const p of PATTERNS) {
    p.re.lastIndex = i;
    const m = p.re.exec(text);
    if (m) return { kind: p.kind, raw: m[0].trim(), norm: p.norm(m) };
  }
  return null;
}

const pad = (n: number): string => String(n).padStart(2, "0");
const month = (s: string): number => MONTHS.indexOf(s.slice(0, 3).toLowerCase()) + 1;
const ymd = (y: string, mo: number, d: string): string => `${y}-${pad(mo)}-${pad(Number(d))}`;
const hm = (h: number, m: string | undefined): string => `${pad(h)}:${m ?? "00"}`;
const version = (v: string): string => v.replace(/(?:\.0+)+$/, "");
function num(digits: string, scale?: string): string {
  const n = Number(digits.replace(/,/g, "")) * (scale ? SCALE[scale.toLowerCase()] ?? 1 : 1);
  return String(Math.round(n * 1e6) / 1e6);
}

/** Sentences of a passage: split after `.`, `!`, `?` (and CJK forms) followed by space, and at line breaks. */
export function sentencesOf(text: string): string[] {
  return text.split(/(?<=[.!?。！？])\s+|\n+/u).map((s) => s.trim()).filter((s) => s.length > 0);
}
