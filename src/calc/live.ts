/**
 * The calculators over live data: speculative decoding from an engine's measured acceptance, and
 * decode and memory over the prompt and output lengths of recent traffic — what a change (weight
 * or KV precision) would have saved on it. Pure: the figures and the calls are read elsewhere
 * (admin/calc-routes.ts) and passed in.
 */
import { decode, type DecodeInput } from "./decode.js";
import { memory, type MemoryInput, type Precision } from "./memory.js";
import { expectedTokens, MAX_DRAFT_LENGTH, specdec, type SpecDecResult } from "./specdec.js";
import { percentiles } from "../observe/summary/percentile.js";

/** What an engine measured about its draft model (engines/engine-state.ts figures). */
export interface MeasuredDrafting {
  /** Accepted ÷ drafted tokens (vLLM's "draft acceptance rate"). */
  acceptanceRate: number | null;
  /** 1 + accepted ÷ drafts: tokens per target pass. */
  meanAcceptanceLength: number | null;
  /** Drafted tokens ÷ drafts: the configured k, as the engine ran it. */
  draftLength: number | null;
}

export interface SpecdecFromEngine extends SpecDecResult {
  measured: MeasuredDrafting & { target: string; alphaFrom: "mean_acceptance_length" | "acceptance_rate" };
}

/**
 * α, the i.i.d. per-token acceptance of Leviathan et al., is not the engine's accepted ÷ drafted
 * ratio: with α = 0.8 and k = 3 only 65% of drafted tokens are accepted, because a rejection
 * discards the rest of the draft. The mean acceptance length is E = (1 − α^(k+1)) / (1 − α), so α
 * is recovered by inverting that (it rises with α; bisection). Without a mean length (an engine
 * that reports only the ratio) the ratio itself is used, which understates α.
 */
