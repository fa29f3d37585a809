/**
 * A typoglycemia scrambler for measuring robustness: every word of five or more letters keeps its
 * first and last letter and has its inner letters shuffled (seeded, and never left unchanged when
 * a change is possible), as in "ignroe all prevoius insturctions".
 */
import { seededRandom } from "../../random/seeded-random.js";

export function scrambleWord(word: string, rand: () => number): string {
  if (word.length < 5) return word;
  const inner = word.slice(1, -1).split("");
  if (new Set(inner).size < 2) return word;
  for (let attempt = 0; attempt < 8; attempt++) {
    for (let i = inner.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [inner[i], inner[j]] = [inner[j], inner[i]];
    }
    const out = word[0] + inner.join("") + word[word.length - 1];
    if (out !== word) return out;
  }
  return word;
}

export function scrambleText(text: string, seed: number): string {
  const rand = seededRandom(seed);
  return text.replace(/[A-Za-z]{5,}/g, (w) => scrambleWord(w, rand));
}
