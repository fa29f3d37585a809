import type { EvalServices } from "../evals/eval-app.js";
import type { AdminAuth } from "../keys/admin-token.js";
import type { KeyService } from "../keys/key-service.js";
import type { TraceWriter } from "../observe/trace-writer.js";
import type { TraceStore } from "../observe/types.js";
import type { CallTextMasker } from "../observe/pii-record.js";
import type { Router } from "../server/router.js";
import { registerDatasetRoutes } from "./dataset-routes.js";
import { registerEvalRoutes } from "./eval-routes.js";
import { registerFeedbackRoutes } from "./feedback-routes.js";

/** The evaluation API: /api/v1/datasets, /api/v1/evals, /api/v1/scores, /api/v1/feedback (docs/evals.md). */
export function registerEvalApi(router: Router, e: EvalServices, d: { auth: AdminAuth; keys: KeyService; traceStore: TraceStore; traceWriter: TraceWriter; maskText?: CallTextMasker }): void {
  registerDatasetRoutes(router, { auth: d.auth, datasets: e.datasets, traceStore: d.traceStore, traceWriter: d.traceWriter });
  registerEvalRoutes(router, { auth: d.auth, runs: e.runs, calibrations: e.calibrations, rules: e.rules, scores: e.scores, online: e.online, traceStore: d.traceStore, traceWriter: d.traceWriter, priceOf: (m) => e.priceOf(m) });
  registerFeedbackRoutes(router, { auth: d.auth, keys: d.keys, scores: e.scores, traceStore: d.traceStore, traceWriter: d.traceWriter, maskText: d.maskText });
}
