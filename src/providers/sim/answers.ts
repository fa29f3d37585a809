import { decode, encode } from "../../tokens/tokenizer.js";
import type { ChatRequest, FinishReason, FunctionTool, ToolCall } from "../../api/chat-types.js";
import { countTextTokens } from "../../tokens/count.js";
import { genericJsonObject, jsonFromSchema } from "./json-from-schema.js";
import type { CompiledRule } from "./rules.js";
import { mix, Rng } from "../../random/rng.js";
import { toolCallId } from "./tools.js";
import { wordPieces } from "./word-text.js";

/**
 * One choice's answer, decided in this order: the header's literal `answer=`, the first matching
 * rule, a tool call (tools.ts), a JSON value for response_format, generated prose. Everything is
 * drawn from an RNG seeded by the prompt hash, the request seed and the choice index, so equal
 * requests get equal answers and the n choices of one request differ.
 */

export interface ChoiceAnswer {
  readonly content: string | null;
  readonly toolCall: ToolCall | null;
  readonly finish: FinishReason;
  readonly completionTokens: number;
  /** The content as one string per token when generation knew it; otherwise the stream splits it. */
  readonly pieces: readonly string[] | null;
}

/** What the whole request answers with; the same for each of its choices. */
export interface AnswerSource {
  readonly literal: string | undefined;
  readonly rule: CompiledRule | null;
  readonly tool: FunctionTool | null;
  /** max_completion_tokens ?? max_tokens, already validated. */
  readonly maxTokens: number | undefined;
  readonly stops: readonly string[];
}

export interface AnswerSizes {
  readonly defaultTokens: number;
  readonly maxAnswerTokens: number;
}

export function answerChoice(req: ChatRequest, promptHash: number, seedHash: number, index: number, src: AnswerSource, sizes: AnswerSizes): ChoiceAnswer {
  const rng = new Rng(mix(mix(promptHash, seedHash), index));
  let answer: ChoiceAnswer;
  if (src.literal !== undefined) answer = fixedContent(src.literal, src.maxTokens);
  else if (src.rule) {
    const a = src.rule.answer;
    answer = a.kind === "tool_call" ? toolAnswer(a.name, a.arguments, rng) : fixedContent(a.text, src.maxTokens);
  } else if (src.tool) {
    const params = src.tool.function.parameters;
    answer = toolAnswer(src.tool.function.name, params ? JSON.stringify(jsonFromSchema(params, rng)) : "{}", rng);
  } else {
    const rf = req.response_format;
    const schema = rf?.type === "json_schema" ? rf.json_schema?.schema : undefined;
    if (schema) answer = fixedContent(JSON.stringify(jsonFromSchema(schema, rng)), src.maxTokens);
    else if (rf?.type === "json_object" || rf?.type === "json_schema") answer = fixedContent(JSON.stringify(genericJsonObject(rng)), src.maxTokens);
    else answer = prose(rng, src.maxTokens, sizes);
  }
  return src.stops.length > 0 ? applyStop(answer, src.stops) : answer;
}

/**
 * With max tokens the answer runs to it (capped by max_answer_tokens) and ends "length", which is
 * what load tests want: output length under the caller's control. Without, it is the default
 * length ±50% and ends with a period and "stop".
 */
function prose(rng: Rng, maxTokens: number | undefined, sizes: AnswerSizes): ChoiceAnswer {
  const cut = maxTokens !== undefined && maxTokens <= sizes.maxAnswerTokens;
  const tokens =
    maxTokens !== undefined
      ? Math.min(maxTokens, sizes.maxAnswerTokens)
      : Math.min(sizes.maxAnswerTokens, Math.max(1, Math.round(sizes.defaultTokens * (0.5 + rng.next()))));
  const pieces = wordPieces(rng, tokens, !cut);
  // every piece is one token by construction (word-text.ts), so the count needs no tokenizer pass
  return { content: pieces.join(""), toolCall: null, finish: cut ? "length" : "stop", completionTokens: tokens, pieces };
}

/** Rule text, JSON and literal answers are what they are; max tokens cuts them as it would a model's. */
function fixedContent(text: string, maxTokens: number | undefined): ChoiceAnswer {
  const count = countTextTokens(text);
  if (maxTokens === undefined || count <= maxTokens) return { content: text, toolCall: null, finish: "stop", completionTokens: count, pieces: null };
  return { content: decode(encode(text).slice(0, maxTokens)), toolCall: null, finish: "length", completionTokens: maxTokens, pieces: null };
}

/** Tool calls are not cut by max tokens: half a JSON argument helps no test. */
function toolAnswer(name: string, args: string, rng: Rng): ChoiceAnswer {
  const toolCall: ToolCall = { id: toolCallId(rng), type: "function", function: { name, arguments: args } };
  // counted as count.ts counts a tool call in a prompt: name and arguments as one text
  return { content: null, toolCall, finish: "tool_calls", completionTokens: countTextTokens(name + args), pieces: null };
}

/** A model stops at the first stop sequence and leaves it out; a cut inside max tokens still ends "stop". */
function applyStop(answer: ChoiceAnswer, stops: readonly string[]): ChoiceAnswer {
  const content = answer.content;
  if (content === null) return answer;
  let at = -1;
  for (const s of stops) {
    const i = content.indexOf(s);
    if (i !== -1 && (at === -1 || i < at)) at = i;
  }
  if (at === -1) return answer;
  const text = content.slice(0, at);
  return { content: text, toolCall: null, finish: "stop", completionTokens: countTextTokens(text), pieces: null };
}

/** `stop` as a list of non-empty strings. */
export function stopList(stop: ChatRequest["stop"]): readonly string[] {
  if (typeof stop === "string") return stop.length > 0 ? [stop] : NO_STOPS;
  if (!Array.isArray(stop)) return NO_STOPS;
  return stop.filter((s): s is string => typeof s === "string" && s.length > 0);
}

const NO_STOPS: readonly string[] = Object.freeze([]);
