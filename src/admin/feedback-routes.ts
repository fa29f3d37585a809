import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { validateBody } from "../api/validate.js";
import { KeelError } from "../errors/errors.js";
import { feedbackInput, recordFeedback } from "../evals/online/feedback.js";
import type { ScoreStore } from "../evals/online/types.js";
import type { AdminAuth } from "../keys/admin-token.js";
import { KEY_PREFIX, type KeyService } from "../keys/key-service.js";
import type { TraceWriter } from "../observe/trace-writer.js";
import type { TraceStore } from "../observe/types.js";
import type { CallTextMasker } from "../observe/pii-record.js";
import { readJsonBody } from "../server/body.js";
import type { Router } from "../server/router.js";
import { sendError, sendJson } from "../server/respond.js";
import { adminRoute } from "./admin-route.js";
import { parseQuery } from "./query.js";

export interface FeedbackRouteDeps {
  auth: AdminAuth;
  keys: KeyService;
  scores: ScoreStore;
  traceStore: TraceStore;
  traceWriter: TraceWriter;
  /** Comments and corrections are masked under the call's capture.pii policy, as its bodies were. */
  maskText?: CallTextMasker;
}

/**
 * POST /api/v1/feedback takes either the admin token (a back office recording feedback on any
 * call) or the virtual key that made the call (an app forwarding its user's thumbs straight from
 * the client of that key). A virtual key may only touch its own traces; another key's trace is a
 * 404, the same answer as a trace that does not exist, so keys cannot probe each other's ids.
 */
export function registerFeedbackRoutes(router: Router, d: FeedbackRouteDeps): void {
  router.add("POST", "/api/v1/feedback", async (req: IncomingMessage, res: ServerResponse) => {
    try {
      let keyId: string | null = null;
      try {
        d.auth.check(req.headers.authorization);
      } catch (adminErr) {
        // A virtual key gets the key's own 401 (revoked, expired…); anything else the admin token's.
        if (!req.headers.authorization?.startsWith(`Bearer ${KEY_PREFIX}`)) throw adminErr;
        keyId = d.keys.authenticate(req.headers.authorization).keyId;
      }
      const body = validateBody(feedbackInput, await readJsonBody(req, 256 * 1024));
      await d.traceWriter.flush();
      const trace = d.traceStore.get(body.trace_id);
      if (!trace || (keyId !== null && trace.keyId !== keyId)) throw new KeelError("not_found", `No trace with id "${body.trace_id.slice(0, 128)}".`, { param: "trace_id" });
      if (d.maskText) {
        const who = { keyId: trace.keyId, keyName: trace.keyId ? d.keys.get(trace.keyId)?.name ?? null : null, model: trace.modelRequested };
        if (body.comment) body.comment = d.maskText(who, body.comment);
        if (body.correction) body.correction = d.maskText(who, body.correction);
      }
      sendJson(res, 201, recordFeedback(d.scores, body, keyId, Date.now()));
    } catch (err) {
      req.resume();
      sendError(res, err);
    }
  });
  router.add("GET", "/api/v1/feedback", adminRoute(d.auth, (_req, res, _p, query) => {
    const q = parseQuery(z.strictObject({ trace_id: z.string().min(1).max(256) }), query);
    sendJson(res, 200, { data: d.scores.feedback(q.trace_id) });
  }));
}
