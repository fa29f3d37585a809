import { pattern } from "../regex-registry.js";
import type { Entity } from "./entity.js";

/**
 * Street addresses, in the shapes of many countries, from pattern evidence alone:
 *
 * 1. a street core — "221B Baker Street" (number, words, street type), "Rue de la Paix 12" /
 *    "rue de la Paix" after a number (type first), "Pohlstraße 9" / "Koepenicker Str. 74" (fused
 *    type), "1072 Allika 46" (building number, name, house number), PO and military boxes, or any
 *    text holding a number after an explicit cue ("lives at", "address:");
 * 2. then the rest of the address: unit (Apt, Suite), city, region, country and postcode, on the
 *    same line or on following short lines (a postal block).
 *
 * Known limits (docs/guardrails.md): an address without a number ("Baker Street") is not found;
 * a city or postcode alone is not an address; the tail may absorb a capitalised word after it.
 */

const W = String.raw`[\p{L}\p{M}][\p{L}\p{M}'’.-]{0,30}`;
const NUM = String.raw`\d{1,6}[A-Za-z]?(?:[-/]\d{1,4})?`;
const EN_TYPES =
  "street|st|avenue|ave|av|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|place|pl|way|terrace|parkway|pkwy|circle|cir|highway|hwy|square|sq|crescent|cres|close|row|walk|alley|trail|heights|gardens|mews|route|rte|grove|park|hill|harbor|harbour|cliffs?|creek|dam|point|union|club|crossing|ridge|expressway|freeway|plaza|quay|wharf|esplanade|loop|pike|turnpike";
const PREFIX_TYPES =
  "rue|via|viale|vicolo|calle|carrer|avenida|avda|avinguda|av\\.|avenue|rua|rúa|praça|praca|largo|travessa|corso|piazza|plaza|boulevard|bd|chemin|allée|impasse|strada|ulica|ul\\.|aleja|al\\.|trg|ulitsa|prospekt|Λεωφόρος|οδός|Οδός|Λ\\.";
const FUSED_TYPES =
  "straße|strasse|str\\.|tee|maantee|puiestee|gasse|weg|allee|platz|ring|damm|ufer|steig|chaussee|vej|vænget|vängen|vägen|gatan|gata|veien|vegen|veg|gate|gade|tie|katu|kuja|polku|tanav|tänav|laan|straat|plein|gracht|kade|dreef|ulica|utca|u\\.|út|cesta|ulice|iela|gatvė|sokak|sokağı|caddesi|bulvarı|street";

// The first letters of the type-first street words: a look-ahead of them ahead of the look-behind
// and the alternation lets the engine pass most characters on one class test (the same matches,
// a quarter of the time). The class runs under the pattern's own `i` flag, so case follows it.
const PREFIX_FIRST = [...new Set(PREFIX_TYPES.split("|").map((t) => t[0]))].join("");
if (/[\\\]^-]/.test(PREFIX_FIRST)) throw new Error("address: a street type starts with a class metacharacter");

const MONTH_NAMES = "January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday";

/**
 * A core with an `anchor` is tried only around the anchor's matches (its fixed ending, e.g.
 * "straße 9"), starting at most `reach` characters before: the full pattern then runs on a
 * few hundred characters per candidate instead of from every word of the text.
 */
interface Core {
  re: RegExp;
  score: number;
  anchor?: RegExp;
  reach?: number;
}

const CORES: Core[] = [
  // 221B Baker Street, 3744 Retreat Avenue, 389 167 king alexander road
  { re: pattern("address.core_en", String.raw`(?<![\w-])${NUM}(?: \d{1,5})? (?:${W} ){0,4}(?:${EN_TYPES})\b\.?`, "giu"), score: 0.8 },
  // rue de la Paix 12, Via Franscini 71, Rua do Arenque 1634 (type first, number after)
  { re: pattern("address.core_prefix_type", String.raw`(?=[${PREFIX_FIRST}])(?<![\p{L}\p{M}])(?:${PREFIX_TYPES}) (?:${W} ){0,5}${NUM}(?![\w])`, "giu"), score: 0.85 },
  // 56 rue La Boétie, 137 Avenue Teboulbi (number first, type first)
  { re: pattern("address.core_number_prefix_type", String.raw`(?<![\w-])${NUM} (?:${PREFIX_TYPES}) (?:${W} ?){1,5}`, "giu"), score: 0.8 },
  // Pohlstrasse 9, Koepenicker Str. 74, Luite tee 87, C. Beerninckstraat 88
  // The fused word ("Pohl" of Pohlstraße) is bounded and starts only where a word starts: unbounded,
  // every "-" or "'" of a long run restarted a scan to the run's end (quadratic).
  {
    re: pattern("address.core_fused", String.raw`(?<![\p{L}\p{M}'’-])(?:${NUM} )?(?:${W} ){0,3}[\p{L}\p{M}'’-]{0,40}(?:${FUSED_TYPES}) ${NUM}(?![\w])`, "giu"),
    score: 0.85,
    anchor: pattern("address.core_fused_anchor", String.raw`(?:${FUSED_TYPES}) ${NUM}(?![\w])`, "giu"),
    // NUM and a space, three words with their spaces, the fused prefix: 8 + 3 × 32 + 40.
    reach: 150,
  },
  // 20789 Allika 46, 641 Dašická 688: a building number, a capitalised name, a house number.
  { re: pattern("address.core_building_name_number", String.raw`(?<![\w.,-])\d{1,6} (?!(?:${MONTH_NAMES})\b)(?:\p{Lu}[\p{L}\p{M}'’-]{2,30} ){1,3}\d{1,5}[A-Za-z]?(?![\w.,]\d|[\w])`, "gu"), score: 0.7 },
  // PO Box 123, PSC 1437, Box 3833, Unit 1009 Box 0219, APO AE 09012 (the look-ahead: the alternatives' first letters)
  { re: /(?=[pucafd])(?<![\w])(?:P\.? ?O\.? Box \d{1,6}|(?:PSC|Unit|CMR) \d{1,5},? Box \d{1,5}|(?:APO|FPO|DPO) (?:AA|AE|AP) \d{5})/gi, score: 0.85 },
];

