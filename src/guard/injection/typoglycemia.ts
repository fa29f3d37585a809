/**
 * Typoglycemia: people (and LLMs) read "ignroe all prevoius insturctions" as the real phrase, because
 * a word is recognised by its first and last letter and the bag of letters between. So a scrambled
 * word is matched by exactly that key: first letter, last letter, sorted inner letters.
 *
 * The vocabulary is every word the detectors care about (signature keywords and the classifier's
 * vocabulary), so restoring a scrambled word makes it visible to every later layer at once.
 */

/** key → the vocabulary word it restores to; plus the vocabulary itself, left untouched. */
export interface Descrambler {
  readonly keys: ReadonlyMap<string, string>;
  readonly words: ReadonlySet<string>;
  /**
   * First letter, last letter and length of every key (`edge()`): a word whose edge is not here
   * cannot be a scramble, so its sorted key is never built — most words of a long text.
   */
  readonly edges?: ReadonlySet<number>;
}

const edge = (w: string): number => (w.charCodeAt(0) << 16) | (w.charCodeAt(w.length - 1) << 8) | Math.min(w.length, 255);

/** Words shorter than this are left alone: "form"/"from" and "salt"/"slat" collide too often. */
export const MIN_SCRAMBLE_LENGTH = 5;

// Letter counts of a key's inner letters, reused: scrambleKey runs once per candidate word.
const counts = new Uint32Array(26);

export function scrambleKey(word: string): string {
  if (word.length < 3) return word;
  // a–z words (all descramble() asks about): the inner letters sorted by counting, which is the
  // order sort() gives them (by code unit), without an array of one-letter strings.
  let az = true;
  for (let i = 1; i < word.length - 1; i++) {
    const c = word.charCodeAt(i) - 97;
    if (c < 0 || c > 25) {
      az = false;
      break;
    }
  }
  if (!az) {
    const inner = word.slice(1, -1).split("").sort().join("");
    return `${word[0]}${word[word.length - 1]}${inner}`;
  }
  counts.fill(0);
  for (let i = 1; i < word.length - 1; i++) counts[word.charCodeAt(i) - 97]++;
  let inner = "";
  for (let c = 0; c < 26; c++) for (let k = counts[c]; k > 0; k--) inner += String.fromCharCode(97 + c);
  return `${word[0]}${word[word.length - 1]}${inner}`;
}

/**
 * When two vocabulary words share a key ("salt"/"slat" style anagrams), the first one listed wins:
 * callers list the words that matter most (signature keywords) first.
 */
export function buildDescrambler(vocabulary: Iterable<string>): Descrambler {
  const keys = new Map<string, string>();
  const words = new Set<string>();
  const edges = new Set<number>();
  for (const raw of vocabulary) {
    const w = raw.toLowerCase();
    if (!/^[a-z]+$/.test(w)) continue;
    words.add(w);
    if (w.length < MIN_SCRAMBLE_LENGTH) continue;
    const k = scrambleKey(w);
    if (!keys.has(k)) keys.set(k, w);
    edges.add(edge(w));
  }
  return { keys, words, edges };
}

/** The vocabulary word `word` is a scramble of, or null (also null for words already in the vocabulary). */
export function matchScrambled(word: string, d: Descrambler): string | null {
  if (word.length < MIN_SCRAMBLE_LENGTH || d.words.has(word) || (d.edges && !d.edges.has(edge(word)))) return null;
  return d.keys.get(scrambleKey(word)) ?? null;
}

/**
 * Every maximal run of five or more a–z letters (what `/[a-z]{5,}/g` matches) is looked up; the
 * text is rebuilt only when one is restored. The edge test runs on char codes before the run is
 * sliced out, so most words of a long text cost no string at all (a `replace` callback made one
 * per word).
 */
export function descramble(text: string, d: Descrambler): { text: string; restored: number } {
  let restored = 0;
  let out = "";
  let copied = 0;
  const n = text.length;
  for (let i = 0; i < n; ) {
    const c = text.charCodeAt(i);
    if (c < 97 || c > 122) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < n) {
      const k = text.charCodeAt(j);
      if (k < 97 || k > 122) break;
      j++;
    }
    const len = j - i;
    if (len >= MIN_SCRAMBLE_LENGTH && (!d.edges || d.edges.has((c << 16) | (text.charCodeAt(j - 1) << 8) | Math.min(len, 255)))) {
      const hit = matchScrambled(text.slice(i, j), d);
      if (hit !== null) {
        restored++;
        out += text.slice(copied, i) + hit;
        copied = j;
      }
    }
    i = j;
  }
  return { text: copied === 0 ? text : out + text.slice(copied), restored };
}
