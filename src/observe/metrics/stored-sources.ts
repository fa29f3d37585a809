import type { ScrapeSources } from "./gateway-metrics.js";

/** What scrape-time reads need from the stores of other layers (structural: observe imports neither). */
export interface StoredFacts {
  /** Online eval scores and feedback (evals' `ScoreStore`), per prompt version of the scored trace. */
  readonly scores: { meansByPrompt(since: number): readonly { name: string; source: string; prompt: string | null; mean: number; samples: number }[] };
  /** Budget events (limits' `BudgetEventStore`), counted per budget and kind. */
  readonly budgetEvents: { countsByBudget(): readonly { budget: string; kind: string; count: number }[] };
}

/**
 * Scrape-time reads of facts other layers store: mean scores over the last `evalWindowS` seconds
 * and budget event counts. Both are bounded reads in their stores.
 */
export function storedScrapeSources(facts: StoredFacts, evalWindowS: number, now: () => number = Date.now): Pick<ScrapeSources, "evalScores" | "budgetEvents"> {
  return {
    evalScores: () => facts.scores.meansByPrompt(now() - evalWindowS * 1000),
    budgetEvents: () => facts.budgetEvents.countsByBudget(),
  };
}
