/**
 * The calculators from their raw options to their reports: the one code path behind
 * `keel calc …` (options from the command line) and POST /api/v1/calc/… (fields of a JSON body).
 * Options are strings, as the command line gives them; calc-inputs.ts parses and range-checks them.
 */
import { gpu, type ModelOptions, modelShape, num, type ServingOptions, servingInput } from "./calc-inputs.js";
import { decode, type DecodeInput, type DecodeResult } from "./decode.js";
import { memory, type MemoryInput, type MemoryResult, type ModelShape } from "./memory.js";
import { MODELS } from "./presets.js";
import { specdec, type SpecDecResult } from "./specdec.js";

export interface GpuOptions {
  gpu?: string;
  gpuMemory?: string;
  bandwidth?: string;
  tflops?: string;
}

export type MemoryOptions = ModelOptions & ServingOptions & GpuOptions;
export type DecodeOptions = MemoryOptions & { promptTokens?: string; efficiency?: string };
export interface SpecdecOptions {
  alpha?: string;
  k?: string;
  costRatio?: string;
}

export interface MemoryReport {
  input: MemoryInput;
  result: MemoryResult;
}

export interface DecodeReport {
  input: Omit<DecodeInput, "model" | "gpu"> & { modelShape: ModelShape; gpuSpec: DecodeInput["gpu"] };
  result: DecodeResult;
}

/** The context default: 8192 tokens, or the preset's maximum when that is shorter. */
function maxContextOf(o: ModelOptions): number {
  return (o.model !== undefined ? MODELS[o.model.toLowerCase()]?.maxContext : undefined) ?? 8192;
}

export function memoryInput(o: MemoryOptions): MemoryInput {
  const model = modelShape(o);
  const g = gpu(o.gpu ?? "h100-sxm", o.gpuMemory, o.bandwidth, o.tflops);
  return servingInput(o, model, g.memoryGiB, maxContextOf(o));
}

/** `keel calc memory`: weights, KV cache and whether it fits. */
export function memoryReport(o: MemoryOptions): MemoryReport {
  const input = memoryInput(o);
  return { input, result: memory(input) };
}

export function decodeInput(o: DecodeOptions): DecodeInput {
  const model = modelShape(o);
  const g = gpu(o.gpu ?? "h100-sxm", o.gpuMemory, o.bandwidth, o.tflops);
  const s = servingInput(o, model, g.memoryGiB, maxContextOf(o));
  return {
    model, gpu: g, gpus: s.gpus, precision: s.precision, groupSize: s.groupSize, kvPrecision: s.kvPrecision, context: s.context, batch: s.batch, blockSize: s.blockSize,
    promptTokens: num("--prompt-tokens", o.promptTokens, Math.min(1024, s.context), { min: 1, max: 10_000_000, int: true }),
    efficiency: num("--efficiency", o.efficiency, 0.5, { min: 0, max: 1, above: true }),
  };
}

/** `keel calc decode`: bandwidth-bound decode speed and compute-bound prefill time. */
export function decodeReport(o: DecodeOptions): DecodeReport {
  const input = decodeInput(o);
  const { model, gpu: g, ...rest } = input;
  return { input: { ...rest, modelShape: model, gpuSpec: g }, result: decode(input) };
}

export const SPECDEC_RANGES = {
  alpha: { min: 0, max: 1 },
  k: { min: 1, max: 64, int: true },
  costRatio: { min: 0, max: 10 },
} as const;

/** `keel calc specdec`: what a draft model buys at acceptance rate α. */
export function specdecReport(o: SpecdecOptions): SpecDecResult {
  return specdec(
    num("--alpha", o.alpha, undefined, SPECDEC_RANGES.alpha),
    num("--k", o.k, undefined, SPECDEC_RANGES.k),
    num("--cost-ratio", o.costRatio, undefined, SPECDEC_RANGES.costRatio),
  );
}
