import type { ChatChoice, ChatCompletion } from "../../api/chat-types.js";
import { SYSTEM_FINGERPRINT, type AnswerPlan, type CallPlan, type SimEngine } from "./engine.js";
import { sleep, untilFirstToken } from "./timing.js";

/**
 * Plays a plan as a non-streaming completion. It takes as long as the stream would: time to first
 * token, then one inter-token interval per further token of the longest choice (the n choices
 * decode side by side, as in a batch).
 */
export async function completeChat(engine: SimEngine, plan: CallPlan, signal: AbortSignal): Promise<ChatCompletion> {
  const p = await untilFirstToken(plan, signal);
  engine.prefilled(p);
  let longest = 0;
  for (const c of p.choices) if (c.completionTokens > longest) longest = c.completionTokens;
  const decodeMs = p.itlMs * Math.max(0, longest - 1);
  if (decodeMs > 0) await sleep(decodeMs, signal);
  return toCompletion(p);
}

export function toCompletion(p: AnswerPlan): ChatCompletion {
  const choices = new Array<ChatChoice>(p.choices.length);
  for (let i = 0; i < choices.length; i++) {
    const c = p.choices[i];
    choices[i] = {
      index: i,
      message: c.toolCall
        ? { role: "assistant", content: null, tool_calls: [c.toolCall], refusal: null }
        : { role: "assistant", content: c.content, refusal: null },
      logprobs: null,
      finish_reason: c.finish,
    };
  }
  return {
    id: p.id,
    object: "chat.completion",
    created: p.created,
    model: p.model,
    choices,
    usage: p.usage,
    system_fingerprint: SYSTEM_FINGERPRINT,
  };
}
