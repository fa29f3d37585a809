import type { PgSql } from "../../store/postgres/pg-bridge.js";
import type { Feedback, OnlineRuleRecord, OnlineRuleStore, PromptScoreMean, ScoreGroup, ScoreStore, ScoreSummaryRow, TraceScore } from "./types.js";

interface ScoreRow {
  trace_id: string; name: string; source: string; rule_id: string; status: string; score: number | null; passed: boolean | null;
  label: string; explanation: string; cost_usd: number; created_at: number;
}
interface FeedbackRow { id: string; trace_id: string; key_id: string | null; thumbs: number | null; score: number | null; comment: string | null; correction: string | null; created_at: number }

/** Group keys of the summary, as `SqliteScoreStore` has them (the summary joins `traces`, so expired traces drop out). */
const GROUP_SQL: Record<ScoreGroup, string> = {
  none: "NULL::text",
  model: "t.model_requested",
  feature: "t.feature",
  key: "t.key_id",
  prompt: "CASE WHEN t.prompt_name IS NULL THEN NULL ELSE t.prompt_name || '@' || COALESCE(t.prompt_version::text, '?') END",
  rule: "s.rule_id",
};

/** `ScoreStore` on PostgreSQL over `trace_scores`, `trace_feedback` and the traces table of the trace store. */
export class PgScoreStore implements ScoreStore {
  constructor(private readonly db: PgSql) {}

  addScores(scores: readonly TraceScore[]): number {
    if (scores.length === 0) return 0;
    // One statement for the batch; ON CONFLICT DO NOTHING also skips a repeat within it, as SQLite's per-row INSERT OR IGNORE does.
    // `passed` travels as 0/1 ints: the driver cannot bind a JS boolean array to boolean[].
    return this.db.run(
      `INSERT INTO trace_scores (trace_id, name, source, rule_id, status, score, passed, label, explanation, cost_usd, created_at)
       SELECT u.trace_id, u.name, u.source, u.rule_id, u.status, u.score, u.passed::boolean, u.label, u.explanation, u.cost_usd, u.created_at
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::float8[], $7::int[], $8::text[], $9::text[], $10::float8[], $11::bigint[])
         WITH ORDINALITY AS u (trace_id, name, source, rule_id, status, score, passed, label, explanation, cost_usd, created_at, n)
       ORDER BY u.n
       ON CONFLICT DO NOTHING`,
      [
        scores.map((x) => x.trace_id), scores.map((x) => x.name), scores.map((x) => x.source), scores.map((x) => x.rule_id),
        scores.map((x) => x.status), scores.map((x) => x.score), scores.map((x) => (x.passed === null ? null : x.passed ? 1 : 0)), scores.map((x) => x.label),
        scores.map((x) => x.explanation), scores.map((x) => x.cost_usd), scores.map((x) => Date.parse(x.created_at)),
      ],
    );
  }

  hasScores(traceId: string, ruleId: string): boolean {
    return this.db.get("SELECT 1 FROM trace_scores WHERE trace_id = $1 AND rule_id = $2 AND source = 'online' LIMIT 1", [traceId, ruleId]) !== undefined;
  }

  scores(traceId: string): TraceScore[] {
    return this.db.all<ScoreRow>("SELECT * FROM trace_scores WHERE trace_id = $1 ORDER BY id", [traceId]).map((r) => ({
      trace_id: r.trace_id, name: r.name, source: r.source as TraceScore["source"], rule_id: r.rule_id, status: r.status as TraceScore["status"],
      score: r.score, passed: r.passed, label: r.label, explanation: r.explanation, cost_usd: r.cost_usd,
      created_at: new Date(r.created_at).toISOString(),
    }));
  }

  addFeedback(f: Feedback): void {
    this.db.run("INSERT INTO trace_feedback (id, trace_id, key_id, thumbs, score, comment, correction, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)", [
      f.id, f.trace_id, f.key_id, f.thumbs === null ? null : f.thumbs === "up" ? 1 : -1, f.score, f.comment, f.correction, Date.parse(f.created_at),
    ]);
  }

