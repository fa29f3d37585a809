import { pattern } from "../regex-registry.js";
import type { Entity } from "./entity.js";
import { COMMON_WORDS, nameLexicon } from "./name-lexicon.js";

/**
 * Person names from three kinds of evidence, strongest first:
 *
 * 1. a cue that announces a name ("my name is", "Name:", "Mr.", "Dr.", "Dear", "User:",
 *    "founders:") followed by capitalised tokens — found whether or not the name is in any list;
 * 2. capitalised tokens followed by what people do ("… lives at", "… is a 34 year old",
 *    "… said") or preceded by a weaker cue ("this is", "contact", "by"), when one token is a
 *    known name;
 * 3. a run of two to four capitalised tokens, one of them a known name (the lexicon), that is not
 *    only a sentence's first word.
 *
 * Single known names without a cue are not reported: "Will", "Grace" and "Jordan" are words and
 * places as often as people. Known limits: lower-case or all-caps names, names that are also
 * common words without a cue, and organisations named after people.
 */

const TOKEN = String.raw`\p{Lu}[\p{Ll}\p{M}]+(?:['’-]\p{Lu}?[\p{Ll}\p{M}]+)?`;
const PARTICLE = String.raw`(?:van|von|der|den|de|da|do|dos|das|del|della|di|du|la|le|bin|ibn|al|el|y|ter|ten|zu)`;
const INITIAL = String.raw`\p{Lu}\.?`;
// A name: 1–4 capitalised tokens, with initials and particles inside ("Janka M. Szász", "Ludwig van Beethoven").
const NAME = String.raw`${TOKEN}(?:[ \t]+(?:${INITIAL}[ \t]+)?(?:${PARTICLE}[ \t]+)?${TOKEN}){0,3}`;
const NAME_RE = pattern("person.name", NAME, "gu");

/** Cue words match in any case while name tokens must stay capitalised, so no `i` flag: letters become [xX]. */
const ci = (src: string): string => src.replace(/\\.|[a-z]/g, (c) => (c.length > 1 ? c : `[${c}${c.toUpperCase()}]`));
const STRONG_CUE = ci(String.raw`(?:my name is|name is|names? ?:|named|called|call me|i am called|signed|dear|user ?:|customer ?:|patient ?:|client ?:|employee ?:|applicant ?:|(?:last|first|full|sur|given|maiden) ?name(?: is)?\??:?|surname ?:?|(?:mr|mrs|ms|mx|miss|dr|prof|sir|dame|madam|mme|mlle|herr|frau|sr|sra|srta|sig|sig\.ra)\.?|founders?:?|co-?founders?:?|directed by:?|written by:?|authored by:?|produced by:?|composed by:?|performed by:?|(?:regards|sincerely|cheers|thanks|best),?\s*\n)`);
const WEAK_CUE = ci(String.raw`(?:i am|i'm|this is|it's|hi|hello|hey|says|said|asked|told|thanked|between (?:him|her|them|me) and|my (?:kid|child|son|daughter|wife|husband|partner|friend|boss)|add|contact|ask for|speak (?:to|with)|talk to|meet|met|by|with|from|to|and|for|cc|attn:?|attention:?|manager|ceo|cto|cfo|director|president|assistant|colleague|friend|brother|sister|son|daughter|wife|husband|mother|father|mom|dad|uncle|aunt|cousin|fan of|fan|teacher|doctor|lawyer|officer|agent)`);
const STRONG_RE = pattern("person.strong_cue", String.raw`(?<![\p{L}])${STRONG_CUE}[ \t]*(?:\r?\n[ \t>]*)?(${NAME}(?:(?:,[ \t]*|[ \t]+and[ \t]+|[ \t]*&[ \t]*)${NAME}){0,6})`, "gu");
const WEAK_RE = pattern("person.weak_cue", String.raw`(?<![\p{L}])${WEAK_CUE}[ \t]+(${NAME})`, "gu");
const AFTER_RE = pattern(
  "person.after",
  String.raw`(${NAME})(?=[ \t]+(?:lives|lived|living|resides|said|says|told|tells|wrote|writes|works|worked|joined|founded|flew|moved|was born|is a \d|is an? (?:\d+|[a-z]+) year|turned|fan\b|had given|gave|has been|called|emailed|texted|phoned|signed|\(\d)|,?[ \t]+(?:age|aged) \d)`,
  "gu",
);

const SPEAKER_RE = pattern("person.speaker", String.raw`(?:^|\n)[ \t>]*(${TOKEN}(?:[ \t]${TOKEN})?)[ \t]*:`, "gdu");
const LIST_RE = pattern("person.list", String.raw`${TOKEN}(?:,[ \t]*${TOKEN}){1,12},?[ \t]+(?:and|&)[ \t]+${TOKEN}`, "gu");
// No capture group and no `d` flag where the name is the whole match or its end: match indices
// cost more than the matching on text with thousands of capitalised words.
const SINGLE_RE = pattern("person.single", String.raw`(?<![\p{L}\p{M}'’-])${TOKEN}(?![\p{L}\p{M}]|[ \t]+\p{Lu})`, "gu");

/** A matched run of capitalised tokens split into names on "," / "and" / "&". */
function splitList(run: string, base: number): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  for (const m of run.matchAll(NAME_RE)) out.push({ start: base + m.index, end: base + m.index + m[0].length });
  return out;
}

