import type { ChunkingOptions } from "./knowledge-schema.js";

/**
 * Splits text into chunks of at most `size` characters, preferring the strongest boundary that
 * fits: blank line (paragraph), then line break, then sentence end, then a space, and only then a
 * hard cut. Consecutive chunks share about `overlap` characters (whole pieces from the end of the
 * previous chunk, at a space when possible), so a fact cut by a boundary is whole in one of them.
 * Pure and linear in the text's length.
 */
export function chunkText(text: string, opts: ChunkingOptions): string[] {
  const size = opts.size;
  const overlap = Math.min(opts.overlap, Math.floor(size / 2));
  const clean = text.replace(/\r\n?/g, "\n").replace(/[ \t]+\n/g, "\n").trim();
  if (clean.length === 0) return [];
  const out: string[] = [];
  let start = 0;
  while (start < clean.length) {
    if (clean.length - start <= size) {
      pushChunk(out, clean.slice(start));
      break;
    }
    const end = cutPoint(clean, start, start + size);
    pushChunk(out, clean.slice(start, end));
    if (overlap === 0) {
      start = skipSpace(clean, end);
      continue;
    }
    // Back up by `overlap` characters to a space, but always move forward.
    let next = end - overlap;
    const space = clean.indexOf(" ", next);
    if (space !== -1 && space < end) next = space + 1;
    start = Math.max(next, start + 1);
  }
  return out;
}

const BOUNDARIES: readonly RegExp[] = [/\n\n/g, /\n/g, /[.!?。！？]["')\]]?\s/g, /\s/g];

/** The end of a chunk starting at `start` and ending by `limit`: the last strongest boundary past its first half. */
function cutPoint(text: string, start: number, limit: number): number {
  const window = text.slice(start, limit);
  const floor = Math.floor(window.length / 2);
  for (const re of BOUNDARIES) {
    re.lastIndex = 0;
    let best = -1;
    for (let m = re.exec(window); m !== null; m = re.exec(window)) best = m.index + m[0].length;
    if (best > floor) return start + best;
  }
  return limit;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && /\s/.test(text[i])) i++;
  return i;
}

function pushChunk(out: string[], piece: string): void {
  const t = piece.trim();
  if (t.length > 0) out.push(t);
}

/** OpenAI's `chunking_strategy` ({type:"static", static:{max_chunk_size_tokens, chunk_overlap_tokens}}) in characters. */
export const CHARS_PER_TOKEN = 4;
