import { decodeGenerator, encode } from "../../tokens/tokenizer.js";
import type { ChatChunk, ChunkChoice } from "../../api/chat-types.js";
import { SYSTEM_FINGERPRINT, type AnswerPlan, type CallPlan, type SimEngine } from "./engine.js";
import type { ChoiceAnswer } from "./answers.js";
import { streamFaultError } from "./faults.js";
import { sleep, untilFirstToken } from "./timing.js";

/**
 * Plays a plan as an OpenAI chunk stream, one chunk per gpt-tokenizer token:
 *
 *   at TTFT          a role chunk per choice, then each choice's first token
 *   at TTFT + k·itl  each choice's token k (a tool call's step 0 is its id and name; later steps
 *                    are argument fragments)
 *   then             a finish chunk per choice, and with include_usage a usage chunk with no choices
 *
 * Token times are deadlines from TTFT, not sleeps chained after each other, so timer lateness
 * does not accumulate over a long answer. A stream fault fires after `afterChunks` chunks, at the
 * latest before the first finish chunk, so an injected fault is always visible to the caller.
 * `makePlan` runs on the first next(), so a bad request throws from there, as the Provider
 * contract asks.
 */
export async function* streamCompletion(
  engine: SimEngine, makePlan: () => CallPlan, signal: AbortSignal, onAccepted?: () => void,
): AsyncGenerator<ChatChunk> {
  const p = await untilFirstToken(makePlan(), signal, onAccepted);
  engine.prefilled(p);
  const n = p.choices.length;
  const steps = p.choices.map(stepsOf);
  let maxSteps = 0;
  let beforeFinish = n;
  for (const s of steps) {
    beforeFinish += s.length;
    if (s.length > maxSteps) maxSteps = s.length;
  }
  const fault = p.streamFault;
  const faultAt = fault ? Math.min(fault.afterChunks, beforeFinish) : -1;
  let delivered = 0;
  const gate = (): void => {
    if (delivered === faultAt) throw streamFaultError(engine.opts.name, fault!, delivered);
    delivered++;
  };

  for (let i = 0; i < n; i++) {
    gate();
    yield chunk(p, i, { role: "assistant", content: p.choices[i].toolCall ? null : "" }, null);
  }
  const t0 = performance.now();
  for (let k = 0; k < maxSteps; k++) {
    if (k > 0 && p.itlMs > 0) {
      const wait = t0 + k * p.itlMs - performance.now();
      if (wait > 0) await sleep(wait, signal);
    }
    signal.throwIfAborted();
    for (let i = 0; i < n; i++) {
      if (k >= steps[i].length) continue;
      gate();
      yield chunk(p, i, delta(p.choices[i], steps[i], k), null);
    }
  }
  for (let i = 0; i < n; i++) {
    gate();
    yield chunk(p, i, {}, p.choices[i].finish);
  }
  if (p.includeUsage) {
    yield { id: p.id, object: "chat.completion.chunk", created: p.created, model: p.model, system_fingerprint: SYSTEM_FINGERPRINT, choices: [], usage: p.usage };
  }
}

/** The strings streamed per step: content tokens, or for a tool call a header step then argument tokens. */
function stepsOf(c: ChoiceAnswer): readonly string[] {
  if (c.toolCall) return ["", ...tokenPieces(c.toolCall.function.arguments)];
  return c.pieces ?? tokenPieces(c.content ?? "");
}

/** Text as one string per token; a character split across tokens stays whole in one piece. */
function tokenPieces(text: string): string[] {
  return text.length === 0 ? [] : [...decodeGenerator(encode(text))];
}

function delta(c: ChoiceAnswer, steps: readonly string[], k: number): ChunkChoice["delta"] {
  const tc = c.toolCall;
  if (!tc) return { content: steps[k] };
  if (k === 0) return { tool_calls: [{ index: 0, id: tc.id, type: "function", function: { name: tc.function.name, arguments: "" } }] };
  return { tool_calls: [{ index: 0, function: { arguments: steps[k] } }] };
}

function chunk(p: AnswerPlan, index: number, d: ChunkChoice["delta"], finish: ChunkChoice["finish_reason"]): ChatChunk {
  const c: ChatChunk = {
    id: p.id,
    object: "chat.completion.chunk",
    created: p.created,
    model: p.model,
    system_fingerprint: SYSTEM_FINGERPRINT,
    choices: [{ index, delta: d, logprobs: null, finish_reason: finish }],
  };
  // OpenAI sends "usage": null on every chunk but the last when usage was asked for
  if (p.includeUsage) c.usage = null;
  return c;
}
