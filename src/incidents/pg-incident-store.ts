import type { AlertRule } from "../alerts/rule-schema.js";
import type { PgSql } from "../store/postgres/pg-bridge.js";
import type { Incident, IncidentStore } from "./incident-store.js";

interface Row { id: string; rule: string; episode: number; fired_at: number; resolved_at: number | null; body: string }

/** `IncidentStore` on PostgreSQL: UNIQUE (rule, episode), the rule and its readings as a JSON body. */
export class PgIncidentStore implements IncidentStore {
  constructor(private readonly db: PgSql) {}

  open(inc: Omit<Incident, "resolved_at">): string {
    // One round trip: the new row's id, or (on conflict) the standing one's, which the CTE's snapshot still sees.
    const row = this.db.get<{ id: string }>(
      `WITH ins AS (
         INSERT INTO incidents (id, rule, episode, fired_at, body) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING id
       )
       SELECT id FROM ins UNION ALL SELECT id FROM incidents WHERE rule = $2 AND episode = $3 LIMIT 1`,
      [inc.id, inc.rule.name, inc.episode, inc.fired_at, JSON.stringify({ rule: inc.rule, value: inc.value, baseline: inc.baseline, samples: inc.samples })],
    );
    if (!row) throw new Error(`incident id ${inc.id} is taken by another (rule, episode)`);
    return row.id;
  }

  resolve(rule: string, episode: number, at: number): string | null {
    return this.db.get<{ id: string }>(
      `WITH upd AS (UPDATE incidents SET resolved_at = $1 WHERE rule = $2 AND episode = $3 AND resolved_at IS NULL)
       SELECT id FROM incidents WHERE rule = $2 AND episode = $3`,
      [at, rule, episode],
    )?.id ?? null;
  }

  get(id: string): Incident | undefined {
    const row = this.db.get<Row>("SELECT * FROM incidents WHERE id = $1", [id]);
    return row ? fromRow(row) : undefined;
  }

  list(limit: number): Incident[] {
    return this.db.all<Row>("SELECT * FROM incidents ORDER BY fired_at DESC LIMIT $1", [limit]).map(fromRow);
  }
}

function fromRow(r: Row): Incident {
  const b = JSON.parse(r.body) as { rule: AlertRule; value: number | null; baseline: number | null; samples: number };
  return { id: r.id, rule: b.rule, episode: r.episode, fired_at: r.fired_at, resolved_at: r.resolved_at, value: b.value, baseline: b.baseline, samples: b.samples };
}
