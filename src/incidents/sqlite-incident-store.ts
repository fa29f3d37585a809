import type { AlertRule } from "../alerts/rule-schema.js";
import type { SqliteDb } from "../store/sqlite.js";
import type { Incident, IncidentStore } from "./incident-store.js";

/** Incidents in SQLite (migration 7): the rule and its readings as a JSON body, UNIQUE (rule, episode). */
export class SqliteIncidentStore implements IncidentStore {
  private readonly s;

  constructor(db: SqliteDb) {
    this.s = {
      open: db.prepare("INSERT OR IGNORE INTO incidents (id, rule, episode, fired_at, body) VALUES (?, ?, ?, ?, ?)"),
      byEpisode: db.prepare("SELECT id FROM incidents WHERE rule = ? AND episode = ?"),
      resolve: db.prepare("UPDATE incidents SET resolved_at = ? WHERE rule = ? AND episode = ? AND resolved_at IS NULL"),
      get: db.prepare("SELECT * FROM incidents WHERE id = ?"),
      list: db.prepare("SELECT * FROM incidents ORDER BY fired_at DESC LIMIT ?"),
    };
  }

  open(inc: Omit<Incident, "resolved_at">): string {
    this.s.open.run(inc.id, inc.rule.name, inc.episode, inc.fired_at, JSON.stringify({ rule: inc.rule, value: inc.value, baseline: inc.baseline, samples: inc.samples }));
    return (this.s.byEpisode.get(inc.rule.name, inc.episode) as { id: string }).id;
  }

  resolve(rule: string, episode: number, at: number): string | null {
    this.s.resolve.run(at, rule, episode);
    return (this.s.byEpisode.get(rule, episode) as { id: string } | undefined)?.id ?? null;
  }

  get(id: string): Incident | undefined {
    const row = this.s.get.get(id) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  list(limit: number): Incident[] {
    return (this.s.list.all(limit) as Row[]).map(fromRow);
  }
}

interface Row {
  id: string;
  rule: string;
  episode: number;
  fired_at: number;
  resolved_at: number | null;
  body: string;
}

function fromRow(r: Row): Incident {
  const b = JSON.parse(r.body) as { rule: AlertRule; value: number | null; baseline: number | null; samples: number };
  return { id: r.id, rule: b.rule, episode: r.episode, fired_at: r.fired_at, resolved_at: r.resolved_at, value: b.value, baseline: b.baseline, samples: b.samples };
}
