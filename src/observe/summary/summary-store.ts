import type { SummaryAnswer, SummaryQuery, TimeseriesAnswer, TimeseriesQuery } from "./summary-query.js";

/**
 * Analytics over the stored traces: slice summaries and time series, answered from rollups where
 * they can and from trace rows otherwise (the two agree to the call on counts and sums). The
 * contract is `summary-store.contract.ts`.
 */
export interface SummaryStore {
  summary(q: SummaryQuery): SummaryAnswer;
  timeseries(q: TimeseriesQuery): TimeseriesAnswer;
}