  feedback(traceId: string): Feedback[] {
    return this.db.all<FeedbackRow>(`SELECT * FROM trace_feedback WHERE trace_id = $1 ORDER BY created_at, id COLLATE "C"`, [traceId]).map((r) => ({
      id: r.id, trace_id: r.trace_id, key_id: r.key_id, thumbs: r.thumbs === null ? null : r.thumbs > 0 ? "up" : "down",
      score: r.score, comment: r.comment, correction: r.correction, created_at: new Date(r.created_at).toISOString(),
    }));
  }

  summary(o: { name?: string; since?: number; until?: number; groupBy: ScoreGroup }): ScoreSummaryRow[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (o.name) { args.push(o.name); where.push(`s.name = $${args.length}`); }
    if (o.since !== undefined) { args.push(o.since); where.push(`s.created_at >= $${args.length}`); }
    if (o.until !== undefined) { args.push(o.until); where.push(`s.created_at < $${args.length}`); }
    // SQLite sorts NULL first and text bytewise; the outer ORDER BY says both out loud.
    const sql = `SELECT * FROM (
        SELECT s.name AS name, ${GROUP_SQL[o.groupBy]} AS grp, COUNT(*) AS count, SUM(CASE WHEN s.status = 'scored' THEN 1 ELSE 0 END) AS scored,
          AVG(CASE WHEN s.status = 'scored' THEN s.score END) AS mean, AVG(CASE WHEN s.status = 'scored' THEN s.passed::int END) AS pass_rate
        FROM trace_scores s JOIN traces t ON t.id = s.trace_id ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
        GROUP BY 1, 2
      ) q ORDER BY name COLLATE "C", grp COLLATE "C" NULLS FIRST`;
    return this.db.all<{ name: string; grp: string | null; count: number; scored: number | null; mean: number | null; pass_rate: number | null }>(sql, args).map((r) => ({
      name: r.name, group: r.grp, count: r.count, scored: r.scored ?? 0, mean: r.mean, pass_rate: r.pass_rate,
    }));
  }

  meansByPrompt(since: number): PromptScoreMean[] {
    // An indexed range scan (trace_scores_created) bounded by the metrics' eval window.
    return this.db.all<PromptScoreMean>(
      `SELECT s.name AS name, s.source AS source,
              CASE WHEN t.prompt_name IS NULL THEN NULL ELSE t.prompt_name || '@v' || t.prompt_version::text END AS prompt,
              avg(s.score) AS mean, count(*) AS samples
       FROM trace_scores s LEFT JOIN traces t ON t.id = s.trace_id
       WHERE s.created_at >= $1 AND s.status = 'scored' AND s.score IS NOT NULL
       GROUP BY 1, 2, 3
       LIMIT 1000`,
      [since],
    );
  }
}

interface RuleRow { id: string; name: string; enabled: boolean; body: string; created_at: number; updated_at: number }

/** `OnlineRuleStore` on PostgreSQL. */
export class PgOnlineRuleStore implements OnlineRuleStore {
  constructor(private readonly db: PgSql) {}

  put(r: OnlineRuleRecord): void {
    this.db.run(
      `INSERT INTO eval_online_rules (id, name, enabled, body, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, enabled = excluded.enabled, body = excluded.body, updated_at = excluded.updated_at`,
      [r.id, r.name, r.enabled, JSON.stringify(r.body), Date.parse(r.created_at), Date.parse(r.updated_at)],
    );
  }

  list(): OnlineRuleRecord[] {
    return this.db.all<RuleRow>(`SELECT * FROM eval_online_rules ORDER BY name COLLATE "C"`).map(ruleFromRow);
  }

  get(id: string): OnlineRuleRecord | undefined {
    const r = this.db.get<RuleRow>("SELECT * FROM eval_online_rules WHERE id = $1", [id]);
    return r ? ruleFromRow(r) : undefined;
  }

  delete(id: string): boolean {
    return this.db.run("DELETE FROM eval_online_rules WHERE id = $1", [id]) === 1;
  }
}

function ruleFromRow(r: RuleRow): OnlineRuleRecord {
  return { id: r.id, name: r.name, enabled: r.enabled, body: JSON.parse(r.body), created_at: new Date(r.created_at).toISOString(), updated_at: new Date(r.updated_at).toISOString() };
}
