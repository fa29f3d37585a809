import { z } from "zod";

const term = z.string().min(1).max(200);
export const keywordOptions = z.strictObject({
  /** Terms or phrases reported as type "keyword". */
  keywords: z.array(term).max(10_000).default([]),
  /** Banned topics: a name and the terms that signal it; each reported as its topic's name. */
  topics: z.record(z.string().regex(/^[a-z][a-z0-9_]{0,63}$/), z.array(term).min(1).max(10_000)).default({}),
  case_sensitive: z.boolean().default(false),
  /** Match whole words only ("arms" does not match "farmsteads"). */
  whole_words: z.boolean().default(true),
});
export type KeywordOptions = z.output<typeof keywordOptions>;
