/**
 * GPU memory for serving a model: weights at a precision, the KV cache, an allowance for
 * activations and runtime, and whether it fits on N GPUs.
 *
 * KV cache = 2 (K and V) × layers × KV heads × head dim × bytes × tokens. KV heads, not the hidden
 * size: with grouped-query attention (Llama 3 8B: 8 KV heads of 32) the hidden-size formula
 * (2 × layers × hidden × bytes × tokens) overstates the cache by heads ÷ KV heads — 4× there; the
 * result carries both so the difference is visible. Tokens are counted as vLLM's paged cache
 * allocates them: whole blocks of `blockSize` tokens per sequence (default 16), and a
 * sliding-window layer holds at most ceil((window − 1) ÷ block) + 1 blocks (the window can straddle
 * a block on each end) instead of the whole context.
 */
import type { ModelPreset } from "./presets.js";

export type Precision = "fp32" | "bf16" | "fp16" | "fp8" | "int8" | "int4";
export const PRECISIONS: readonly Precision[] = ["fp32", "bf16", "fp16", "fp8", "int8", "int4"];
export const BITS: Readonly<Record<Precision, number>> = { fp32: 32, bf16: 16, fp16: 16, fp8: 8, int8: 8, int4: 4 };

export type ModelShape = Pick<ModelPreset, "params" | "activeParams" | "layers" | "heads" | "kvHeads" | "headDim" | "hidden" | "slidingWindow" | "slidingLayers">;

export interface MemoryInput {
  model: ModelShape;
  precision: Precision;
  /** AWQ/GPTQ-style group quantisation: one FP16 scale and one zero point (at the weight width) per group; 0 = none. */
  groupSize: number;
  kvPrecision: Precision;
  context: number;
  batch: number;
  blockSize: number;
  gpus: number;
  gpuMemoryGiB: number;
  /** Share of each GPU's memory the engine may use (vLLM's gpu_memory_utilization, default 0.9). */
  utilization: number;
  /** Per-GPU allowance for activations, CUDA context and graphs, in GiB. */
  overheadGiB: number;
}

export interface MemoryResult {
  weightBytes: number;
  /** Bits per weight including the group-quantisation scales and zero points. */
  bitsPerWeight: number;
  kvBytesPerToken: number;
  kvBytesPerSequence: number;
  kvBytes: number;
  /** The same cache by the hidden-size formula, and how many times larger that is. */
  kvBytesHiddenFormula: number;
  hiddenFormulaOverstatement: number;
  overheadBytes: number;
  totalBytes: number;
  perGpuBytes: number;
  usablePerGpuBytes: number;
  fits: boolean;
  /** Sequences of `context` tokens that fit beside the weights and allowance (0 when even the weights do not fit). */
  maxBatchAtContext: number;
}

export const GIB = 1024 ** 3;

export function bitsPerWeight(precision: Precision, groupSize: number): number {
  const b = BITS[precision];
  return groupSize > 0 ? b + (16 + b) / groupSize : b;
}

/** Blocks one sequence of `context` tokens holds in one layer. */
function blocksPerLayer(context: number, blockSize: number, window: number | undefined): number {
  const full = Math.ceil(context / blockSize);
  if (window === undefined) return full;
  return Math.min(full, Math.ceil((window - 1) / blockSize) + 1);
}

export function kvBytesPerSequence(m: ModelShape, kvPrecision: Precision, context: number, blockSize: number): number {
  const perTokenPerLayer = 2 * m.kvHeads * m.headDim * (BITS[kvPrecision] / 8);
  const sliding = m.slidingWindow === undefined ? 0 : (m.slidingLayers ?? m.layers);
  const blocks = (m.layers - sliding) * blocksPerLayer(context, blockSize, undefined) + sliding * blocksPerLayer(context, blockSize, m.slidingWindow);
  return blocks * blockSize * perTokenPerLayer;
}

export function memory(i: MemoryInput): MemoryResult {
  const bpw = bitsPerWeight(i.precision, i.groupSize);
  const weightBytes = (i.model.params * bpw) / 8;
  const kvBytesPerToken = 2 * i.model.layers * i.model.kvHeads * i.model.headDim * (BITS[i.kvPrecision] / 8);
  const perSeq = kvBytesPerSequence(i.model, i.kvPrecision, i.context, i.blockSize);
  const kvBytes = perSeq * i.batch;
  const kvBytesHiddenFormula = 2 * i.model.layers * i.model.hidden * (BITS[i.kvPrecision] / 8) * i.context * i.batch;
  const overheadBytes = i.overheadGiB * GIB * i.gpus;
  const totalBytes = weightBytes + kvBytes + overheadBytes;
  const usablePerGpuBytes = i.gpuMemoryGiB * GIB * i.utilization;
  const free = usablePerGpuBytes * i.gpus - weightBytes - overheadBytes;
  return {
    weightBytes,
    bitsPerWeight: bpw,
    kvBytesPerToken,
    kvBytesPerSequence: perSeq,
    kvBytes,
    kvBytesHiddenFormula,
    hiddenFormulaOverstatement: kvBytes > 0 ? kvBytesHiddenFormula / kvBytes : 0,
    overheadBytes,
    totalBytes,
    perGpuBytes: totalBytes / i.gpus,
    usablePerGpuBytes,
    fits: totalBytes <= usablePerGpuBytes * i.gpus,
    maxBatchAtContext: free > 0 && perSeq > 0 ? Math.floor(free / perSeq) : 0,
  };
}
