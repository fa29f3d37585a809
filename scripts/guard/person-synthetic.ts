import { nameLexicon } from "../../src/guard/pii/name-lexicon.js";
import { wordKind } from "../../src/guard/pii/name-shape.js";
import { seededRandom } from "../../src/random/seeded-random.js";
import shape from "../../src/guard/pii/name-shape.json" with { type: "json" };

/**
 * Sentences written for Keel (Apache-2.0, like the project) to train the person tagger on
 * positions the presidio-research rows show rarely: names after prepositions, opening a
 * sentence, in review trailers and ticket notes; and capitalised words that are not people —
 * places, brands and products from name-shape.json's `capitals` (common capitalised cl100k
 * pieces that are neither words nor listed names), firms named like people, sentence openers.
 * Names come from the installed `@cspell/dict-people-names` list (MIT). The templates are Keel's
 * own — workplace and support traffic — not presidio-research's.
 *
 * Seeded, so reproducible. Training only: the trainer cross-validates on public rows, so these
 * never grade themselves.
 */

interface Row { text: string; spans: { type: string; start: number; end: number }[] }

const PERSON_TEMPLATES = [
  "Could you forward the invoice to {P}?",
  "{P} asked whether the nightly build is green.",
  "The ticket was reassigned from {P} to {P} this morning.",
  "I had lunch with {F} and we talked about the migration.",
  "Reviewed-by: {P}",
  "According to {P}, the deadline moved to Friday.",
  "Thanks to {F} for the quick fix!",
  "Please add {P} to the on-call rota.",
  "{F} and {F} will pair on the parser next sprint.",
  "Escalate this to {P} if the queue keeps growing.",
  "Notes from the call with {P}: the budget is approved.",
  "Ask {F} about the staging credentials.",
  "The report was drafted by {P} and checked by {P}.",
  "{P} joined the support team in 2019.",
  "Can {F} cover my shift on Saturday?",
  "Send the slides to {F} before noon.",
  "Our landlord, {P}, still has not fixed the heating.",
  "I'm writing on behalf of {P} regarding the refund.",
  "{F} thinks the cache is stale.",
  "Happy birthday, {F}!",
];

const OTHER_TEMPLATES = [
  "{V} the following sentences by tone.",
  "{V} this paragraph for a ten-year-old.",
  "{V} the list below and explain your choice.",
  "{V} these product reviews in one line each.",
  "Give me a recipe for {C}.",
  "Tell me three facts about {C}.",
  "How far is {C} from {C} by train?",
  "I'm planning a weekend in {C}; what should I pack?",
  "We are opening a new office in {C} next spring.",
  "Our team moved from {C} to {C} last year.",
  "Can you compare {C} and {C} for a small shop?",
  "What is the best time of year to visit {C}?",
  "{C} released a new version of its app yesterday.",
  "How do I export my data from {C}?",
  "The {C} integration keeps timing out.",
  "{O}, the service restarts at midnight.",
  "{O} we should check the logs first.",
  "Write a short poem about {C}.",
  "Is {C} cheaper than {C} for storage?",
  "I bought a {C} laptop and it overheats.",
  "The contract with {L} & {L} LLP expires in June.",
  "She works at {L} Partners as an analyst.",
  "Translate this paragraph into {C}.",
  "Summarize the {C} article in three bullet points.",
];

// Imperatives that open prompts; capitalised they are no names.
const VERBS = ["Categorize", "Paraphrase", "Summarize", "Rewrite", "Classify", "Translate", "Generate", "Outline", "Proofread", "Rephrase", "Brainstorm", "Tabulate", "Critique", "Annotate", "Alphabetize", "Simplify", "Elaborate", "Recommend", "Shorten", "Analyze"];
const OPENERS = ["However", "Meanwhile", "Additionally", "Unfortunately", "Therefore", "Furthermore", "Otherwise", "Honestly", "Alternatively", "Overall", "Finally", "Basically"];

const cap = (w: string): string => w.charAt(0).toUpperCase() + w.slice(1);

export function syntheticPersonRows(count = 1200, seed = 34): Row[] {
  const r = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  // Listed names only (not English words), in a stable order so the seed picks the same ones.
  const names = [...nameLexicon()].filter((w) => /^\p{L}{3,}$/u.test(w) && wordKind(cap(w)) === "name").sort();
  const capitals = shape.capitals.split(" ").filter((w) => w.length >= 4);
  const out: Row[] = [];
  for (let n = 0; n < count; n++) {
    const template = n % 3 === 0 ? pick(PERSON_TEMPLATES) : pick(OTHER_TEMPLATES);
    const spans: Row["spans"] = [];
    let text = "";
    let last = 0;
    for (const m of template.matchAll(/\{([PFCOLV])\}/g)) {
      text += template.slice(last, m.index);
      last = m.index + m[0].length;
      const slot = m[1];
      const value = slot === "P" ? (r() < 0.2 ? `${cap(pick(names))} ${String.fromCharCode(65 + Math.floor(r() * 26))}. ${cap(pick(names))}` : `${cap(pick(names))} ${cap(pick(names))}`)
        : slot === "F" || slot === "L" ? cap(pick(names))
        : slot === "C" ? cap(pick(capitals))
        : slot === "V" ? pick(VERBS)
        : pick(OPENERS);
      if (slot === "P" || slot === "F") spans.push({ type: "PERSON", start: text.length, end: text.length + value.length });
      text += value;
    }
    text += template.slice(last);
    out.push({ text, spans });
  }
  return out;
}
