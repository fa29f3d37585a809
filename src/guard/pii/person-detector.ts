import { pattern } from "../regex-registry.js";
import type { Entity } from "./entity.js";
import { COMMON_WORDS } from "./name-lexicon.js";
import { LOWER_CUE, ORG_AFTER, ORG_BEFORE, PERSON_CUE, PLACE_PREFIXES, PREP_CUE, STRONG_CUE } from "./person-cues.js";
import { nameShape, wordKind } from "./name-shape.js";
import { shippedTagger, tagPersons, type TaggerModel } from "./person-tagger.js";

/**
 * Person names from kinds of evidence, strongest first:
 *
 * 1. a cue that announces a name ("my name is", "Name:", "Mr.", "Dr.", "Dear", "User:",
 *    "founders:", "her maiden name is") followed by capitalised tokens — found whether or not the
 *    name is in any list; after the strongest cues, lower-case names too ("call me lena");
 * 2. capitalised tokens followed by what people do ("… lives at", "… is a 34 year old",
 *    "… said", "… shouted") or preceded by a weaker cue ("this is", "says", "contact", "by"),
 *    when a token is a listed name, or — after a person cue or with a middle initial — when
 *    every token is spelt like a name ("says Navrátilová", "by Katrine T. Jørgensen");
 * 3. layout: a speaker opening a line ("Zuzana: "…""), a name alone on its line (signatures,
 *    contact blocks), a lower-case name alone on a text's first line, enumerations;
 * 4. a run of two to four capitalised tokens holding a listed name (or a middle initial), not
 *    only a sentence's first word.
 *
 * What a word is comes from name-shape.ts: a listed name, an English word (more common in lower
 * case), or unknown and spelt more or less like a name. Single listed names without a cue are
 * reported only mid-sentence: "Will", "Grace" and "Jordan" are words and places as often as
 * people. Runs followed by "Inc", "Orchestra", "Act", "Day" or preceded by "work for", "the" are
 * organisations, laws, events and places named after people, and are not reported.
 * Known limits (docs/guardrails.md): names that are also English words without a cue ("Zoe
 * Young", "Dale and White"), unlisted single names without a cue ("Shovda is very reliable"),
 * all-caps names, and firms named like people ("Reed Elsevier", "Barnett, Melton and Garcia").
 */

const TOKEN = String.raw`\p{Lu}[\p{Ll}\p{M}]+(?:['’-]\p{Lu}?[\p{Ll}\p{M}]+)?`;
// Every \p{Lu} is A–Z or at or above U+00C0: a look-ahead of that plain range, put before
// patterns that open on a capital, lets the engine reject most characters of a text on one range
// test instead of the Unicode property's tables (the same matches, a quarter to a third less time).
const UPPER_AHEAD = String.raw`(?=[A-Z\u00C0-\u{10FFFF}])`;
const PARTICLE = String.raw`(?:van|von|der|den|de|da|do|dos|das|del|della|di|du|la|le|bin|ibn|al|el|y|ter|ten|zu)`;
const INITIAL = String.raw`\p{Lu}\.?`;
// A name: 1–4 capitalised tokens, with initials and particles inside ("Janka M. Szász", "Ludwig van Beethoven").
const NAME = String.raw`${TOKEN}(?:[ \t]+(?:${INITIAL}[ \t]+)?(?:${PARTICLE}[ \t]+)?${TOKEN}){0,3}`;
const NAME_RE = pattern("person.name", UPPER_AHEAD + NAME, "gu");

