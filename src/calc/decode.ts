/**
 * Decode and prefill speed limits. Decoding one token per sequence reads every active weight and
 * each sequence's KV cache from memory once, so a step takes at least
 * (weight bytes + batch × KV bytes per sequence) ÷ aggregate bandwidth: memory-bandwidth-bound.
 * Prefill is compute-bound: ≈ 2 × active parameters FLOPs per prompt token, at the achievable
 * share (`efficiency`, model FLOP utilisation) of the GPUs' dense tensor FLOP/s. Both are upper
 * bounds on speed (lower bounds on time): real engines add kernel launch, attention compute and
 * communication. N GPUs are counted as ideal tensor parallelism (bandwidth and FLOP/s add up).
 */
import { bitsPerWeight, kvBytesPerSequence, type ModelShape, type Precision } from "./memory.js";
import type { GpuPreset } from "./presets.js";

export interface DecodeInput {
  model: ModelShape;
  gpu: Pick<GpuPreset, "bandwidth" | "flops16" | "flops8">;
  gpus: number;
  precision: Precision;
  groupSize: number;
  kvPrecision: Precision;
  /** Tokens already in each sequence's context while decoding (prompt plus output so far). */
  context: number;
  promptTokens: number;
  batch: number;
  blockSize: number;
  efficiency: number;
}

export interface DecodeResult {
  bytesPerStep: number;
  weightBytesPerStep: number;
  kvBytesPerStep: number;
  /** Upper bound on tokens/s for one sequence, and for the whole batch. */
  tokensPerSecondPerSequence: number;
  tokensPerSecondTotal: number;
  /** Lower bound on the time per output token, ms. */
  msPerToken: number;
  prefillFlops: number;
  /** FLOP/s the prefill estimate assumes (FP8 tensor cores when weights are FP8 and the GPU has them). */
  flopsUsed: number;
  /** Lower bound on time to first token for one prompt of `promptTokens`, ms. */
  ttftMs: number;
}

export function decode(i: DecodeInput): DecodeResult {
  const weightBytesPerStep = (i.model.activeParams * bitsPerWeight(i.precision, i.groupSize)) / 8;
  const kvBytesPerStep = kvBytesPerSequence(i.model, i.kvPrecision, i.context, i.blockSize) * i.batch;
  const bytesPerStep = weightBytesPerStep + kvBytesPerStep;
  const stepSeconds = bytesPerStep / (i.gpu.bandwidth * i.gpus);
  const flopsPerGpu = i.precision === "fp8" && i.gpu.flops8 !== undefined ? i.gpu.flops8 : i.gpu.flops16;
  const flopsUsed = flopsPerGpu * i.gpus * i.efficiency;
  const prefillFlops = 2 * i.model.activeParams * i.promptTokens;
  return {
    bytesPerStep,
    weightBytesPerStep,
    kvBytesPerStep,
    tokensPerSecondPerSequence: 1 / stepSeconds,
    tokensPerSecondTotal: i.batch / stepSeconds,
    msPerToken: stepSeconds * 1000,
    prefillFlops,
    flopsUsed,
    ttftMs: (prefillFlops / flopsUsed) * 1000,
  };
}
