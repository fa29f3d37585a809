import { createHash } from "node:crypto";
import { parseCapturedBody } from "../observe/capture.js";
import type { Feedback, TraceScore } from "../evals/online/types.js";
import type { TraceRecord } from "../observe/types.js";
import type { QueueFilter } from "./queue-schema.js";
import type { QueueItem, SnapshotMessage } from "./types.js";

/** Longest message or answer kept in a snapshot: fine-tuning rows, not archives. */
export const MAX_SNAPSHOT_CHARS = 32_000;
const ROLES = new Set(["system", "developer", "user", "assistant", "tool"]);

export type SnapshotResult = { ok: true; item: Omit<QueueItem, "id" | "queueId" | "position" | "state"> } | { ok: false; reason: SkipReason };
export type SkipReason = "not a chat call" | "failed call" | "body not captured" | "no text answer";

/** A trace as a queue item: the request's text messages and the answer, or why it cannot be one. */
export function snapshotTrace(t: TraceRecord): SnapshotResult {
  if (t.endpoint !== "chat") return { ok: false, reason: "not a chat call" };
  if (t.status !== "ok") return { ok: false, reason: "failed call" };
  const req = parseCapturedBody(t.requestBody) as { messages?: { role?: string; content?: unknown }[] } | undefined;
  if (!req || !Array.isArray(req.messages) || req.messages.length === 0) return { ok: false, reason: "body not captured" };
  const res = parseCapturedBody(t.responseBody) as { choices?: { message?: { content?: unknown } }[] } | undefined;
  const answer = res?.choices?.[0]?.message?.content;
  if (typeof answer !== "string" || answer.length === 0) return { ok: false, reason: "no text answer" };
  const input: SnapshotMessage[] = [];
  for (const m of req.messages) {
    if (!m || !ROLES.has(String(m.role))) continue;
    const text = textOf(m.content);
    if (text !== null) input.push({ role: m.role as SnapshotMessage["role"], content: text.slice(0, MAX_SNAPSHOT_CHARS) });
  }
  if (input.length === 0) return { ok: false, reason: "body not captured" };
  return {
    ok: true,
    item: {
      traceId: t.id, input, output: answer.slice(0, MAX_SNAPSHOT_CHARS),
      model: t.modelServed ?? t.modelRequested, route: t.modelRequested,
      promptName: t.promptName ?? null, promptVersion: t.promptVersion ?? null, feature: t.feature, tracedAt: t.startedAt,
    },
  };
}

function textOf(c: unknown): string | null {
  if (typeof c === "string") return c;
  if (!Array.isArray(c)) return null;
  const parts = c.filter((p): p is { type: "text"; text: string } => !!p && (p as { type?: unknown }).type === "text" && typeof (p as { text?: unknown }).text === "string");
  return parts.length ? parts.map((p) => p.text).join("\n") : null;
}

/**
 * Whether a trace is in the sample: the first 32 bits of sha256(queue name + trace id) below
 * share·2³². The same queue name picks the same traces on every run; another name picks others.
 */
export function inSample(queue: string, traceId: string, share: number): boolean {
  if (share >= 1) return true;
  const h = createHash("sha256").update(queue).update("\0").update(traceId).digest().readUInt32BE(0);
  return h < share * 0x1_0000_0000;
}

/** The filter's conditions the trace store cannot apply itself. */
export function matchesFilter(t: TraceRecord, f: QueueFilter): string | null {
  if (f.route !== undefined && t.modelRequested !== f.route) return "route";
  if (f.model !== undefined && t.modelServed !== f.model) return "model";
  if (f.prompt !== undefined && t.promptName !== f.prompt) return "prompt";
  if (f.prompt_version !== undefined && t.promptVersion !== f.prompt_version) return "prompt_version";
  if (f.guard_triggered !== undefined && (t.guard?.some((v) => v.triggered) ?? false) !== f.guard_triggered) return "guard_triggered";
  return null;
}

/** The scores and feedback recorded on a trace (the online-evaluation store's). */
export interface TraceEvidence {
  scores: readonly TraceScore[];
  feedback: readonly Feedback[];
}

/** The filter's conditions on scores and feedback; the field that removed the trace, or null. */
export function matchesEvidence(f: QueueFilter, e: TraceEvidence): string | null {
  if (f.feedback !== undefined) {
    const negative = (x: Feedback): boolean => x.thumbs === "down" || (x.thumbs === null && x.score !== null && x.score < 0.5);
    if (!e.feedback.some((x) => (f.feedback === "negative" ? negative(x) : !negative(x)))) return "feedback";
  }
  if (f.score_below !== undefined) {
    const { name, value } = f.score_below;
    if (!e.scores.some((s) => s.name === name && s.status === "scored" && s.score !== null && s.score < value)) return "score_below";
  }
  return null;
}
