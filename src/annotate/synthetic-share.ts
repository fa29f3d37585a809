/** Origins whose preferred side a model made, not a person: what the synthetic-share cap counts. */
export const MADE_BY_MODEL: ReadonlySet<string> = new Set(["llm_judge", "synthetic"]);

/** The share of LLM-judge or synthetic generator rows an export may hold before it warns (or, strict, is refused). */
export const DEFAULT_MAX_SYNTHETIC_SHARE = 0.2;

/** Share of rows whose preferred side a model made (LLM judge or synthetic generator); 0 for no rows. */
export function syntheticShare(origins: readonly string[]): number {
  return origins.length === 0 ? 0 : origins.filter((o) => MADE_BY_MODEL.has(o)).length / origins.length;
}
