import { randomUUID } from "node:crypto";
import type { SqliteDb } from "../store/sqlite.js";
import type { AlertStore, NewNotification, NotificationRecord } from "./alert-store.js";
import type { DeliveryUpdate } from "./notifier.js";
import type { AlertRule } from "./rule-schema.js";
import type { AlertState } from "./state-machine.js";

const NOTE_COLUMNS = "rule, episode, type, at, silenced, owner, delivery_id, delivery_status, attempts, last_http_status, last_error, delivery_updated_at";

/** Rules created through the API, every rule's state, and the notification history (migration 7) with delivery outcomes (migration 11). */
export class SqliteAlertStore implements AlertStore {
  private readonly s;

  constructor(db: SqliteDb) {
    this.s = {
      rules: db.prepare("SELECT body FROM alert_rules ORDER BY name"),
      putRule: db.prepare("INSERT INTO alert_rules (name, body, created_at, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at"),
      deleteRule: db.prepare("DELETE FROM alert_rules WHERE name = ?"),
      state: db.prepare("SELECT body FROM alert_states WHERE rule = ?"),
      putState: db.prepare("INSERT INTO alert_states (rule, body) VALUES (?, ?) ON CONFLICT (rule) DO UPDATE SET body = excluded.body"),
      // UNIQUE (rule, episode, type): a notification is recorded — and sent — once per episode.
      addNote: db.prepare("INSERT OR IGNORE INTO alert_notifications (rule, episode, type, at, silenced, owner, delivery_id, delivery_status, last_error, delivery_updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
      notes: db.prepare(`SELECT ${NOTE_COLUMNS} FROM alert_notifications WHERE (? IS NULL OR rule = ?) ORDER BY at DESC, id DESC LIMIT ?`),
      note: db.prepare(`SELECT ${NOTE_COLUMNS} FROM alert_notifications WHERE delivery_id = ?`),
      // A late write never turns a settled outcome back into `retrying`.
      updateDelivery: db.prepare("UPDATE alert_notifications SET delivery_status = ?, attempts = ?, last_http_status = ?, last_error = ?, delivery_updated_at = ? WHERE delivery_id = ? AND (delivery_status IS NULL OR delivery_status IN ('pending', 'retrying'))"),
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

  /**
   * The delivery id of a new notification (`pending`, or `not_sent` when silenced); null when this
   * (rule, episode, type) was already recorded: the caller must not notify again.
   */
  addNotification(n: NewNotification): string | null {
    const id = randomUUID();
    const added = this.s.addNote.run(n.rule, n.episode, n.type, n.at, n.silenced ? 1 : 0, n.owner, id, n.silenced ? "not_sent" : "pending", n.silenced ? "silenced" : null, n.at).changes > 0;
    return added ? id : null;
  }

  updateDelivery(id: string, u: DeliveryUpdate): void {
    this.s.updateDelivery.run(u.status, u.attempts, u.last_http_status, u.last_error, u.at, id);
  }

  notification(deliveryId: string): NotificationRecord | undefined {
    const r = this.s.note.get(deliveryId) as NoteRow | undefined;
    return r ? fromRow(r) : undefined;
  }

  notifications(rule: string | null, limit: number): NotificationRecord[] {
    return (this.s.notes.all(rule, rule, limit) as NoteRow[]).map(fromRow);
  }
}

type NoteRow = Omit<NotificationRecord, "silenced"> & { silenced: number };

function fromRow(r: NoteRow): NotificationRecord {
  return { ...r, silenced: r.silenced === 1 };
}
