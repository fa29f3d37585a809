import { z } from "zod";

/**
 * Keeps a label's cardinality bounded: values on the allow-list always get their own series; the
 * first `top_n` other distinct values seen get one too; everything after that is `other`.
 *
 * First-seen admission rather than a running frequency ranking, on purpose: a series never changes
 * meaning between scrapes (a re-ranked top-N would move counts from one label value to another and
 * break `rate()`). The cost is that a burst of rare values early on can take the slots — list the
 * values that matter in `allow`.
 */
export const labelBoundSchema = z.strictObject({
  allow: z.array(z.string().min(1).max(256)).max(1000).default([]),
  top_n: z.int().min(0).max(10_000).default(20),
});
export type LabelBoundConfig = z.output<typeof labelBoundSchema>;

export const OTHER = "other";
export const NONE = "none";
const MAX_LEN = 128;

export class BoundedLabel {
  private readonly admitted = new Set<string>();
  private readonly allow: ReadonlySet<string>;

  constructor(private readonly cfg: LabelBoundConfig) {
    this.allow = new Set(cfg.allow);
  }

  /** O(1): one or two Set lookups; a value is copied only when first admitted. */
  map(v: string | null | undefined): string {
    if (v === null || v === undefined || v === "") return NONE;
    if (this.allow.has(v) || this.admitted.has(v)) return v;
    if (this.admitted.size < this.cfg.top_n && v.length <= MAX_LEN && !v.includes("\u0000")) {
      this.admitted.add(v);
      return v;
    }
    return OTHER;
  }

  get distinct(): number {
    return this.admitted.size + this.allow.size;
  }
}
