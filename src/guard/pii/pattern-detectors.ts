import { isIPv4, isIPv6 } from "node:net";
import { dniValid, ibanValid, luhnValid, sinValid, ssnPlausible } from "./checksums.js";
import { pattern } from "../regex-registry.js";
import { cueBefore, type Entity } from "./entity.js";

/**
 * Shape + validator detectors for structured PII. Each is a pure function over the text; every
 * regex is linear (bounded repetitions, no nested quantifiers over the same characters), so a
 * hostile 1 MB prompt costs one pass per detector.
 */
export type Detector = (text: string) => Entity[];

const digitsOf = (s: string): string => s.replace(/\D/g, "");

const EMAIL_RE = /(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,8}[A-Za-z]{2,24}(?![\w-])/g;

export const detectEmails: Detector = (text) => {
  const out: Entity[] = [];
  // No "@", no address: one indexOf instead of a scan that tries every word start.
  if (!text.includes("@")) return out;
  for (const m of text.matchAll(EMAIL_RE)) out.push({ type: "EMAIL", start: m.index, end: m.index + m[0].length, score: 0.95 });
  return out;
};

// 12–19 digits, optionally grouped by single spaces or dashes (4-4-4-4, 4-6-5, …).
const CARD_RE = /(?<![\d-])\d(?:[ -]?\d){11,18}(?![\d])/g;
const CARD_CUE = /\b(?:card|cc|visa|master ?card|amex|american express|discover|maestro|jcb|diners|credit|debit)\b/i;

export const detectCards: Detector = (text) => {
  const out: Entity[] = [];
  for (const m of text.matchAll(CARD_RE)) {
    const d = digitsOf(m[0]);
    if (!luhnValid(d) || /^(\d)\1+$/.test(d)) continue;
    const cue = cueBefore(text, m.index, CARD_CUE, 40);
    // 13–19 digits with a valid Luhn digit are one in ten by chance: a known issuer prefix or a cue lifts it.
    const issuer = /^(?:4|5[1-5]|2[2-7]|3[47]|3[068]|6(?:011|5|4[4-9]|2)|35|50|5[6-8]|21|18)/.test(d);
    if (d.length < 13 && !cue) continue;
    const score = cue ? 0.95 : issuer ? 0.85 : 0.6;
    out.push({ type: "CREDIT_CARD", start: m.index, end: m.index + m[0].length, score });
  }
  return out;
};

const IBAN_RE = /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}(?![A-Za-z0-9])/g;

export const detectIbans: Detector = (text) => {
  const out: Entity[] = [];
  for (const m of text.matchAll(IBAN_RE)) {
    // A trailing word separated by a space may have been swallowed: shrink to the longest valid prefix.
    let s = m[0];
    while (s.length >= 15) {
      if (ibanValid(s.replace(/ /g, ""))) {
        out.push({ type: "IBAN", start: m.index, end: m.index + s.length, score: 0.95 });
        break;
      }
      const cut = s.lastIndexOf(" ");
      if (cut < 0) break;
      s = s.slice(0, cut);
    }
  }
  return out;
};

