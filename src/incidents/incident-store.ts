import type { AlertRule } from "../alerts/rule-schema.js";

export interface Incident {
  id: string;
  rule: AlertRule;
  episode: number;
  fired_at: number;
  resolved_at: number | null;
  value: number | null;
  baseline: number | null;
  samples: number;
}

/** Incidents: one per firing alert episode. The contract is `incident-store.contract.ts`. */
export interface IncidentStore {
  /**
   * Opens `inc` unless its (rule, episode) already has an incident; returns the id of the one that
   * stands (so a repeated firing transition is idempotent). `resolved_at` starts null.
   */
  open(inc: Omit<Incident, "resolved_at">): string;
  /** Resolves the (rule, episode) incident at `at` unless already resolved; its id, or null when there is none. */
  resolve(rule: string, episode: number, at: number): string | null;
  get(id: string): Incident | undefined;
  /** Newest fired first, at most `limit`. */
  list(limit: number): Incident[];
}
