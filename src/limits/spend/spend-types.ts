/** Actual spend, aggregated per UTC day and attribution; what `GET /api/v1/spend` and budgets read. */
export interface SpendRow {
  /** `YYYY-MM-DD`, UTC. */
  readonly day: string;
  readonly keyId: string | null;
  readonly user: string | null;
  readonly team: string | null;
  readonly feature: string | null;
  /** The public model name the call asked for (aliases resolved). */
  readonly model: string | null;
  readonly requests: number;
  readonly tokensIn: number;
  readonly tokensOut: number;
  readonly costUsd: number;
}

export const SPEND_DIMENSIONS = ["day", "key", "user", "team", "feature", "model"] as const;
export type SpendDimension = (typeof SPEND_DIMENSIONS)[number];

export interface SpendQuery {
  /** First day included, `YYYY-MM-DD`. */
  readonly since?: string;
  /** Last day included, `YYYY-MM-DD`. */
  readonly until?: string;
  readonly key?: string;
  readonly user?: string;
  readonly team?: string;
  readonly feature?: string;
  readonly model?: string;
  /** Group by these; none = one total. */
  readonly by: readonly SpendDimension[];
  readonly limit: number;
}

export interface SpendTotals {
  readonly requests: number;
  readonly tokensIn: number;
  readonly tokensOut: number;
  readonly costUsd: number;
}

export interface SpendGroup extends SpendTotals {
  /** The grouped-by values; null where the calls had no such attribute. */
  readonly by: Partial<Record<SpendDimension, string | null>>;
}

export interface SpendStore {
  /** Adds to existing rows (upsert by day and attribution), in one transaction. */
  addBatch(rows: readonly SpendRow[]): void;
  query(q: SpendQuery): { groups: SpendGroup[]; total: SpendTotals };
  /** Every row from `day` on: seeds budget counters at start-up. */
  rowsSince(day: string): SpendRow[];
}
