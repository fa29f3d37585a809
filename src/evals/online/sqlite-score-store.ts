import type { SqliteDb } from "../../store/sqlite.js";
import type { Feedback, OnlineRuleRecord, OnlineRuleStore, PromptScoreMean, ScoreGroup, ScoreStore, ScoreSummaryRow, TraceScore } from "./types.js";

interface ScoreRow {
  trace_id: string; name: string; source: string; rule_id: string; status: string; score: number | null; passed: number | null;
  label: string; explanation: string; cost_usd: number; created_at: number;
}

/** Group keys of the summary: trace columns (the summary joins `traces`, so expired traces drop out). */
const GROUP_SQL: Record<ScoreGroup, string> = {
  none: "NULL",
  model: "t.model_requested",
  feature: "t.feature",
  key: "t.key_id",
  prompt: "CASE WHEN t.prompt_name IS NULL THEN NULL ELSE t.prompt_name || '@' || COALESCE(t.prompt_version, '?') END",
  rule: "s.rule_id",
};

export class SqliteScoreStore implements ScoreStore {
  private readonly s;
  private readonly addTx;

  constructor(private readonly db: SqliteDb) {
    this.s = {
      add: db.prepare(
        `INSERT OR IGNORE INTO trace_scores (trace_id, name, source, rule_id, status, score, passed, label, explanation, cost_usd, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      has: db.prepare("SELECT 1 FROM trace_scores WHERE trace_id = ? AND rule_id = ? AND source = 'online' LIMIT 1"),
      byTrace: db.prepare("SELECT * FROM trace_scores WHERE trace_id = ? ORDER BY id"),
      addFeedback: db.prepare("INSERT INTO trace_feedback (id, trace_id, key_id, thumbs, score, comment, correction, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
      feedback: db.prepare("SELECT * FROM trace_feedback WHERE trace_id = ? ORDER BY created_at, id"),
      // An indexed range scan (trace_scores_created) bounded by the metrics' eval window.
      meansByPrompt: db.prepare(`
        SELECT s.name AS name, s.source AS source,
               CASE WHEN t.prompt_name IS NULL THEN NULL ELSE t.prompt_name || '@v' || t.prompt_version END AS prompt,
               avg(s.score) AS mean, count(*) AS samples
        FROM trace_scores s LEFT JOIN traces t ON t.id = s.trace_id
        WHERE s.created_at >= ? AND s.status = 'scored' AND s.score IS NOT NULL
        GROUP BY s.name, s.source, prompt
        LIMIT 1000`),
    };
    this.addTx = db.transaction((scores: readonly TraceScore[]) => {
      let n = 0;
      for (const x of scores) {
        n += this.s.add.run(x.trace_id, x.name, x.source, x.rule_id, x.status, x.score, x.passed === null ? null : x.passed ? 1 : 0, x.label, x.explanation, x.cost_usd, Date.parse(x.created_at)).changes;
      }
      return n;
    });
  }

  addScores(scores: readonly TraceScore[]): number {
    return scores.length ? (this.addTx(scores) as number) : 0;
  }

  hasScores(traceId: string, ruleId: string): boolean {
    return this.s.has.get(traceId, ruleId) !== undefined;
  }

  scores(traceId: string): TraceScore[] {
    return (this.s.byTrace.all(traceId) as ScoreRow[]).map((r) => ({
      trace_id: r.trace_id, name: r.name, source: r.source as TraceScore["source"], rule_id: r.rule_id, status: r.status as TraceScore["status"],
      score: r.score, passed: r.passed === null ? null : r.passed === 1, label: r.label, explanation: r.explanation, cost_usd: r.cost_usd,
      created_at: new Date(r.created_at).toISOString(),
    }));
  }

  addFeedback(f: Feedback): void {
    this.s.addFeedback.run(f.id, f.trace_id, f.key_id, f.thumbs === null ? null : f.thumbs === "up" ? 1 : -1, f.score, f.comment, f.correction, Date.parse(f.created_at));
  }

  feedback(traceId: string): Feedback[] {
    return (this.s.feedback.all(traceId) as { id: string; trace_id: string; key_id: string | null; thumbs: number | null; score: number | null; comment: string | null; correction: string | null; created_at: number }[]).map((r) => ({
      id: r.id, trace_id: r.trace_id, key_id: r.key_id, thumbs: r.thumbs === null ? null : r.thumbs > 0 ? "up" : "down",
      score: r.score, comment: r.comment, correction: r.correction, created_at: new Date(r.created_at).toISOString(),
    }));
  }

  summary(o: { name?: string; since?: number; until?: number; groupBy: ScoreGroup }): ScoreSummaryRow[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (o.name) { where.push("s.name = ?"); args.push(o.name); }
    if (o.since !== undefined) { where.push("s.created_at >= ?"); args.push(o.since); }
    if (o.until !== undefined) { where.push("s.created_at < ?"); args.push(o.until); }
    const g = GROUP_SQL[o.groupBy];
    const sql = `SELECT s.name AS name, ${g} AS grp, COUNT(*) AS count, SUM(s.status = 'scored') AS scored,
        AVG(CASE WHEN s.status = 'scored' THEN s.score END) AS mean, AVG(CASE WHEN s.status = 'scored' THEN s.passed END) AS pass_rate
      FROM trace_scores s JOIN traces t ON t.id = s.trace_id ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
      GROUP BY s.name, grp ORDER BY s.name, grp`;
    return (this.db.prepare(sql).all(...args) as { name: string; grp: string | null; count: number; scored: number; mean: number | null; pass_rate: number | null }[]).map((r) => ({
      name: r.name, group: r.grp === null ? null : String(r.grp), count: r.count, scored: r.scored ?? 0, mean: r.mean, pass_rate: r.pass_rate,
    }));
  }

  meansByPrompt(since: number): PromptScoreMean[] {
    return this.s.meansByPrompt.all(since) as PromptScoreMean[];
  }
}

export class SqliteOnlineRuleStore implements OnlineRuleStore {
  private readonly s;
  constructor(db: SqliteDb) {
    this.s = {
      put: db.prepare(
        `INSERT INTO eval_online_rules (id, name, enabled, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, enabled = excluded.enabled, body = excluded.body, updated_at = excluded.updated_at`,
      ),
      list: db.prepare("SELECT * FROM eval_online_rules ORDER BY name"),
      get: db.prepare("SELECT * FROM eval_online_rules WHERE id = ?"),
      del: db.prepare("DELETE FROM eval_online_rules WHERE id = ?"),
    };
  }
  put(r: OnlineRuleRecord): void {
    this.s.put.run(r.id, r.name, r.enabled ? 1 : 0, JSON.stringify(r.body), Date.parse(r.created_at), Date.parse(r.updated_at));
  }
  list(): OnlineRuleRecord[] {
    return (this.s.list.all() as Row[]).map(ruleFromRow);
  }
  get(id: string): OnlineRuleRecord | undefined {
    const r = this.s.get.get(id) as Row | undefined;
    return r ? ruleFromRow(r) : undefined;
  }
  delete(id: string): boolean {
    return this.s.del.run(id).changes === 1;
  }
}

interface Row { id: string; name: string; enabled: number; body: string; created_at: number; updated_at: number }
function ruleFromRow(r: Row): OnlineRuleRecord {
  return { id: r.id, name: r.name, enabled: r.enabled === 1, body: JSON.parse(r.body), created_at: new Date(r.created_at).toISOString(), updated_at: new Date(r.updated_at).toISOString() };
}
