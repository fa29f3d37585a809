import { KeelError } from "../../errors/errors.js";
import type { TraceRecord } from "../types.js";
import { excerptFor } from "./excerpt.js";
import type { NewReview } from "../../guard/review/review-store.js";

/**
 * What a review item copies from the trace: the triggered verdict of this scanner on this source,
 * the route and served model, when the call started, and an excerpt of what the trace captured.
 * Only a verdict that triggered can be a false positive; any other is `not_found`.
 */
export function reviewFromTrace(trace: TraceRecord, scanner: string, source: string): Omit<NewReview, "note" | "markedBy"> {
  const v = trace.guard?.find((g) => g.scanner === scanner && g.source === source && g.triggered);
  if (!v) throw new KeelError("not_found", `Trace "${trace.id}" has no triggered "${scanner.slice(0, 64)}" verdict on ${source}.`, { param: "scanner" });
  return {
    traceId: trace.id, scanner: v.scanner, source: v.source, action: v.action, score: v.score,
    findings: v.findings && v.findings.length > 0 ? v.findings : null,
    model: trace.modelServed, route: trace.modelRequested || null, traceStartedAt: trace.startedAt,
    excerpt: excerptFor(v.source, trace.requestBody, trace.responseBody),
  };
}