const SSN_RE = /(?<![\d-])(\d{3})([- ]?)(\d{2})\2(\d{4})(?![\d-])/g;
const SSN_CUE = /\b(?:ssn|ss#|social security|social sec|soc\.? sec|taxpayer|tin|itin)\b/i;
const SIN_CUE = /\b(?:sin|social insurance)\b/i;
const ID_CUE = /\b(?:id|identity|national|number|no\.?)\b/i;

export const detectNationalIds: Detector = (text) => {
  const out: Entity[] = [];
  for (const m of text.matchAll(SSN_RE)) {
    const [, area, sep, group, serial] = m;
    const start = m.index;
    const end = start + m[0].length;
    const digits = area + group + serial;
    if (SIN_CUE.test(text.slice(Math.max(0, start - 40), start)) && sinValid(digits)) {
      out.push({ type: "CA_SIN", start, end, score: 0.95 });
      continue;
    }
    if (!ssnPlausible(area, group, serial)) continue;
    const cue = cueBefore(text, start, SSN_CUE, 50);
    // Bare nine digits are too common (order numbers) to call an SSN without a cue.
    if (sep === "" && !cue) continue;
    out.push({ type: "US_SSN", start, end, score: cue ? 0.95 : sep === "-" ? 0.75 : 0.5 });
  }
  // Canadian SIN written 3-3-3.
  for (const m of text.matchAll(/(?<![\d-])(\d{3})([- ])(\d{3})\2(\d{3})(?![\d-])/g)) {
    const d = m[1] + m[3] + m[4];
    if (!sinValid(d)) continue;
    const cue = cueBefore(text, m.index, SIN_CUE, 50);
    if (cue || cueBefore(text, m.index, ID_CUE, 30)) out.push({ type: "CA_SIN", start: m.index, end: m.index + m[0].length, score: cue ? 0.95 : 0.7 });
  }
  // UK National Insurance number: two prefix letters (some pairs never issued), six digits, suffix A–D.
  for (const m of text.matchAll(/(?<![A-Za-z0-9])(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D](?![A-Za-z0-9])/g)) {
    out.push({ type: "UK_NINO", start: m.index, end: m.index + m[0].length, score: 0.9 });
  }
  // Spanish DNI / NIE with its check letter.
  for (const m of text.matchAll(/(?<![A-Za-z0-9])[XYZ]?\d{7,8}-?[A-Z](?![A-Za-z0-9])/g)) {
    if (dniValid(m[0].replace("-", ""))) out.push({ type: "ES_DNI", start: m.index, end: m.index + m[0].length, score: 0.85 });
  }
  return out;
};

const IPV4_RE = /(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.]|\.\d)/g;
// Candidate IPv6: hex groups and colons, validated by node:net. At least two colons.
const IPV6_RE = /(?<![0-9A-Fa-f:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?:(?<=:)(?:\d{1,3}\.){3}\d{1,3})?(?![0-9A-Fa-f:])/g;
const VERSION_CUE = /\b(?:v|version|ver\.?|release|build)\s*$/i;

export const detectIps: Detector = (text) => {
  const out: Entity[] = [];
  for (const m of text.matchAll(IPV4_RE)) {
    if (!isIPv4(m[0]) || VERSION_CUE.test(text.slice(Math.max(0, m.index - 12), m.index))) continue;
    out.push({ type: "IP_ADDRESS", start: m.index, end: m.index + m[0].length, score: m[0].startsWith("0.") ? 0.5 : 0.85 });
  }
  // Every IPv6 candidate holds two colons.
  if (!text.includes(":")) return out;
  for (const m of text.matchAll(IPV6_RE)) {
    const v = m[0];
    // "12:30:45" is a time, "::" alone says nothing: want at least three hex groups, one with a letter or 3+ digits.
    if (!isIPv6(v) || v.split(":").filter(Boolean).length < 3 || !/[A-Fa-f]|\d{3}/.test(v)) continue;
    out.push({ type: "IP_ADDRESS", start: m.index, end: m.index + v.length, score: 0.85 });
  }
  return out;
};

const PHONE_CUE = /\b(?:phone|tel|telephone|mobile|cell|fax|call|text|sms|whats ?app|desk|office|landline|contact|reach|dial|number|ring|messages? to|registered|answering)\b[^\d\n]{0,20}\n?[^\d\n]{0,4}$/i;
const PHONE_CUE_AFTER = /^[ \t]*(?:[-(,][ \t]*)?(?:office|mobile|cell|fax|home|work|desk|phone|tel)\b/i;
// A leading +CC or (area), then digit groups split by space, dot, dash or "(0)"; 7–15 digits in all.
const PHONE_RE = /(?<![\w+.-])(?:\+\d{1,3}[ .-]?(?:\(0\)[ .-]?)?|\(\d{2,5}\)[ .-]?|0{1,2}\d?[ .-]?)?\d{1,14}(?:[ .-]\d{1,8}){0,5}(?:[ \t]?(?:x|ext\.?)[ \t]?\d{1,5})?(?![\w-]|\.\d)/g;

export const detectPhones: Detector = (text) => {
  const out: Entity[] = [];
  for (const m of text.matchAll(PHONE_RE)) {
    const s = m[0].trimEnd();
    const d = digitsOf(s.replace(/[ \t]?(?:x|ext\.?)[ \t]?\d+$/i, ""));
    if (d.length < 7 || d.length > 15) continue;
    const plus = s.startsWith("+");
    const nanp = /^(?:\+?1[ .-]?)?(?:\(\d{3}\)|\d{3})[ .-]?\d{3}[ .-]\d{4}$/.test(s);
    const grouped = /[ .-]/.test(s.replace(/^\+\d{1,3}/, ""));
    const cue = PHONE_CUE.test(text.slice(Math.max(0, m.index - 40), m.index)) || PHONE_CUE_AFTER.test(text.slice(m.index + s.length, m.index + s.length + 12));
    // Shapes that are usually something else: dates, times, decimals, money, versions.
    if (/^\d{4}[-./]\d{1,2}[-./]\d{1,2}$|^\d{1,2}[-./]\d{1,2}[-./]\d{2,4}$/.test(s)) continue;
    let score: number;
    if (plus && (grouped || d.length >= 10)) score = 0.9;
    else if (nanp) score = cue ? 0.95 : 0.8;
    else if (cue && (grouped || d.length >= 9)) score = 0.85;
    else if (grouped && /^\(?0/.test(s) && d.length >= 9) score = 0.6; // national trunk prefix 0
    else continue;
    out.push({ type: "PHONE", start: m.index, end: m.index + s.length, score });
  }
  return out;
};

const MONTHS = "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?";
const DATE_RE = pattern("pii.date",
  String.raw`(?<![\w/.-])(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})|\d{4}-\d{1,2}-\d{1,2}|\d{1,2}(?:st|nd|rd|th)?(?: of)? (?:${MONTHS})\.?,? \d{4}|(?:${MONTHS})\.? \d{1,2}(?:st|nd|rd|th)?,? \d{4})(?![\w/-])`,
  "gi",
);
const DOB_CUE = /\b(?:born|birth|birthday|birth ?date|dob|d\.o\.b\.?|date of birth|geboren|né|née)\b/i;
// Every DOB_CUE phrase holds one of these, with no word boundary asked: a text without any has no
// cue in any window, so its dates need not be looked for (most texts; the same results).
const DOB_CUE_PART = /born|birth|dob|d\.o\.b|geboren|né/i;

/** A date is personal data when it is a date of birth: only dates with a birth cue before them count. */
export const detectBirthDates: Detector = (text) => {
  const out: Entity[] = [];
  if (!DOB_CUE_PART.test(text)) return out;
  for (const m of text.matchAll(DATE_RE)) {
    if (!cueBefore(text, m.index, DOB_CUE, 40)) continue;
    out.push({ type: "DATE_OF_BIRTH", start: m.index, end: m.index + m[0].length, score: 0.9 });
  }
  return out;
};

export const PATTERN_DETECTORS: readonly Detector[] = [detectEmails, detectCards, detectIbans, detectNationalIds, detectIps, detectPhones, detectBirthDates];

/**
 * The detectors whose every pattern holds an ASCII digit (`\d` is [0-9] with or without the `u`
 * flag): cards, IBANs, national ids, phones, dates of birth. On a text without a digit they find
 * nothing, so detect-pii.ts skips them there (most chat turns; the same entities). E-mails and
 * IPs stay out: an e-mail needs no digit, nor does an IPv6 address ("fe80::abcd:ef").
 */
export const DIGIT_DETECTORS: ReadonlySet<Detector> = new Set([detectCards, detectIbans, detectNationalIds, detectPhones, detectBirthDates]);