function tokensOf(name: string): string[] {
  return name.split(/[\s.]+/).filter((t) => t.length > 1 && /^\p{Lu}/u.test(t));
}

function knownTokens(name: string): number {
  const lex = nameLexicon();
  let n = 0;
  for (const t of tokensOf(name)) {
    const w = t.toLowerCase();
    if (lex.has(w) || w.split(/['’-]/).some((p) => p.length > 2 && lex.has(p))) n++;
  }
  return n;
}

function commonTokens(name: string): number {
  let n = 0;
  for (const t of tokensOf(name)) if (COMMON_WORDS.has(t.toLowerCase())) n++;
  return n;
}

/** Is `index` the start of a sentence (text start, after . ! ? : or a line break)? */
function sentenceStart(text: string, index: number): boolean {
  const before = text.slice(Math.max(0, index - 4), index);
  return index === 0 || /(?:^|[.!?:;"“(\n])[ \t>*"“-]*$/.test(before);
}

export function detectPersons(text: string): Entity[] {
  // Fast exit: no capitalised letter, no name.
  if (!/\p{Lu}/u.test(text)) return [];
  const out: Entity[] = [];
  for (const m of text.matchAll(STRONG_RE)) {
    const base = m.index + m[0].length - m[1].length;
    for (const s of splitList(m[1], base)) {
      const name = text.slice(s.start, s.end);
      if (commonTokens(name) === tokensOf(name).length && knownTokens(name) === 0) continue;
      out.push({ type: "PERSON", ...trimTrailingCommon(text, s), score: 0.9 });
    }
  }
  for (const m of text.matchAll(WEAK_RE)) {
    const base = m.index + m[0].length - m[1].length;
    const s = trimTrailingCommon(text, { start: base, end: base + m[1].length });
    const name = text.slice(s.start, s.end);
    if (knownTokens(name) > 0 && commonTokens(name) < tokensOf(name).length) out.push({ type: "PERSON", ...s, score: 0.75 });
  }
  for (const m of text.matchAll(AFTER_RE)) {
    const s = trimLeadingCommon(text, { start: m.index, end: m.index + m[1].length });
    if (s.end <= s.start) continue;
    const name = text.slice(s.start, s.end);
    const toks = tokensOf(name);
    if (toks.length === 0 || commonTokens(name) === toks.length) continue;
    if (toks.length >= 2 || knownTokens(name) > 0) out.push({ type: "PERSON", ...s, score: 0.8 });
  }
  // "Anna:" opening a line is a speaker in a transcript.
  for (const m of text.matchAll(SPEAKER_RE)) {
    const start = m.indices![1][0];
    if (knownTokens(m[1]) > 0 && commonTokens(m[1]) === 0) out.push({ type: "PERSON", start, end: start + m[1].length, score: 0.75 });
  }
  // Enumerations ("Romi, Erik, Amy and Donald"): when most items are known names, all are.
  for (const m of text.matchAll(LIST_RE)) {
    const items = splitList(m[0], m.index);
    const known = items.filter((s) => knownTokens(text.slice(s.start, s.end)) > 0).length;
    if (items.length >= 3 && known * 2 > items.length) for (const s of items) out.push({ type: "PERSON", ...s, score: 0.7 });
  }
  // A single known name: a weak signal, reported when not a sentence's first word or when
  // followed by what follows a person ("Anna is", "Aloisia, can", "Asya's").
  for (const m of text.matchAll(SINGLE_RE)) {
    const w = m[0].toLowerCase();
    if (COMMON_WORDS.has(w) || !nameLexicon().has(w)) continue;
    const start = m.index;
    const follows = /^(?:,\s+\p{Ll}|'s\b|’s\b|\s+(?:is|was|has|had|just|spent|shouted|says|said|wrote|lives|works|and \p{Lu}))/u.test(text.slice(start + m[0].length, start + m[0].length + 12));
    if (sentenceStart(text, start) && !follows) continue;
    // "in Porto", "at Jordan": after a preposition of place a lone name is more often a place.
    if (!follows && /\b(?:in|at|near|from|to|of|visit|visiting|via|across)\s+$/i.test(text.slice(Math.max(0, start - 12), start))) continue;
    out.push({ type: "PERSON", start, end: start + m[0].length, score: follows ? 0.65 : 0.6 });
  }
  for (const m of text.matchAll(NAME_RE)) {
    // One token (no separator inside) can never make the two-token name this rule needs, and
    // trimming keeps a subset of the run's tokens: with no known name among them, none can remain.
    if ((m[0].indexOf(" ") < 0 && m[0].indexOf("\t") < 0) || knownTokens(m[0]) === 0) continue;
    let s = { start: m.index, end: m.index + m[0].length };
    // A sentence's first word is capitalised anyway: it counts only when it is itself a known name.
    if (sentenceStart(text, s.start)) {
      const first = /^\S+/.exec(m[0])![0];
      if (knownTokens(first) === 0 || COMMON_WORDS.has(first.toLowerCase())) s = trimLeadingWord(text, s);
    }
    s = trimTrailingCommon(text, trimLeadingCommon(text, s));
    const name = text.slice(s.start, s.end);
    const toks = tokensOf(name);
    if (toks.length < 2 || commonTokens(name) > 0) continue;
    const known = knownTokens(name);
    if (known >= 1) out.push({ type: "PERSON", ...s, score: known >= 2 ? 0.75 : 0.65 });
  }
  return out;
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
