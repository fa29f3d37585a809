import type { ChatMessage } from "../../api/chat-types.js";
import type { TraceRecord } from "../../observe/types.js";
import { parseArgs, stepsFromMessages } from "../evaluators/agent-steps.js";
import type { EvalCase } from "../evaluators/types.js";
import { parseCapturedBody } from "../../observe/capture.js";

/**
 * A production trace as an evaluation case: the last user message, the answer, the measured latency
 * and cost. Reference-free (production has no expected output), so reference metrics come out
 * undefined with reason no_reference. Null when the bodies were not captured.
 */
export function traceCase(t: TraceRecord): EvalCase | null {
  const req = parseCapturedBody(t.requestBody) as { messages?: ChatMessage[] } | undefined;
  const res = parseCapturedBody(t.responseBody) as { choices?: { message?: ChatMessage }[] } | undefined;
  if (!req?.messages || !res?.choices) return null;
  const lastUser = [...req.messages].reverse().find((m) => m.role === "user");
  const msg = res.choices[0]?.message;
  const steps = stepsFromMessages(msg ? [...req.messages, msg] : req.messages);
  return {
    itemId: t.id,
    input: typeof lastUser?.content === "string" ? lastUser.content : "",
    output: typeof msg?.content === "string" ? msg.content : "",
    toolCalls: (msg?.tool_calls ?? []).map((tc) => ({ name: tc.function.name, arguments: parseArgs(tc.function.arguments) })),
    steps: steps.some((s) => s.toolCall) ? steps : undefined,
    latencyMs: t.latencyMs,
    costUsd: t.costUsd,
  };
}

