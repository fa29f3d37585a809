import type { ChatCompletion } from "../api/chat-types.js";
import { cacheTraceRecord } from "../cache/cache-call.js";
import { captureBody } from "../observe/capture.js";
import { maskedTypes, maskPiiText, PII_CUT_SLACK } from "../observe/pii-mask.js";
import { resolvePiiPolicy } from "../observe/pii-policy.js";
import { costUsd } from "../observe/prices.js";
import type { TraceRecord } from "../observe/types.js";
import { countTextTokens, messageText } from "../tokens/count.js";
import type { GatewayContext } from "./context.js";
import type { GatewayDeps } from "./deps.js";

/**
 * Turns a finished call into its trace record and queues it. Runs after the response has been
 * sent, so counting tokens or masking bodies here never delays the client.
 */
export function finalizeTrace(ctx: GatewayContext, deps: GatewayDeps): TraceRecord {
  const cfg = deps.config.traces;
  let tokensIn = 0;
  let tokensOut = 0;
  let cached = 0;
  let cacheWrite = 0;
  let usageSource: TraceRecord["usageSource"] = "none";
  if (ctx.usage) {
    tokensIn = ctx.usage.prompt_tokens ?? 0;
    tokensOut = ctx.usage.completion_tokens ?? 0;
    cached = ctx.usage.prompt_tokens_details?.cached_tokens ?? 0;
    cacheWrite = ctx.usage.prompt_tokens_details?.cache_creation_tokens ?? 0;
    usageSource = "provider";
  } else if (ctx.endpoint === "chat" && ctx.body && (ctx.httpStatus < 400 || (ctx.stream && ctx.ttftMs !== null))) {
    // A stream cut after its first chunk (client gone, upstream broke) was billed for what it
    // produced: count it, so spend and budgets cannot be dodged by hanging up before the usage chunk.
    tokensIn = ctx.memo.promptTokens();
    tokensOut = countCompletion(ctx.response as ChatCompletion | null);
    usageSource = "counted";
  }
  const vault = ctx.guard?.vault;
  const conceal = vault && vault.size > 0 ? (text: string): string => vault.conceal(text) : undefined;
  const endedAt = Date.now();
  const ok = ctx.httpStatus < 400 && ctx.errorCode === null;
  const meta = ctx.body?.metadata;
  // Personal data is masked by the writer worker, off this thread, before anything is stored; it
  // gets bodies cut a little long so a value at the cut is still whole when it is detected.
  const pii = resolvePiiPolicy(deps.config.capture, { keyId: ctx.principal?.keyId ?? null, keyName: ctx.principal?.keyName ?? null, model: ctx.modelRequested });
  const bodyChars = pii.mode === "keep" ? cfg.max_body_chars : cfg.max_body_chars + PII_CUT_SLACK;
  const record: TraceRecord = {
    id: ctx.requestId,
    startedAt: ctx.startedAt,
    endedAt,
    endpoint: ctx.endpoint,
    surface: ctx.surface,
    keyId: ctx.principal?.keyId ?? null,
    user: ctx.user,
    feature: ctx.feature,
    modelRequested: ctx.modelRequested,
    modelServed: ctx.model ? responseModel(ctx) ?? ctx.target?.model ?? ctx.model.upstream : null,
    provider: ctx.target?.provider ?? ctx.attempts.at(-1)?.provider ?? ctx.model?.provider ?? null,
    status: ok ? "ok" : ctx.errorCode === "client_closed" ? "cancelled" : "error",
    httpStatus: ctx.httpStatus,
    errorCode: ctx.errorCode,
    // Short, and read by the OTLP export from this record: masked here (no hash: an error needs no correlation).
    errorMessage: ctx.errorMessage !== null && pii.mode !== "keep" ? maskPiiText(ctx.errorMessage, { types: maskedTypes(pii.keep) }) : ctx.errorMessage,
    latencyMs: round(performance.now() - ctx.t0),
    ttftMs: ctx.ttftMs === null ? null : round(ctx.ttftMs),
    tokensIn,
    tokensOut,
    tokensCached: cached,
    usageSource,
    costUsd: costUsd(ctx.target ? ctx.target.price : ctx.model?.price ?? null, tokensIn, tokensOut, cached, cacheWrite),
    stream: ctx.stream,
    traceId: ctx.trace.traceId,
    parentSpanId: ctx.trace.parentSpanId,
    spanId: ctx.trace.spanId,
    systemFingerprint: fingerprintOf(ctx),
    metadata: meta && typeof meta === "object" ? (meta as Record<string, string>) : {},
    // One body of record (what went upstream), never the client's raw body; values the guard
    // redacted stay hidden in the response too, even where the answer restored them for the client.
    requestBody: captureBody(ctx.bodyOfRecord, cfg.capture, bodyChars, conceal),
    responseBody: captureBody(ctx.response, cfg.capture, bodyChars, conceal, sentText(ctx)),
    promptName: ctx.prompt?.compiled.name ?? null,
    promptVersion: ctx.prompt?.compiled.version ?? null,
    promptLabel: ctx.prompt?.label ?? null,
    target: ctx.target?.id ?? null,
    attempts: ctx.attempts,
    guard: ctx.guard ? ctx.guard.records() : null,
  };
  if (ctx.cache) record.cache = cacheTraceRecord(ctx.cache);
  if (pii.mode !== "keep") record.pii = pii;
  else if (record.requestBody !== null || record.responseBody !== null) record.piiKept = true;
  deps.traces.record(record);
  deps.metrics?.observe(record);
  deps.otel?.record(record);
  // [prompts] a call on a staged rollout feeds its canary comparison. `signals` is where a layer
  // reports per-call facts a rollout metric reads (the guard layer: `guard_triggered`).
  if (ctx.prompt?.rollout) deps.prompts?.observe(ctx.prompt, ctx.requestId, { ok, latencyMs: record.latencyMs, costUsd: record.costUsd, signals: { guard_triggered: record.guard?.some((v) => v.triggered && v.action !== "log") ? 1 : 0 } });
  return record;
}

/** The response's JSON as sent, when what the trace captures is that very value. */
function sentText(ctx: GatewayContext): string | undefined {
  const sent = ctx.responseJson;
  return sent !== null && sent.value === ctx.response ? sent.text : undefined;
}

function responseModel(ctx: GatewayContext): string | undefined {
  const m = (ctx.response as { model?: unknown } | null)?.model;
  return typeof m === "string" ? m : undefined;
}

function fingerprintOf(ctx: GatewayContext): string | null {
  const f = (ctx.response as { system_fingerprint?: unknown } | null)?.system_fingerprint;
  return typeof f === "string" && f.length <= 256 ? f : null;
}

function countCompletion(c: ChatCompletion | null): number {
  // A Responses API answer (gateway/responses.ts): its output items' text and call arguments.
  const output = (c as { output?: unknown } | null)?.output;
  if (!c?.choices && Array.isArray(output)) return countTextTokens(outputText(output));
  if (!c?.choices) return 0;
  let n = 0;
  for (const ch of c.choices) n += countTextTokens(messageText(ch.message));
  return n;
}

function outputText(items: readonly unknown[]): string {
  let text = "";
  for (const item of items as { content?: { text?: unknown }[]; arguments?: unknown }[]) {
    if (typeof item.arguments === "string") text += item.arguments;
    if (Array.isArray(item.content)) for (const p of item.content) if (typeof p.text === "string") text += p.text;
  }
  return text;
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