// "my partner's name Shane M Culp" is its own scan for a literal: inside STRONG_RE's alternation
// the possessive tripled that scan's time.
const POSSESSIVE_RE = pattern("person.possessive_name", String.raw`['’]s name[ \t]+(${NAME})`, "gu");
const STRONG_RE = pattern("person.strong_cue", String.raw`${STRONG_CUE}[ \t]*(?:\r?\n[ \t>]*)?(${NAME}(?:(?:,[ \t]*|[ \t]+and[ \t]+|[ \t]*&[ \t]*)${NAME}){0,6})`, "gu");
const WEAK_RE = pattern("person.weak_cue", String.raw`(?:(${PERSON_CUE})|${PREP_CUE})[ \t]+(${NAME})`, "gu");
const AFTER_RE = pattern(
  "person.after",
  UPPER_AHEAD + String.raw`(${NAME})(?=[ \t]+(?:lives|lived|living|resides|said|says|told|tells|wrote|writes|works|worked|joined|founded|flew|moved|was born|is a \d|is an? (?:\d+|[a-z]+) year|turned|fan\b|had given|gave|has been|called|emailed|texted|phoned|signed|shouted|began|spent|listed (?:his|her|their)|replied|answered|smiled|laughed|married|grew up|\(\d)|,?[ \t]+(?:age|aged) \d)`,
  "gu",
);

const SPEAKER_RE = pattern("person.speaker", String.raw`(?:^|\n)[ \t>]*(${TOKEN}(?:[ \t]${TOKEN})?)[ \t]*:([ \t]*["“])?`, "gdu");
const LIST_RE = pattern("person.list", UPPER_AHEAD + String.raw`${TOKEN}(?:,[ \t]*${TOKEN}){1,12},?[ \t]+(?:and|&)[ \t]+${TOKEN}`, "gu");
// No capture group and no `d` flag where the name is the whole match or its end: match indices
// cost more than the matching on text with thousands of capitalised words.
// The look-behind sits after the capital, not before it: checked only where a capital matched
// rather than at every character, the scan takes half the time (same matches).
export const SINGLE_RE = pattern("person.single", UPPER_AHEAD + String.raw`\p{Lu}(?<![\p{L}\p{M}'’-]\p{Lu})[\p{Ll}\p{M}]+(?:['’-]\p{Lu}?[\p{Ll}\p{M}]+)?(?![\p{L}\p{M}]|[ \t]+\p{Lu})`, "gu");
const PREV_TOKEN_RE = pattern("person.prev_token", String.raw`(?<![\p{L}\p{M}])(\p{Lu}[\p{Ll}\p{M}]+)[ \t]+$`, "u");
// A name alone on its line: a signature, a letterhead, a contact block ("Janka M. Szász\n…").
// No `d` flag (match indices cost more than the match on short texts): the prefix holds no letter,
// so the name starts where its text first occurs in the match.
const LINE_RE = pattern("person.line", String.raw`(?:^|\n)[ \t>*-]*(${NAME})[ \t]*(?=\r?\n|$)`, "gu");

// Lower-case names, only where the cue leaves no doubt: "my name is lena andersson", "mr. elliott".
const LTOKEN = String.raw`\p{Ll}[\p{Ll}\p{M}]+(?:['’-][\p{Ll}\p{M}]+)?`;
const LNAME = String.raw`${LTOKEN}(?:[ \t]+(?:\p{Ll}\.[ \t]+)?${LTOKEN}){0,2}`;
const LOWER_CUE_RE = pattern("person.lower_cue", String.raw`${LOWER_CUE}[ \t]*(${LNAME})`, "gu");
// The first line of a text (a form, a CV, a contact card) holding only a lower-case name: "naomi ryan\n".
const LOWER_FIRST_LINE_RE = pattern("person.lower_first_line", String.raw`^[ \t]*(${LNAME})[ \t]*\r?\n`, "u");

/**
 * Every match of a global pattern, by `exec` on the shared pattern. Not `matchAll`: it copies the
 * pattern per call, and on short texts the copies cost more than the matching.
 */
function execAll(re: RegExp, text: string): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    out.push(m);
    if (m[0].length === 0) re.lastIndex++;
  }
  return out;
}

/** A matched run of capitalised tokens split into names on "," / "and" / "&". */
function splitList(run: string, base: number): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  for (const m of execAll(NAME_RE, run)) out.push({ start: base + m.index, end: base + m.index + m[0].length });
  return out;
}

// The rules ask tokensOf, knownTokens, commonTokens and allNameLike of the same name in a row:
// the last split is kept (callers only read it) so one name is split once, not up to four times.
let lastName = "";
let lastTokens: readonly string[] = [];

