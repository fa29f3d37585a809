import type { SqliteDb } from "../../store/sqlite.js";
import type { ScrapeSources } from "./gateway-metrics.js";

/**
 * Scrape-time reads of facts other layers store in SQLite: online eval scores and feedback
 * (`trace_scores`, evals) joined to the prompt version that served the trace, and budget events
 * (`budget_events`, limits). Both queries are indexed range scans bounded by the eval window.
 */
export function sqliteScrapeSources(db: SqliteDb, evalWindowS: number): Pick<ScrapeSources, "evalScores" | "budgetEvents"> {
  const scores = db.prepare(`
    SELECT s.name AS name, s.source AS source,
           CASE WHEN t.prompt_name IS NULL THEN NULL ELSE t.prompt_name || '@v' || t.prompt_version END AS prompt,
           avg(s.score) AS mean, count(*) AS samples
    FROM trace_scores s LEFT JOIN traces t ON t.id = s.trace_id
    WHERE s.created_at >= ? AND s.status = 'scored' AND s.score IS NOT NULL
    GROUP BY s.name, s.source, prompt
    LIMIT 1000`);
  const budgets = db.prepare("SELECT budget, kind, count(*) AS count FROM budget_events GROUP BY budget, kind LIMIT 1000");
  return {
    evalScores: () => scores.all(Date.now() - evalWindowS * 1000) as { name: string; source: string; prompt: string | null; mean: number; samples: number }[],
    budgetEvents: () => budgets.all() as { budget: string; kind: string; count: number }[],
  };
}
