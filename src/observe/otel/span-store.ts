import type { IngestedSpan } from "./otlp-ingest.js";

/** Application spans received over OTLP, by W3C trace id. The contract is `span-store.contract.ts`. */
export interface SpanStore {
  /** Stores spans; a span already stored under the same (trace id, span id) is replaced. */
  insertBatch(spans: readonly IngestedSpan[]): void;
  /** A trace's spans by start time, at most 10 000. */
  byTrace(traceId: string): IngestedSpan[];
  /** Deletes spans that started before `ts`; returns how many. */
  deleteBefore(ts: number): number;
  /** Retention in bounded steps: at most `limit` spans older than `ts`. */
  deleteBatchBefore(ts: number, limit: number): number;
}
