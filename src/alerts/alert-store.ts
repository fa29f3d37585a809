import type { DeliveryStatus } from "./delivery.js";
import type { DeliveryRecorder } from "./notifier.js";
import type { AlertRule } from "./rule-schema.js";
import type { AlertState } from "./state-machine.js";

export interface NotificationRecord {
  rule: string;
  episode: number;
  type: "alert.firing" | "alert.resolved";
  at: number;
  silenced: boolean;
  owner: string;
  /** Sent as `x-keel-delivery` on every attempt, so receivers can dedupe (null: recorded before migration 11). */
  delivery_id: string | null;
  /** null: recorded before migration 11. */
  delivery_status: DeliveryStatus | null;
  attempts: number;
  last_http_status: number | null;
  last_error: string | null;
  delivery_updated_at: number | null;
}

/** What a caller records; the store assigns the delivery id and the initial status. */
export type NewNotification = Pick<NotificationRecord, "rule" | "episode" | "type" | "at" | "silenced" | "owner">;

/**
 * Alert rules created through the API, each rule's state machine, and the notification history
 * with delivery outcomes. The contract is `alert-store.contract.ts`.
 */
export interface AlertStore extends DeliveryRecorder {
  /** Rules created through the API, by name. */
  apiRules(): AlertRule[];
  /** Creates or replaces a rule by name; `now` is its update time. */
  putRule(rule: AlertRule, now: number): void;
  /** False when no such rule existed. */
  deleteRule(name: string): boolean;
  state(rule: string): AlertState | undefined;
  putState(rule: string, s: AlertState): void;
  /**
   * The delivery id of a new notification (`pending`, or `not_sent` when silenced); null when this
   * (rule, episode, type) was already recorded: the caller must not notify again.
   */
  addNotification(n: NewNotification): string | null;
  notification(deliveryId: string): NotificationRecord | undefined;
  /** Newest first (time, then insertion order); one rule's, or every rule's when `rule` is null. */
  notifications(rule: string | null, limit: number): NotificationRecord[];
}
