import { z } from "zod";
import { lowerMedian } from "../stats/descriptive.js";

/** One rating of one item: `{id, score}`, with `rater` when a file holds several raters. */
export const ratingRowSchema = z.object({
  id: z.union([z.string().min(1).max(256), z.number().transform(String)]),
  score: z.number().finite(),
  rater: z.string().min(1).max(128).optional(),
});
export type RatingRow = z.output<typeof ratingRowSchema>;

/** The rater name used for rows that give none. */
export const DEFAULT_RATER = "default";

/** Parses JSON Lines of rating rows; an error names the file and line. A rater may rate an item once. */
export function parseRatingsJsonl(text: string, source: string): RatingRow[] {
  const rows: RatingRow[] = [];
  const seen = new Set<string>();
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === "") return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (err) {
      throw new Error(`${source}:${i + 1}: not JSON: ${(err as Error).message}`);
    }
    const r = ratingRowSchema.safeParse(json);
    if (!r.success) throw new Error(`${source}:${i + 1}: ${r.error.issues[0].path.join(".") || "row"}: ${r.error.issues[0].message}`);
    const key = `${r.data.rater ?? DEFAULT_RATER}\u0000${r.data.id}`;
    if (seen.has(key)) throw new Error(`${source}:${i + 1}: item "${r.data.id}" is rated twice by ${r.data.rater ?? "the same rater"}`);
    seen.add(key);
    rows.push(r.data);
  });
  return rows;
}

/** rater → (item → score). */
export function byRater(rows: readonly RatingRow[]): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const r of rows) {
    const name = r.rater ?? DEFAULT_RATER;
    let m = out.get(name);
    if (!m) out.set(name, (m = new Map()));
    m.set(r.id, r.score);
  }
  return out;
}

/**
 * One score per item from several raters: the lower median, so the consensus of integer ratings
 * stays an integer on the scale (the mean of 3 and 4 is no category).
 */
export function consensus(rows: readonly RatingRow[]): Map<string, number> {
  const scores = new Map<string, number[]>();
  for (const r of rows) {
    const list = scores.get(r.id);
    if (list) list.push(r.score);
    else scores.set(r.id, [r.score]);
  }
  return new Map([...scores].map(([id, s]) => [id, lowerMedian(s)]));
}
