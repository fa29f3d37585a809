import { gpu, type ModelOptions, modelShape, num, type ServingOptions, servingInput } from "../calc/calc-inputs.js";
import { decode } from "../calc/decode.js";
import { GIB, memory } from "../calc/memory.js";
import { MODELS } from "../calc/presets.js";
import { specdec } from "../calc/specdec.js";
import { table } from "./table.js";

type GpuOptions = { gpu?: string; gpuMemory?: string; bandwidth?: string; tflops?: string };
type Json = { json?: boolean };

const gib = (b: number): string => `${(b / GIB).toFixed(2)} GiB`;
const fixed = (x: number, d = 3): string => (Number.isFinite(x) ? x.toFixed(d) : String(x));
const print = (rows: [string, string | number][]): void => console.log(table(["", ""], rows).split("\n").slice(1).join("\n"));

function maxContextOf(o: ModelOptions): number {
  return (o.model !== undefined ? MODELS[o.model.toLowerCase()]?.maxContext : undefined) ?? 8192;
}

/** `keel calc memory`: weights, KV cache and whether it fits. */
export function runCalcMemory(o: ModelOptions & ServingOptions & GpuOptions & Json): void {
  const model = modelShape(o);
  const g = gpu(o.gpu ?? "h100-sxm", o.gpuMemory, o.bandwidth, o.tflops);
  const input = servingInput(o, model, g.memoryGiB, maxContextOf(o));
  const r = memory(input);
  if (o.json) {
    console.log(JSON.stringify({ input, result: r }));
    return;
  }
  print([
    ["weights", `${gib(r.weightBytes)} (${fixed(r.bitsPerWeight, 3)} bits per weight, ${input.precision}${input.groupSize ? `, groups of ${input.groupSize}` : ""})`],
    ["KV cache per token", `${(r.kvBytesPerToken / 1024).toFixed(1)} KiB (${input.kvPrecision}, ${model.kvHeads} KV heads × ${model.headDim})`],
    ["KV cache", `${gib(r.kvBytes)} for ${input.batch} × ${input.context} tokens (blocks of ${input.blockSize}${model.slidingWindow ? `, sliding window ${model.slidingWindow}` : ""})`],
    ["hidden-size formula", `${gib(r.kvBytesHiddenFormula)} — overstates by ${fixed(r.hiddenFormulaOverstatement, 2)}×`],
    ["overhead allowance", `${gib(r.overheadBytes)} (${input.overheadGiB} GiB per GPU)`],
    ["total", `${gib(r.totalBytes)}; ${gib(r.perGpuBytes)} per GPU of ${gib(r.usablePerGpuBytes)} usable (${input.utilization} of ${g.memoryGiB} GiB)`],
    ["fits", `${r.fits ? "yes" : "no"} on ${input.gpus} GPU(s); up to ${r.maxBatchAtContext} sequences of ${input.context} tokens`],
  ]);
}

/** `keel calc decode`: bandwidth-bound decode speed and compute-bound prefill time. */
export function runCalcDecode(o: ModelOptions & ServingOptions & GpuOptions & Json & { promptTokens?: string; efficiency?: string }): void {
  const model = modelShape(o);
  const g = gpu(o.gpu ?? "h100-sxm", o.gpuMemory, o.bandwidth, o.tflops);
  const s = servingInput(o, model, g.memoryGiB, maxContextOf(o));
  const input = {
    model, gpu: g, gpus: s.gpus, precision: s.precision, groupSize: s.groupSize, kvPrecision: s.kvPrecision, context: s.context, batch: s.batch, blockSize: s.blockSize,
    promptTokens: num("--prompt-tokens", o.promptTokens, Math.min(1024, s.context), { min: 1, max: 10_000_000, int: true }),
    efficiency: num("--efficiency", o.efficiency, 0.5, { min: 0, max: 1, above: true }),
  };
  const r = decode(input);
  if (o.json) {
    console.log(JSON.stringify({ input: { ...input, model: undefined, gpu: undefined, ...{ modelShape: model, gpuSpec: g } }, result: r }));
    return;
  }
  print([
    ["bytes read per step", `${gib(r.bytesPerStep)} (weights ${gib(r.weightBytesPerStep)}, KV ${gib(r.kvBytesPerStep)})`],
    ["decode, per sequence", `≤ ${fixed(r.tokensPerSecondPerSequence, 1)} tokens/s (≥ ${fixed(r.msPerToken, 2)} ms per token)`],
    ["decode, whole batch", `≤ ${fixed(r.tokensPerSecondTotal, 1)} tokens/s at batch ${input.batch}`],
    ["prefill", `≥ ${fixed(r.ttftMs, 1)} ms for ${input.promptTokens} prompt tokens (${(r.prefillFlops / 1e12).toFixed(2)} TFLOP at ${(r.flopsUsed / 1e12).toFixed(0)} TFLOP/s achieved)`],
  ]);
}

/** `keel calc specdec`: what a draft model buys at acceptance rate α. */
export function runCalcSpecdec(o: { alpha?: string; k?: string; costRatio?: string } & Json): void {
  const r = specdec(
    num("--alpha", o.alpha, undefined, { min: 0, max: 1 }),
    num("--k", o.k, undefined, { min: 1, max: 64, int: true }),
    num("--cost-ratio", o.costRatio, undefined, { min: 0, max: 10 }),
  );
  if (o.json) {
    console.log(JSON.stringify(r));
    return;
  }
  print([
    ["simple bound αk + 1", fixed(r.simpleBound)],
    ["expected tokens per target pass", fixed(r.expectedTokensPerPass)],
    ["expected speedup", `${fixed(r.expectedSpeedup)}×${r.expectedSpeedup < 1 ? " (slower than no speculation)" : ""}`],
    ["best draft length", `k = ${r.bestK} (${fixed(r.bestSpeedup)}×)`],
    ["break-even α", `${fixed(r.breakEvenAlpha, 4)} at k = ${r.k}; ${fixed(r.breakEvenAlphaAnyK, 4)} for any k`],
  ]);
}
