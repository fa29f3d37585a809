/**
 * Build src/guard/pii/name-shape.json, the word statistics behind the person-name detector:
 *
 *   npx tsx scripts/guard/build-name-shape.ts
 *
 * Two inputs, both already installed (no download, no new dependency):
 * - the given and family names of `@cspell/dict-people-names` (MIT);
 * - the word pieces of the cl100k BPE vocabulary shipped by `gpt-tokenizer` (MIT). A BPE merge
 *   rank orders pieces by how common they were in the tokenizer's training text, so for a word
 *   spelt " word" and " Word" the lower rank says which spelling is more common. A word that is
 *   more common in lower case ("mark", "young", "court", "said") is an English word even when the
 *   name list holds it; one more common capitalised ("john", "kim") is a proper noun.
 *
 * Output: `words`, the lower-case words more common in lower case (space-joined), and
 * `trigrams` and `bigrams`, the log-odds of each character trigram (bigram) in a name (lexicon
 * minus words) against an English word (words minus lexicon), add-one smoothed; grams whose odds
 * are near even or that were seen once are left out; `capitals`, capitalised words that are one
 * cl100k piece but neither lower-case words nor listed names, and `openers`, those of them that are
 * a lower-case piece too (both read by the person tagger only). Deterministic: the same inputs give the same file.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
const namesDir = dirname(require.resolve("@cspell/dict-people-names/cspell-ext.json"));
const names = new Set<string>();
for (const line of readFileSync(join(namesDir, "dict", "people-names.txt"), "utf8").split("\n")) {
  const w = line.trim().toLowerCase();
  if (w && !w.startsWith("#")) names.add(w);
}

const bpe = join(dirname(require.resolve("gpt-tokenizer/package.json")), "data", "cl100k_base.tiktoken");
const lowerRank = new Map<string, number>();
const capRank = new Map<string, number>();
for (const line of readFileSync(bpe, "utf8").split("\n")) {
  const sp = line.indexOf(" ");
  if (sp < 0) continue;
  const piece = Buffer.from(line.slice(0, sp), "base64").toString("latin1");
  const rank = Number(line.slice(sp + 1));
  if (/^ [a-z]{2,}$/.test(piece)) lowerRank.set(piece.slice(1), rank);
  else if (/^ [A-Z][a-z]+$/.test(piece)) capRank.set(piece.slice(1).toLowerCase(), rank);
}
const words = [...lowerRank].filter(([w, r]) => !(capRank.has(w) && capRank.get(w)! < r)).map(([w]) => w).sort();
const wordSet = new Set(words);

function gramsOf(w: string, n: number): string[] {
  const s = `^${w}$`;
  const out: string[] = [];
  for (let i = 0; i + n <= s.length; i++) out.push(s.slice(i, i + n));
  return out;
}
function logOdds(n: number, minCount: number): Record<string, number> {
  const count = (list: Iterable<string>): { counts: Map<string, number>; total: number } => {
    const counts = new Map<string, number>();
    let total = 0;
    for (const w of list) for (const t of gramsOf(w, n)) {
      counts.set(t, (counts.get(t) ?? 0) + 1);
      total++;
    }
    return { counts, total };
  };
  const pos = count([...names].filter((w) => !wordSet.has(w) && /^[\p{L}'’-]+$/u.test(w)));
  const neg = count(words.filter((w) => !names.has(w)));
  const keys = [...new Set([...pos.counts.keys(), ...neg.counts.keys()])].sort();
  const out: Record<string, number> = {};
  for (const t of keys) {
    const p = pos.counts.get(t) ?? 0;
    const q = neg.counts.get(t) ?? 0;
    if (p + q < minCount) continue;
    const lo = Math.log((p + 1) / (pos.total + keys.length)) - Math.log((q + 1) / (neg.total + keys.length));
    if (Math.abs(lo) >= 0.3) out[t] = Math.round(lo * 10) / 10;
  }
  return out;
}
// Trigrams seen at least twice; bigrams stand in for the trigrams left out.
const trigrams = logOdds(3, 2);
const bigrams = logOdds(2, 2);
// Capitalised words common enough to be one cl100k piece that are neither lower-case words nor
// listed names: places, brands, demonyms, sentence openers ("Alabama", "LinkedIn", "However").
// Evidence against a person for the tagger (decision 0034); the rules do not read it.
const capitals = [...capRank.keys()].filter((w) => w.length >= 3 && !wordSet.has(w) && !names.has(w)).sort();
// Of those, the ones also written in lower case often enough to be a piece: English words that
// open sentences more than they sit inside them ("However", "Given", "Paraphrase").
const openers = capitals.filter((w) => lowerRank.has(w));
const out = join(import.meta.dirname, "../../src/guard/pii/name-shape.json");
writeFileSync(out, JSON.stringify({ source: "scripts/guard/build-name-shape.ts", words: words.join(" "), trigrams, bigrams, capitals: capitals.join(" "), openers: openers.join(" ") }) + "\n");
console.log(`${words.length} words, ${capitals.length} capitals (${openers.length} openers), ${Object.keys(trigrams).length} trigrams, ${Object.keys(bigrams).length} bigrams → ${out}`);
