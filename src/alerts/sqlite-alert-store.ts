import type { SqliteDb } from "../store/sqlite.js";
import type { AlertRule } from "./rule-schema.js";
import type { AlertState } from "./state-machine.js";

export interface NotificationRecord {
  rule: string;
  episode: number;
  type: "alert.firing" | "alert.resolved";
  at: number;
  silenced: boolean;
  owner: string;
}

/** Rules created through the API, every rule's state, and the notification history (migration 7). */
export class SqliteAlertStore {
  private readonly s;

  constructor(db: SqliteDb) {
    this.s = {
      rules: db.prepare("SELECT body FROM alert_rules ORDER BY name"),
      putRule: db.prepare("INSERT INTO alert_rules (name, body, created_at, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at"),
      deleteRule: db.prepare("DELETE FROM alert_rules WHERE name = ?"),
      state: db.prepare("SELECT body FROM alert_states WHERE rule = ?"),
      putState: db.prepare("INSERT INTO alert_states (rule, body) VALUES (?, ?) ON CONFLICT (rule) DO UPDATE SET body = excluded.body"),
      // UNIQUE (rule, episode, type): a notification is recorded — and sent — once per episode.
      addNote: db.prepare("INSERT OR IGNORE INTO alert_notifications (rule, episode, type, at, silenced, owner) VALUES (?, ?, ?, ?, ?, ?)"),
      notes: db.prepare("SELECT rule, episode, type, at, silenced, owner FROM alert_notifications WHERE (? IS NULL OR rule = ?) ORDER BY at DESC, id DESC LIMIT ?"),
    };
  }

  apiRules(): AlertRule[] {
    return (this.s.rules.all() as { body: string }[]).map((r) => JSON.parse(r.body) as AlertRule);
  }

  putRule(rule: AlertRule, now: number): void {
    this.s.putRule.run(rule.name, JSON.stringify(rule), now, now);
  }

  deleteRule(name: string): boolean {
    return this.s.deleteRule.run(name).changes > 0;
  }

  state(rule: string): AlertState | undefined {
    const row = this.s.state.get(rule) as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as AlertState) : undefined;
  }

  putState(rule: string, s: AlertState): void {
    this.s.putState.run(rule, JSON.stringify(s));
  }

  /** False when this (rule, episode, type) was already recorded: the caller must not notify again. */
  addNotification(n: NotificationRecord): boolean {
    return this.s.addNote.run(n.rule, n.episode, n.type, n.at, n.silenced ? 1 : 0, n.owner).changes > 0;
  }

  notifications(rule: string | null, limit: number): NotificationRecord[] {
    return (this.s.notes.all(rule, rule, limit) as (Omit<NotificationRecord, "silenced"> & { silenced: number })[]).map((r) => ({ ...r, silenced: r.silenced === 1 }));
  }
}