const CUE = /\b(?:(?:home |billing |shipping |mailing |postal |street |new )?address(?:es)?\s*(?:is|:|-|was)?(?:\s*(?:it is|it's))?|lives? at|living at|located at|located on|(?:office|offices|shop|store|restaurant) (?:is|are) (?:at|on|in)|meet (?:me|you|us) at|moved to|ship(?:ped)? (?:it |them )?to|deliver(?:ed)? (?:it |them )?to|send (?:it |them )?to|arrived at|drops? (?:you|me) off at|the corner of|resides? at)\b[:\s]*/gi;

// Continuation of an address after its core: unit, city, region, country, postcode.
// No `i` flag on TAIL: with it \p{Lu} would match lower-case letters and swallow the prose after an address.
const PIECE = String.raw`(?:(?:[Aa]pt|[Aa]partment|[Ss]uite|[Ss]te|[Uu]nit|[Ff]lat|[Ff]loor|[Ff]l|[Rr]oom|[Rr]m|[Bb]ox|[Bb]ldg|[Bb]uilding|APT|SUITE|UNIT|#)\.? ?\d{1,6}[A-Za-z]?|\p{Lu}[\p{L}\p{M}'’.()-]{0,30}(?![\p{L}\p{M}]|[ \t]*:)(?: [\p{Lu}(][\p{L}\p{M}'’.()-]{0,30}(?![\p{L}\p{M}]|[ \t]*:)| (?:de|du|la|le|del|da|do|nad|am|an|im|u|e|y|upon|on)(?= \p{Lu})){0,4}|\d{4,6}(?:-\d{3,4})?|\d{3} \d{2}|[A-Z]\d[A-Z] ?\d[A-Z]\d|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|nan)`;
const TAIL = pattern("address.tail", String.raw`^(?:(?:[ \t]*(?:,[ \t]*)?|,?[ \t]*\r?\n[ \t>?*|-]*(?:\r?\n[ \t>?*|-]*)?(?:,[ \t]*)?)${PIECE}){1,7}`, "u");
const TAIL_LINE_MAX = 48;

function extend(text: string, end: number): number {
  const m = TAIL.exec(text.slice(end, end + 240));
  if (!m) return end;
  // A postal block continues over short lines only; a long line is prose, so stop before it.
  let len = 0;
  for (const line of m[0].split("\n")) {
    if (len > 0 && line.trim().length > TAIL_LINE_MAX) break;
    len += line.length + 1;
  }
  return end + Math.min(m[0].length, len - 1);
}

export function detectAddresses(text: string): Entity[] {
  const spans: Entity[] = [];
  for (const core of CORES) {
    for (const { start, match } of coreMatches(text, core)) {
      const coreEnd = start + match.replace(/[ ,.]+$/, "").length;
      spans.push({ type: "STREET_ADDRESS", start, end: extend(text, coreEnd), score: core.score });
    }
  }
  for (const m of text.matchAll(CUE)) {
    const from = m.index + m[0].length;
    const rest = text.slice(from, from + 160);
    const stop = rest.search(/[.?!;](?:\s|$)|\n\s*\n|\b(?:after|before|in case|for|because|when|but|so|which|who|if)\b/i);
    const cand = (stop < 0 ? rest : rest.slice(0, stop)).trimEnd();
    // Evidence beyond the cue: a number and a name-like word ("moved to 2021" or "address is wrong" are not).
    if (cand.length < 6 || !/\d/.test(cand) || !/\p{L}{3,}/u.test(cand.replace(/\b(?:the|corner|of|and|it|is)\b/gi, ""))) continue;
    spans.push({ type: "STREET_ADDRESS", start: from, end: from + cand.length, score: 0.8 });
  }
  return mergeSpans(spans);
}

function coreMatches(text: string, core: Core): { start: number; match: string }[] {
  const out: { start: number; match: string }[] = [];
  if (!core.anchor) {
    for (const m of text.matchAll(core.re)) out.push({ start: m.index, match: m[0] });
    return out;
  }
  let lastEnd = 0;
  for (const a of text.matchAll(core.anchor)) {
    const from = Math.max(lastEnd, a.index - (core.reach ?? 0));
    // One character of context before the window, so the pattern's lookbehind sees what the text has there.
    const base = Math.max(0, from - 1);
    const window = text.slice(base, a.index + a[0].length);
    core.re.lastIndex = from - base;
    const m = core.re.exec(window);
    if (!m) continue;
    out.push({ start: base + m.index, match: m[0] });
    lastEnd = base + m.index + m[0].length;
  }
  return out;
}

/** Overlapping or touching address pieces become one address with the best score. */
function mergeSpans(spans: Entity[]): Entity[] {
  spans.sort((a, b) => a.start - b.start);
  const out: Entity[] = [];
  for (const s of spans) {
    const last = out[out.length - 1];
    if (last && s.start <= last.end + 1) {
      last.end = Math.max(last.end, s.end);
      last.score = Math.max(last.score, s.score);
    } else out.push({ ...s });
  }
  return out;
}