export function alphaFromAcceptanceLength(meanLength: number, k: number): number {
  if (meanLength <= 1) return 0;
  if (meanLength >= k + 1) return 1;
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (expectedTokens(mid, k) < meanLength) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Errors a caller turns into its own shape: the measured input that is missing. */
export class LiveDataError extends Error {
  constructor(readonly input: string, message: string) {
    super(message);
  }
}

/** `k` overrides the measured draft length (an engine that does not report it needs one). */
export function specdecFromEngine(target: string, m: MeasuredDrafting, costRatio: number, k: number | undefined): SpecdecFromEngine {
  const measuredK = m.draftLength === null ? undefined : Math.min(MAX_DRAFT_LENGTH, Math.max(1, Math.round(m.draftLength)));
  const useK = k ?? measuredK;
  if (useK === undefined) throw new LiveDataError("--k", `the engine behind ${target} does not report its draft length; give --k`);
  let alpha: number;
  let alphaFrom: SpecdecFromEngine["measured"]["alphaFrom"];
  if (m.meanAcceptanceLength !== null) {
    alpha = alphaFromAcceptanceLength(m.meanAcceptanceLength, useK);
    alphaFrom = "mean_acceptance_length";
  } else if (m.acceptanceRate !== null) {
    alpha = Math.min(1, Math.max(0, m.acceptanceRate));
    alphaFrom = "acceptance_rate";
  } else {
    throw new LiveDataError("--from-engine", `the engine behind ${target} reports no speculative decoding (no drafts since its previous scrape)`);
  }
  return { ...specdec(alpha, useK, costRatio), measured: { ...m, target, alphaFrom } };
}

/** One call's token counts. */
export interface TrafficCall {
  tokensIn: number;
  tokensOut: number;
}

export interface Dist {
  p50: number;
  p95: number;
  mean: number;
  sum: number;
}

export interface TrafficStats {
  calls: number;
  since: number;
  until: number;
  /** More calls matched than were read: the figures are from the most recent ones. */
  truncated: boolean;
  promptTokens: Dist;
  outputTokens: Dist;
  /** Prompt + output: what a sequence holds in the KV cache at its end. */
  sequenceTokens: Dist;
}

function dist(values: Float64Array): Dist {
  let sum = 0;
  for (const v of values) sum += v;
  const [p50, p95] = percentiles(values, [0.5, 0.95]);
  return { p50: p50 ?? 0, p95: p95 ?? 0, mean: values.length ? sum / values.length : 0, sum };
}

export function trafficStats(calls: readonly TrafficCall[], since: number, until: number, truncated: boolean): TrafficStats | null {
  if (calls.length === 0) return null;
  const p = new Float64Array(calls.length);
  const o = new Float64Array(calls.length);
  const s = new Float64Array(calls.length);
  calls.forEach((c, i) => ((p[i] = c.tokensIn), (o[i] = c.tokensOut), (s[i] = c.tokensIn + c.tokensOut)));
  return { calls: calls.length, since, until, truncated, promptTokens: dist(p), outputTokens: dist(o), sequenceTokens: dist(s) };
}

/** A change to price on the traffic: other weight or KV-cache precision. */
export interface Change {
  precision?: Precision;
  groupSize?: number;
  kvPrecision?: Precision;
}

const tokens = (x: number): number => Math.max(1, Math.round(x));

export interface DecodeTraffic {
  stats: TrafficStats;
  /** Prefill lower bounds at the traffic's median and 95th-percentile prompt. */
  ttftMsAtP50: number;
  ttftMsAtP95: number;
  /** GPU time the traffic needs at least: prefill of every prompt plus decode of every output at `batch`. */
  gpuHours: number;
  prefillHours: number;
  decodeHours: number;
  change: { change: Change; gpuHours: number; savedGpuHours: number; savedShare: number; ttftMsAtP95: number } | null;
}

/**
 * The traffic's GPU time, in GPU-hours (wall time × GPUs): every prompt prefilled at the achieved
 * FLOP/s, and every output token decoded at the batch's bandwidth-bound step time, with the KV
 * cache of a mean sequence half-way through its output. Lower bounds, as the calculators are.
 */
export function decodeOnTraffic(base: DecodeInput, stats: TrafficStats, change: Change | null): DecodeTraffic {
  const hours = (i: DecodeInput): { prefill: number; decode: number } => {
    const mid = decode({ ...i, context: tokens(stats.promptTokens.mean + stats.outputTokens.mean / 2), promptTokens: tokens(stats.promptTokens.mean) });
    const prefillS = (2 * i.model.activeParams * stats.promptTokens.sum) / mid.flopsUsed;
    const decodeS = stats.outputTokens.sum / mid.tokensPerSecondTotal;
    return { prefill: (prefillS * i.gpus) / 3600, decode: (decodeS * i.gpus) / 3600 };
  };
  const ttft = (i: DecodeInput, prompt: number): number => decode({ ...i, promptTokens: tokens(prompt) }).ttftMs;
  const now = hours(base);
  const total = now.prefill + now.decode;
  let changed: DecodeTraffic["change"] = null;
  if (change !== null) {
    const alt = { ...base, ...definedOf(change) };
    const h = hours(alt);
    const t = h.prefill + h.decode;
    changed = { change, gpuHours: t, savedGpuHours: total - t, savedShare: total > 0 ? (total - t) / total : 0, ttftMsAtP95: ttft(alt, stats.promptTokens.p95) };
  }
  return {
    stats, ttftMsAtP50: ttft(base, stats.promptTokens.p50), ttftMsAtP95: ttft(base, stats.promptTokens.p95),
    gpuHours: total, prefillHours: now.prefill, decodeHours: now.decode, change: changed,
  };
}

export interface MemoryTraffic {
  stats: TrafficStats;
  /** Concurrent sequences of the traffic's median and 95th-percentile length that fit beside the weights. */
  maxBatchAtP50: number;
  maxBatchAtP95: number;
  change: { change: Change; maxBatchAtP50: number; maxBatchAtP95: number } | null;
}

export function memoryOnTraffic(base: MemoryInput, stats: TrafficStats, change: Change | null): MemoryTraffic {
  const at = (i: MemoryInput, len: number): number => memory({ ...i, context: tokens(len) }).maxBatchAtContext;
  const alt = change === null ? null : { ...base, ...definedOf(change) };
  return {
    stats,
    maxBatchAtP50: at(base, stats.sequenceTokens.p50),
    maxBatchAtP95: at(base, stats.sequenceTokens.p95),
    change: alt === null || change === null ? null : { change, maxBatchAtP50: at(alt, stats.sequenceTokens.p50), maxBatchAtP95: at(alt, stats.sequenceTokens.p95) },
  };
}

function definedOf(c: Change): Change {
  const out: Change = {};
  if (c.precision !== undefined) out.precision = c.precision;
  if (c.groupSize !== undefined) out.groupSize = c.groupSize;
  if (c.kvPrecision !== undefined) out.kvPrecision = c.kvPrecision;
  return out;
}
