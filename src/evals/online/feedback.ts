import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { Feedback, ScoreStore, TraceScore } from "./types.js";

export const feedbackInput = z
  .strictObject({
    trace_id: z.string().min(1).max(256),
    thumbs: z.enum(["up", "down"]).optional(),
    /** 0..1, 1 best. */
    score: z.number().min(0).max(1).optional(),
    comment: z.string().max(4000).optional(),
    /** What the answer should have been: a candidate reference for a dataset. */
    correction: z.string().max(100_000).optional(),
  })
  .refine((f) => f.thumbs !== undefined || f.score !== undefined || f.comment !== undefined || f.correction !== undefined, {
    message: "give at least one of thumbs, score, comment, correction",
  });

/**
 * Records feedback on a trace. Feedback with a thumbs or a score also becomes a `user_feedback`
 * score on the trace (up 1, down 0, or the score), so it feeds the same summaries as online scores.
 */
export function recordFeedback(store: ScoreStore, input: z.output<typeof feedbackInput>, keyId: string | null, now: number): Feedback {
  const f: Feedback = {
    id: `fb_${randomBytes(9).toString("base64url")}`, trace_id: input.trace_id, key_id: keyId,
    thumbs: input.thumbs ?? null, score: input.score ?? null, comment: input.comment ?? null, correction: input.correction ?? null,
    created_at: new Date(now).toISOString(),
  };
  store.addFeedback(f);
  const value = f.score ?? (f.thumbs === null ? null : f.thumbs === "up" ? 1 : 0);
  if (value !== null) {
    const s: TraceScore = {
      trace_id: f.trace_id, name: "user_feedback", source: "feedback", rule_id: f.id, status: "scored", score: value, passed: value >= 0.5,
      label: f.thumbs ?? (value >= 0.5 ? "pass" : "fail"), explanation: f.comment ?? "user feedback", cost_usd: 0, created_at: f.created_at,
    };
    store.addScores([s]);
  }
  return f;
}
