import { randomUUID } from "node:crypto";
import type { PgSql } from "../store/postgres/pg-bridge.js";
import type { AlertStore, NewNotification, NotificationRecord } from "./alert-store.js";
import type { DeliveryUpdate } from "./notifier.js";
import type { AlertRule } from "./rule-schema.js";
import type { AlertState } from "./state-machine.js";

const NOTE_COLUMNS = "rule, episode, type, at, silenced, owner, delivery_id, delivery_status, attempts, last_http_status, last_error, delivery_updated_at";

/** `AlertStore` on PostgreSQL: API rules, every rule's state, and the notification history with delivery outcomes. */
export class PgAlertStore implements AlertStore {
  constructor(private readonly db: PgSql) {}

  apiRules(): AlertRule[] {
    return this.db.all<{ body: string }>("SELECT body FROM alert_rules ORDER BY name").map((r) => JSON.parse(r.body) as AlertRule);
  }

  putRule(rule: AlertRule, now: number): void {
    this.db.run(
      "INSERT INTO alert_rules (name, body, created_at, updated_at) VALUES ($1, $2, $3, $3) ON CONFLICT (name) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
      [rule.name, JSON.stringify(rule), now],
    );
  }

  deleteRule(name: string): boolean {
    return this.db.run("DELETE FROM alert_rules WHERE name = $1", [name]) > 0;
  }

  state(rule: string): AlertState | undefined {
    const row = this.db.get<{ body: string }>("SELECT body FROM alert_states WHERE rule = $1", [rule]);
    return row ? (JSON.parse(row.body) as AlertState) : undefined;
  }

  putState(rule: string, s: AlertState): void {
    this.db.run("INSERT INTO alert_states (rule, body) VALUES ($1, $2) ON CONFLICT (rule) DO UPDATE SET body = excluded.body", [rule, JSON.stringify(s)]);
  }

  addNotification(n: NewNotification): string | null {
    const id = randomUUID();
    // UNIQUE (rule, episode, type): a notification is recorded — and sent — once per episode, across instances too.
    const added = this.db.run(
      `INSERT INTO alert_notifications (rule, episode, type, at, silenced, owner, delivery_id, delivery_status, last_error, delivery_updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $4) ON CONFLICT DO NOTHING`,
      [n.rule, n.episode, n.type, n.at, n.silenced, n.owner, id, n.silenced ? "not_sent" : "pending", n.silenced ? "silenced" : null],
    ) > 0;
    return added ? id : null;
  }

  updateDelivery(id: string, u: DeliveryUpdate): void {
    // A late write never turns a settled outcome back into `retrying`.
    this.db.run(
      `UPDATE alert_notifications SET delivery_status = $1, attempts = $2, last_http_status = $3, last_error = $4, delivery_updated_at = $5
       WHERE delivery_id = $6 AND (delivery_status IS NULL OR delivery_status IN ('pending', 'retrying'))`,
      [u.status, u.attempts, u.last_http_status, u.last_error, u.at, id],
    );
  }

  notification(deliveryId: string): NotificationRecord | undefined {
    return this.db.get<NotificationRecord>(`SELECT ${NOTE_COLUMNS} FROM alert_notifications WHERE delivery_id = $1`, [deliveryId]);
  }

  notifications(rule: string | null, limit: number): NotificationRecord[] {
    return this.db.all<NotificationRecord>(
      `SELECT ${NOTE_COLUMNS} FROM alert_notifications WHERE ($1::text IS NULL OR rule = $1) ORDER BY at DESC, id DESC LIMIT $2`,
      [rule, limit],
    );
  }
}