function tokensOf(name: string): readonly string[] {
  if (name !== lastName) {
    lastTokens = name.split(/[\s.]+/).filter((t) => t.length > 1);
    lastName = name;
  }
  return lastTokens;
}

/** Tokens that are listed names (in the lexicon and not more common as a lower-case word). */
function knownTokens(name: string): number {
  let n = 0;
  for (const t of tokensOf(name)) if (wordKind(t) === "name") n++;
  return n;
}

/** Tokens that are English words ("Young", "Court", "Entertainment"). */
function commonTokens(name: string): number {
  let n = 0;
  for (const t of tokensOf(name)) if (wordKind(t) === "word") n++;
  return n;
}

/** Every token a listed name or an unlisted word spelt more like a name than like an English word. */
function allNameLike(name: string, threshold: number): boolean {
  const toks = tokensOf(name);
  return toks.length > 0 && toks.every((t) => nameShape(t) > threshold);
}

/** A middle initial ("Janka M. Szász", "Shane M Culp"): people's names have them, places and firms rarely. */
function hasInitial(name: string): boolean {
  return /\s\p{Lu}\.?\s/u.test(name);
}

/** Is `index` the start of a sentence (text start, after . ! ? : or a line break)? */
function sentenceStart(text: string, index: number): boolean {
  const before = text.slice(Math.max(0, index - 4), index);
  return index === 0 || /(?:^|[.!?:;"“(\n])[ \t>*"“-]*$/.test(before);
}

const LEGAL_FORM_END = /^(?:Inc|Incorporated|Corp|Corporation|LLC|LLP|Ltd|Limited|GmbH|plc|PLC)$/;

/** Is the span the name of an organisation, a law, an event or a place rather than of a person? */
function organisation(text: string, s: { start: number; end: number }): boolean {
  // A legal-form suffix may sit inside the span when a cue's name pattern took it ("with Reed
  // Elsevier Inc"); only those, since "Hall", "Park" or "Day" end people's names too.
  const lastSpace = text.lastIndexOf(" ", s.end - 1);
  const inside = lastSpace > s.start && LEGAL_FORM_END.test(text.slice(lastSpace + 1, s.end));
  return inside || ORG_AFTER.test(text.slice(s.end, s.end + 16)) || ORG_BEFORE.test(text.slice(Math.max(0, s.start - 16), s.start));
}

// Unlisted words must look like names by spelling: after a cue that announces a person a little
// (UNLISTED_AFTER_CUE), alone or without a cue clearly (UNLISTED_ALONE). Chosen on the tuning half.
const UNLISTED_AFTER_CUE = -0.3;
const UNLISTED_ALONE = 0.3;

/**
 * Rules first, then the statistical tagger (person-tagger.ts, decision 0034) proposes what the
 * rules missed; the rules' vetoes for organisations and places still apply to its spans.
 * `tagger: null` runs the rules alone (benches and the trainer compare both in one process).
 */
export function detectPersons(text: string, tagger: TaggerModel | null = shippedTagger()): Entity[] {
  const out = detectPersonsByRules(text);
  if (tagger) out.push(...detectPersonsByTagger(text, tagger));
  return out;
}

// Below every rule's score: where a rule and the tagger overlap, the rule's span is kept.
const TAGGER_SCORE = 0.62;

/** Is there a space or tab at `i`, then (stepping by `dir`) a letter? A capitalised neighbour needs one. */
function blankThenLetter(text: string, i: number, dir: 1 | -1): boolean {
  const c = text.charCodeAt(i);
  if (c !== 32 && c !== 9) return false;
  const d = text.charCodeAt(i + dir);
  return (d >= 65 && d <= 90) || (d >= 97 && d <= 122) || d >= 0xc0;
}

const NEXT_TOKEN_RE = pattern("person.next_token", String.raw`^[ \t]+\p{Lu}[\p{Ll}\p{M}]+(?![\p{L}\p{M}])`, "u");

/**
 * The tagger's spans that the rules' vetoes leave, judged on the whole capitalised run around
 * them: the tagger does not score English words, so in "Los Angeles" or "Morgan Stanley Bank" it
 * may tag only "Angeles" or "Morgan", while "Los" and "Bank" are what say place and firm.
 */
export function detectPersonsByTagger(text: string, tagger: TaggerModel = shippedTagger()): Entity[] {
  const out: Entity[] = [];
  for (const s of tagPersons(text, tagger)) {
    // Most spans have no capitalised neighbour: one character test each way skips the run scans.
    let runStart = s.start;
    if (blankThenLetter(text, s.start - 1, -1)) {
      for (let i = 0, prev; i < 3 && (prev = PREV_TOKEN_RE.exec(text.slice(Math.max(0, runStart - 24), runStart))); i++) runStart -= prev[0].length;
    }
    // An organisation word may end the run at any of its tokens ("Morgan Stanley Bank", "Sokolov Orchestra").
    let firm = organisation(text, s) || (runStart < s.start && organisation(text, { start: runStart, end: s.end }));
    for (let i = 0, end = s.end, next; !firm && i < 3 && blankThenLetter(text, end, 1) && (next = NEXT_TOKEN_RE.exec(text.slice(end, end + 24))); i++) {
      end += next[0].length;
      firm = organisation(text, { start: runStart, end });
    }
    const toks = tokensOf(text.slice(runStart, s.end));
    if (firm || toks.length === 0 || PLACE_PREFIXES.has(toks[0].toLowerCase())) continue;
    // As for the rules' single names: at a sentence's start a word that is also a name ("Kind
    // regards", "Given a list") is the word unless more of the name follows.
    const own = tokensOf(text.slice(s.start, s.end));
    if (sentenceStart(text, s.start) && own.every((t) => wordKind(t) !== "name" && wordKind(t) !== "unknown")) continue;
    out.push({ type: "PERSON", start: s.start, end: s.end, score: TAGGER_SCORE });
  }
  return out;
}

export function detectPersonsByRules(text: string): Entity[] {
  const out: Entity[] = [];
  lowerCase(text, out);
  // Fast exit: no capitalised letter, no capitalised name.
  if (!/\p{Lu}/u.test(text)) return out;
  for (const m of execAll(STRONG_RE, text)) {
    const base = m.index + m[0].length - m[1].length;
    for (const s of splitList(m[1], base)) {
      const name = text.slice(s.start, s.end);
      if (commonTokens(name) === tokensOf(name).length) continue;
      const t = trimTrailingCommon(text, s);
      if (!organisation(text, t)) out.push({ type: "PERSON", ...t, score: 0.9 });
    }
  }
  // Pre-checks below: a literal each pattern's every match holds ("s name", ":", "," and "and"/"&").
  if (text.includes("s name")) for (const m of execAll(POSSESSIVE_RE, text)) {
    const s = trimTrailingCommon(text, { start: m.index + m[0].length - m[1].length, end: m.index + m[0].length });
    const name = text.slice(s.start, s.end);
    if (commonTokens(name) < tokensOf(name).length && !organisation(text, s)) out.push({ type: "PERSON", ...s, score: 0.85 });
  }
  for (const m of execAll(WEAK_RE, text)) {
    const base = m.index + m[0].length - m[2].length;
    const s = trimTrailingCommon(text, { start: base, end: base + m[2].length });
    const name = text.slice(s.start, s.end);
    const toks = tokensOf(name);
    if (toks.length === 0 || commonTokens(name) === toks.length || organisation(text, s)) continue;
    // After a person cue an unlisted name counts when spelt like one; after a preposition it must be listed.
    const personCue = m[1] !== undefined;
    // "from Los Angeles", "to New York": after a preposition a place's first word is no name's.
    if (!personCue && PLACE_PREFIXES.has(toks[0].toLowerCase())) continue;
    const unlisted = (personCue || hasInitial(name)) && allNameLike(name, toks.length >= 2 ? UNLISTED_AFTER_CUE : UNLISTED_ALONE);
    if (knownTokens(name) > 0 || unlisted) out.push({ type: "PERSON", ...s, score: 0.75 });
  }
  for (const m of execAll(AFTER_RE, text)) {
    const s = trimLeadingCommon(text, { start: m.index, end: m.index + m[1].length });
    if (s.end <= s.start) continue;
    const name = text.slice(s.start, s.end);
    const toks = tokensOf(name);
    if (toks.length === 0 || commonTokens(name) === toks.length || organisation(text, s)) continue;
    if (toks.length >= 2 || knownTokens(name) > 0 || allNameLike(name, UNLISTED_ALONE)) out.push({ type: "PERSON", ...s, score: 0.8 });
  }
  // "Anna:" opening a line is a speaker in a transcript; "Zuzana: "…"" even when unlisted.
  if (text.includes(":")) for (const m of execAll(SPEAKER_RE, text)) {
    const start = m.indices![1][0];
    if (commonTokens(m[1]) > 0) continue;
    if (knownTokens(m[1]) > 0 || (m[2] !== undefined && allNameLike(m[1], UNLISTED_AFTER_CUE))) out.push({ type: "PERSON", start, end: start + m[1].length, score: 0.75 });
  }
// A name alone on its line: two or more tokens, none a word, with a listed name or an initial.
  for (const m of execAll(LINE_RE, text)) {
    const start = m.index + m[0].indexOf(m[1]);
    const name = m[1];
    const toks = tokensOf(name);
    if (toks.length < 2 || commonTokens(name) > 0 || !allNameLike(name, UNLISTED_AFTER_CUE)) continue;
    if (knownTokens(name) > 0 || hasInitial(name) || allNameLike(name, UNLISTED_ALONE)) out.push({ type: "PERSON", start, end: start + name.length, score: 0.7 });
  }
  // Enumerations ("Romi, Erik, Amy and Donald"): when most items are known names, all are.
  if (text.includes(",") && (text.includes("and") || text.includes("&"))) for (const m of execAll(LIST_RE, text)) {
    if (ORG_BEFORE.test(text.slice(Math.max(0, m.index - 16), m.index)) || ORG_AFTER.test(text.slice(m.index + m[0].length, m.index + m[0].length + 16))) continue;
    const items = splitList(m[0], m.index);
    const known = items.filter((s) => knownTokens(text.slice(s.start, s.end)) > 0).length;
    if (items.length >= 3 && known * 2 > items.length) for (const s of items) out.push({ type: "PERSON", ...s, score: 0.7 });
  }
  // A single known name: a weak signal, reported when not a sentence's first word or when
  // followed by what follows a person ("Anna is", "Aloisia, can", "Asya's").
  for (const m of execAll(SINGLE_RE, text)) {
    if (wordKind(m[0]) !== "name") continue;
    const start = m.index;
    const follows = /^(?:,\s+\p{Ll}|'s\b|’s\b|\s+(?:is|was|has|had|just|spent|shouted|says|said|wrote|lives|works|and \p{Lu}))/u.test(text.slice(start + m[0].length, start + m[0].length + 12));
    if (sentenceStart(text, start) && !follows) continue;
    // "in Porto", "at Jordan": after a preposition of place a lone name is more often a place.
    if (!follows && /\b(?:in|at|near|from|to|of|visit|visiting|via|across)\s+$/i.test(text.slice(Math.max(0, start - 12), start))) continue;
    // The context of the last token of a run ("Morgan Stanley", "Los Angeles") is the run's.
    let runStart = start;
    for (let i = 0, prev; i < 3 && (prev = PREV_TOKEN_RE.exec(text.slice(Math.max(0, runStart - 24), runStart))); i++) runStart -= prev[0].length;
    if (runStart < start && PLACE_PREFIXES.has(text.slice(runStart, text.indexOf(" ", runStart)).toLowerCase())) continue;
    if (organisation(text, { start: runStart, end: start + m[0].length })) continue;
    out.push({ type: "PERSON", start, end: start + m[0].length, score: follows ? 0.65 : 0.6 });
  }
  for (const m of execAll(NAME_RE, text)) {
    // One token (no separator inside) can never make the two-token name this rule needs, and
    // trimming keeps a subset of the run's tokens: with no known name or initial among them, none can remain.
    if ((m[0].indexOf(" ") < 0 && m[0].indexOf("\t") < 0) || (knownTokens(m[0]) === 0 && !hasInitial(m[0]))) continue;
    let s = { start: m.index, end: m.index + m[0].length };
    // A sentence's first word is capitalised anyway: it counts only when it is itself a known name.
    if (sentenceStart(text, s.start)) {
      // Kept too when it is no English word and spelt like a name ("Freja Clausen" opening a contact block).
      const first = /^\S+/.exec(m[0])![0];
      if (knownTokens(first) === 0 && !(commonTokens(first) === 0 && allNameLike(first, UNLISTED_AFTER_CUE))) s = trimLeadingWord(text, s);
    }
    s = trimTrailingCommon(text, trimLeadingCommon(text, s));
    const name = text.slice(s.start, s.end);
    const toks = tokensOf(name);
    if (toks.length < 2 || commonTokens(name) > 0 || organisation(text, s)) continue;
    const known = knownTokens(name);
    if (known >= 1) out.push({ type: "PERSON", ...s, score: known >= 2 ? 0.75 : 0.65 });
    else if (hasInitial(name) && allNameLike(name, UNLISTED_AFTER_CUE)) out.push({ type: "PERSON", ...s, score: 0.65 });
  }
  return out;
}

/** Lower-case names after a strong cue, and a lower-case name alone on a text's first line. */
function lowerCase(text: string, out: Entity[]): void {
  const take = (name: string, start: number, firstLine: boolean): void => {
    // Keep the leading tokens that are not words ("lena andersson." but not "nyberg and she").
    const parts = name.split(/([ \t]+)/);
    let end = 0;
    let known = 0;
    let shaped = true;
    for (let i = 0; i < parts.length; i += 2) {
      const t = parts[i];
      const next = end + t.length + (parts[i + 1]?.length ?? 0);
      if (/^\p{Ll}\.$/u.test(t)) { end = next; continue; }
      const kind = wordKind(t);
      const shape = nameShape(t);
      if (kind === "word" || shape <= UNLISTED_AFTER_CUE) break;
      if (kind === "name") known++;
      else if (shape <= UNLISTED_ALONE) shaped = false;
      end = next;
    }
    const span = name.slice(0, end).trimEnd();
    if (!span || (firstLine && (end < name.length || known === 0 || !/\s/.test(span)))) return;
    if (known > 0 || shaped) out.push({ type: "PERSON", start, end: start + span.length, score: firstLine ? 0.7 : 0.85 });
  };
  for (const m of execAll(LOWER_CUE_RE, text)) take(m[1], m.index + m[0].length - m[1].length, false);
  const first = LOWER_FIRST_LINE_RE.exec(text);
  if (first) take(first[1], first[0].indexOf(first[1]), true);
}

function trimLeadingWord(text: string, s: { start: number; end: number }): { start: number; end: number } {
  const m = /^\S+\s+/.exec(text.slice(s.start, s.end));
  return m ? { start: s.start + m[0].length, end: s.end } : { start: s.end, end: s.end };
}

function trimLeadingCommon(text: string, s: { start: number; end: number }): { start: number; end: number } {
  let cur = s;
  for (let i = 0; i < 4; i++) {
    const first = /^\S+/.exec(text.slice(cur.start, cur.end))?.[0];
    if (!first || !COMMON_WORDS.has(first.toLowerCase().replace(/[.,]$/, ""))) break;
    cur = trimLeadingWord(text, cur);
  }
  return cur;
}

function trimTrailingCommon(text: string, s: { start: number; end: number }): { start: number; end: number } {
  let end = s.end;
  for (let i = 0; i < 4; i++) {
    const span = text.slice(s.start, end);
    const m = /(?<!\s)\s+(\S+)$/.exec(span);
    if (!m || !COMMON_WORDS.has(m[1].toLowerCase())) break;
    end -= m[0].length;
  }
  return { start: s.start, end };
}
