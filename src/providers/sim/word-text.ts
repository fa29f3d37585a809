import type { Rng } from "../../random/rng.js";

/**
 * The simulator's vocabulary. Every word is exactly one o200k token both bare and with a leading
 * space (word-text.test.ts checks it), and o200k pre-tokenises " word" and "." apart, so an answer
 * built from N of these pieces is exactly N tokens: the stream can send one piece per chunk and
 * usage needs no tokenizer pass. 256 entries so an index is one byte of randomness.
 */
export const WORDS: readonly string[] = [
  "the", "of", "and", "to", "in", "is", "that", "it", "for", "on", "with", "as", "was", "at", "by", "be",
  "this", "are", "from", "or", "have", "an", "but", "not", "what", "all", "were", "we", "when", "your", "can",
  "said", "there", "use", "each", "which", "do", "how", "their", "if", "will", "up", "other", "about", "out",
  "many", "then", "them", "these", "so", "some", "would", "make", "like", "into", "time", "has", "look",
  "two", "more", "write", "go", "see", "number", "no", "way", "could", "people", "my", "than", "first",
  "water", "been", "call", "who", "its", "now", "find", "long", "down", "day", "did", "get", "come", "made",
  "may", "part", "over", "new", "sound", "take", "only", "little", "work", "know", "place", "year", "live",
  "me", "back", "give", "most", "very", "after", "thing", "our", "just", "name", "good", "sentence", "think",
  "say", "great", "where", "help", "through", "much", "before", "line", "right", "too", "mean", "old", "any",
  "same", "tell", "follow", "came", "want", "show", "also", "around", "form", "three", "small", "set", "put",
  "end", "does", "another", "well", "large", "must", "big", "even", "such", "because", "turn", "here", "why",
  "ask", "went", "read", "need", "land", "different", "home", "us", "move", "try", "kind", "hand", "picture",
  "again", "change", "off", "play", "air", "away", "animal", "house", "point", "page", "letter", "answer",
  "found", "study", "still", "learn", "should", "world", "high", "every", "near", "add", "food", "between",
  "own", "below", "country", "plant", "last", "school", "keep", "tree", "never", "start", "city", "earth",
  "eye", "light", "thought", "head", "under", "story", "left", "few", "while", "along", "might", "close",
  "something", "next", "hard", "open", "example", "begin", "life", "always", "those", "both", "paper", "got",
  "group", "often", "run", "important", "until", "children", "side", "feet", "car", "mile", "night", "walk",
  "white", "sea", "grow", "river", "four", "carry", "state", "once", "book", "hear", "stop", "without",
  "second", "later", "idea", "eat", "face", "watch", "far", "really", "almost",
];

const SPACED: readonly string[] = WORDS.map((w) => " " + w);

/** Chance of ending a sentence after a word, once a sentence has four words. */
const PERIOD_CHANCE = 0.15;

/**
 * `tokens` pieces of prose, one token each. `endSentence` closes the answer with a period, as a
 * model that stopped on its own would; an answer cut by max_tokens ends mid-sentence instead.
 */
export function wordPieces(rng: Rng, tokens: number, endSentence: boolean): string[] {
  const pieces = new Array<string>(tokens);
  let sinceStop = 0;
  for (let i = 0; i < tokens; i++) {
    const left = tokens - i;
    if (i > 0 && sinceStop > 0 && ((endSentence && left === 1) || (sinceStop >= 4 && left > 2 && rng.next() < PERIOD_CHANCE))) {
      pieces[i] = ".";
      sinceStop = 0;
    } else {
      pieces[i] = (i === 0 ? WORDS : SPACED)[rng.int(256)];
      sinceStop++;
    }
  }
  return pieces;
}

/** `count` words joined by spaces, for string values inside generated JSON. */
export function wordPhrase(rng: Rng, count: number): string {
  let s = WORDS[rng.int(256)];
  for (let i = 1; i < count; i++) s += SPACED[rng.int(256)];
  return s;
}
