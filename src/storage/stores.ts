import type { AlertStore } from "../alerts/alert-store.js";
import type { AnnotationStore } from "../annotate/types.js";
import type { AuditStore } from "../audit/types.js";
import type { CredentialStore } from "../credentials/credential-store.js";
import type { EvalStores } from "../evals/eval-app.js";
import type { GuardReviewStore } from "../guard/review/review-store.js";
import type { VerdictStore } from "../observe/verdict-store.js";
import type { DriftStore } from "../incidents/drift/drift-store.js";
import type { IncidentStore } from "../incidents/incident-store.js";
import type { KeyStore } from "../keys/types.js";
import type { KnowledgeStore } from "../knowledge/knowledge-store.js";
import type { BudgetEventStore } from "../limits/budget-events.js";
import type { SpendRow, SpendStore } from "../limits/spend/spend-types.js";
import type { SpanStore } from "../observe/otel/span-store.js";
import type { SummaryStore } from "../observe/summary/summary-store.js";
import type { TraceStore } from "../observe/types.js";
import type { TraceReads, TraceWrites } from "../observe/workers/trace-workers.js";
import type { PromptStore } from "../prompts/types.js";
import type { ResponseStore, StoredResponse } from "../responses/response-store.js";
import type { SettingsStore } from "../store/settings-store.js";

/**
 * Every store Keel keeps, as interfaces: what the composition root (`app.ts`) hands the domain
 * services. A backend builds one of these (`sqlite-stores.ts` today); nothing else sees a database
 * handle. The hot path reads none of them: keys, prompts and routing state are in-memory snapshots
 * loaded at start, and trace writes are queued (decision 0018).
 */
export interface Stores {
  readonly settings: SettingsStore;
  readonly keys: KeyStore;
  readonly credentials: CredentialStore;
  readonly audit: AuditStore;
  readonly prompts: PromptStore;
  /** Trace rows, guard verdicts written and pruned with them. */
  readonly traces: TraceStore;
  /** The trace writer's asynchronous sink (batches, retention, backfill). */
  readonly traceWrites: TraceWrites;
  /** The admin API's long reads (summaries, series, listings), answered off the event loop. */
  readonly traceReads: TraceReads;
  /** Summaries on the caller's thread: the incident drill-down reads them. */
  readonly summaries: SummaryStore;
  readonly spans: SpanStore;
  readonly verdicts: VerdictStore;
  readonly guardReviews: GuardReviewStore;
  readonly spend: SpendStore;
  readonly budgetEvents: BudgetEventStore;
  readonly alerts: AlertStore;
  readonly incidents: IncidentStore;
  readonly drift: DriftStore;
  readonly evals: EvalStores;
  /** Stored Responses API responses (docs/decisions/0026-stored-responses.md). */
  readonly responses: ResponseStore;
  /** Files, vector stores, document versions and chunks (docs/knowledge.md). */
  readonly knowledge: KnowledgeStore;
  readonly annotations: AnnotationStore;
  /** Writes that recur with traffic, made off the gateway's connection. */
  readonly sinks: WriteSinks;
  /** Stops the trace workers and closes the connections. */
  close(): Promise<void>;
}

/**
 * Writes that recur with traffic or on a timer go here, not to the stores above: on the gateway's
 * own SQLite connection they wait for the lock a trace batch holds, and the event loop with them
 * (decision 0037). SQLite runs them on the trace writer's thread (`sqlite-writer-ops.ts`),
 * PostgreSQL as non-blocking calls on the bridge. Each resolves once its write committed.
 */
export interface WriteSinks {
  /** The spend ledger's upserts (`SpendRecorder`). */
  spend(rows: readonly SpendRow[]): Promise<void>;
  /** Stored Responses API responses (`StoredResponses`); a repeated id keeps its last write. */
  responses(batch: readonly StoredResponse[]): Promise<void>;
}
