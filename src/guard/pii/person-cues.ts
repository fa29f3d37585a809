import { pattern } from "../regex-registry.js";

/**
 * The words around a name that say whether it is a person's: cues before it ("my name is",
 * "Dr.", "says"), and what marks an organisation, a law, an event or a place named after a
 * person instead ("… Inc", "… Orchestra", "work for …"). Used by person-detector.ts.
 */

/** Cue words match in any case while name tokens must stay capitalised, so no `i` flag: letters become [xX]. */
export const ci = (src: string): string => src.replace(/\\.|[a-z]/g, (c) => (c.length > 1 ? c : `[${c}${c.toUpperCase()}]`));

/**
 * Cue phrases that must start a word, as one alternation grouped by first letter, with the
 * "no letter before" look-behind after that letter: `[dD](?<!\p{L}[dD])(?:ear|r\.?|…)`. The same
 * matches as `(?<!\p{L})(?:dear|dr\.?|…)` (phrases with different first letters never match at
 * the same place, and the order within a letter is kept), but the look-behind runs only where a
 * cue's first letter stands instead of at every character of the text.
 */
export function wordStartCues(phrases: readonly string[]): string {
  const byFirst = new Map<string, string[]>();
  for (const p of phrases) {
    const c = p[0];
    if (!/[a-z]/.test(c)) throw new Error(`cue ${p} must start with a letter`);
    byFirst.set(c, [...(byFirst.get(c) ?? []), p.slice(1)]);
  }
  // The look-ahead of every first letter (both cases) lets the engine skip most positions on one
  // character test before trying the alternation (the same matches: each branch starts with one of them).
  const firsts = [...byFirst.keys()].map((c) => c + c.toUpperCase()).join("");
  return `(?=[${firsts}])(?:${[...byFirst].map(([c, rests]) => `${ci(c)}(?<![\\p{L}]${ci(c)})(?:${rests.map(ci).join("|")})`).join("|")})`;
}
const each = (heads: string, tail: string): string[] => heads.split("|").map((h) => h + tail);

export const STRONG_CUE = wordStartCues([
  "my name is", "name is", ...each("my|his|her|their|your", " name"), "names? ?:", "named", "called", "call me", "i am called", "signed", "dear",
  ...each("user|customer|patient|client|employee|applicant", " ?:"), ...each("last|first|full|sur|given|maiden", String.raw` ?name(?: is)?\??:?`),
  "surname ?:?", ...each(String.raw`mr|mrs|ms|mx|miss|dr|prof|sir|dame|madam|mme|mlle|herr|frau|sr|sra|srta|sig|sig\.ra`, String.raw`\.?`),
  "founders?:?", "co-?founders?:?", ...each("directed|written|authored|produced|composed|performed", " by:?"),
  ...each("regards|sincerely|cheers|thanks|best", String.raw`,?\s*\n`),
]);
/** Cues that announce a person: an unlisted name spelt like one counts after them. */
export const PERSON_CUE = wordStartCues([
  "i am", "i'm", "this is", "it's", "hi", "hello", "hey", "says", "said", "asked", "told", "thanked", "between (?:him|her|them|me) and",
  "my (?:kid|child|son|daughter|wife|husband|partner|friend|boss)", "add", "contact", "ask for", "speak (?:to|with)", "talk to", "meet", "met",
  "follow up with", "tribute to", "features", "featuring", "under the name", "cc", "attn:?", "attention:?", "manager", "ceo", "cto", "cfo",
  "director", "president", "assistant", "colleague", "friend", "brother", "sister", "son", "daughter", "wife", "husband", "mother", "father",
  "mom", "dad", "uncle", "aunt", "cousin", "fan of", "fan", "teacher", "doctor", "lawyer", "officer", "agent",
]);
/** Prepositions: they precede places and organisations as often, so the name must hold a listed name. */
export const PREP_CUE = wordStartCues(["by", "with", "from", "to", "and", "for"]);
// Lower-case names need a cue that leaves no doubt.
export const LOWER_CUE = wordStartCues(["my name is", "name is", "names? ?:", "call me", ...each("last|first|full|sur|given|maiden", " ?name(?: is)?:?"), "surname ?:?", ...each("mr|mrs|ms|dr|miss", String.raw`\.`)]);

// What follows an organisation, a law, an event or a place named after a person: "Aunt Bertha Inc",
// "Davis Orchestra", "Civil Rights Act", "Labor Day", "Czech Republic".
export const ORG_AFTER = pattern(
  "person.org_after",
  String.raw`^,?[ \t]+(?:Inc|Incorporated|Corp|Corporation|Co|Company|LLC|LLP|Ltd|Limited|GmbH|AG|SA|SAS|BV|NV|AB|AS|Oy|plc|PLC|Group|Holdings|Partners|Associates|Brothers|Bros|Sons|Foundation|Trust|Institute|Society|Association|Agency|Bank|Capital|Ventures|Labs|Systems|Software|Solutions|Services|Service|Technologies|Media|Studios|Records|Publishing|Press|Weekly|Daily|Times|Journal|Magazine|News|Orchestra|Band|Quartet|Choir|Ensemble|Act|Law|Prize|Award|Day|Festival|Republic|Street|Road|Avenue|Square|Park|Airport|Station|Hall|Center|Centre|Hospital|School|College|University|Museum|Movers|Electric|Motors|Airlines|Hotel|Hotels)\b`,
  "u",
);
// Before an employer or an organisation: "I work for Ellis-Ingram", "joined Acme", "the Smith Orchestra".
export const ORG_BEFORE = pattern("person.org_before", String.raw`(?:\b(?:[Ww]ork(?:s|ed|ing)?|[Ee]mployed|[Ii]ntern(?:ed)?) (?:for|at|by|with)|\b(?:[Jj]oined|[Bb]ecame|[Tt]he|[Aa]t))[ \t]+$`, "u");


/** First words of place names ("San Francisco", "Los Angeles", "New York"): a run they start is a place. */
export const PLACE_PREFIXES: ReadonlySet<string> = new Set(
  "san santa santo são sao los las el la le new fort port mount mt saint st sankt lake salt rio puerto porto north south east west upper lower great little"
    .split(" "),
);
