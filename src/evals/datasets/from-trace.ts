import type { ChatMessage } from "../../api/chat-types.js";
import type { TraceRecord } from "../../observe/types.js";
import { stepsFromMessages } from "../evaluators/agent-steps.js";
import type { DatasetItemInput } from "./item-schema.js";
import { parseCapturedBody } from "../../observe/capture.js";

export type TraceItemResult = { ok: true; item: DatasetItemInput } | { ok: false; traceId: string; reason: string };

/**
 * A production trace as a dataset item: its request becomes the input (one user message → text,
 * anything else → the conversation), its answer the expected output unless `expected: "none"` (a
 * production answer is a candidate reference, to be reviewed). The id derives from the trace id,
 * so adding a trace twice changes nothing.
 */
export function itemFromTrace(t: TraceRecord, o: { expected: "output" | "none"; split?: string; tags?: readonly string[] }): TraceItemResult {
  if (t.endpoint !== "chat") return { ok: false, traceId: t.id, reason: "not a chat call" };
  const req = parseCapturedBody(t.requestBody) as { messages?: ChatMessage[] } | undefined;
  if (!req || !Array.isArray(req.messages) || req.messages.length === 0) {
    return { ok: false, traceId: t.id, reason: "its request body was not captured (traces.capture: none, or truncated)" };
  }
  const res = parseCapturedBody(t.responseBody) as { choices?: { message?: ChatMessage }[] } | undefined;
  const answer = res?.choices?.[0]?.message;
  const only = req.messages.length === 1 && req.messages[0].role === "user" && typeof req.messages[0].content === "string";
  const item: DatasetItemInput = {
    id: `trace-${t.id}`.slice(0, 256),
    input: only ? (req.messages[0].content as string) : (req.messages as DatasetItemInput["input"]),
    tags: [...(o.tags ?? [])],
    provenance: { source: "production", trace_id: t.id },
    metadata: { model: t.modelRequested, ...(t.feature ? { feature: t.feature } : {}), started_at: new Date(t.startedAt).toISOString() },
  };
  if (o.split) item.split = o.split;
  if (o.expected === "output" && answer) {
    if (typeof answer.content === "string" && answer.content.length > 0) item.expected = answer.content;
    if (answer.tool_calls?.length) {
      item.expected_tool_calls = answer.tool_calls.map((tc) => ({ name: tc.function.name, arguments: safeJson(tc.function.arguments) }));
    }
  }
  const steps = stepsFromMessages(req.messages);
  if (steps.some((s) => s.toolCall)) {
    item.steps = steps.map((s) => ({ content: s.content, tool_call: s.toolCall, observation: s.observation }));
  }
  return { ok: true, item };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
