/**
 * The calculators' inputs from strings (CLI options, query parameters): each value is parsed and
 * range-checked here, and a bad one is refused with a message naming the input and its valid range.
 */
import { type MemoryInput, type ModelShape, type Precision, PRECISIONS } from "./memory.js";
import { GPUS, type GpuPreset, MODELS } from "./presets.js";

/** `input` is the option's CLI name (`--kv-heads`); the API names it `kv_heads` (apiMessage). */
export class CalcInputError extends Error {
  constructor(readonly input: string, message: string) {
    super(message);
  }

  /** The API's name for the input: the CLI flag without dashes, `-` as `_`. */
  get param(): string {
    return apiName(this.input);
  }

  /** The message with every CLI flag in it written as the API's field name. */
  get apiMessage(): string {
    return this.message.replace(/--([a-z][a-z-]*)/g, (f) => apiName(f));
  }
}

const apiName = (flag: string): string => flag.replace(/^--/, "").replaceAll("-", "_");
const flagOf = (name: string): string => name.split(" ")[0];

interface Range {
  min: number;
  max: number;
  int?: boolean;
  /** min itself is not allowed. */
  above?: boolean;
}

export function num(name: string, raw: string | undefined, fallback: number | undefined, r: Range): number {
  if (raw === undefined) {
    if (fallback === undefined) throw new CalcInputError(flagOf(name), `${name} is required (${describe(r)})`);
    return fallback;
  }
  const v = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?\s*$/i.test(raw) ? Number(raw) : Number.NaN;
  const inRange = v <= r.max && (r.above ? v > r.min : v >= r.min) && (!r.int || Number.isInteger(v));
  if (!Number.isFinite(v) || !inRange) throw new CalcInputError(flagOf(name), `${name} must be ${describe(r)}, got "${raw}"`);
  return v;
}

function describe(r: Range): string {
  return `${r.int ? "an integer" : "a number"} in ${r.above ? "(" : "["}${r.min}, ${r.max}]`;
}

export function precision(name: string, raw: string | undefined, fallback: Precision): Precision {
  if (raw === undefined) return fallback;
  const p = raw.toLowerCase() as Precision;
  if (!PRECISIONS.includes(p)) throw new CalcInputError(flagOf(name), `${name} must be one of ${PRECISIONS.join(", ")}, got "${raw}"`);
  return p;
}

export interface ModelOptions {
  model?: string;
  params?: string;
  activeParams?: string;
  layers?: string;
  heads?: string;
  kvHeads?: string;
  headDim?: string;
  hidden?: string;
  slidingWindow?: string;
}

/** A preset (`--model`), with any dimension overridden; without a preset every dimension is required. */
export function modelShape(o: ModelOptions): ModelShape {
  let base: ModelShape | undefined;
  if (o.model !== undefined) {
    base = MODELS[o.model.toLowerCase()];
    if (base === undefined) throw new CalcInputError("--model", `--model must be one of ${Object.keys(MODELS).join(", ")} (or give --params, --layers, --heads, --kv-heads, --head-dim), got "${o.model}"`);
  }
  const params = num("--params (billions)", o.params, base && base.params / 1e9, { min: 0, max: 100_000, above: true }) * 1e9;
  const layers = num("--layers", o.layers, base?.layers, { min: 1, max: 1000, int: true });
  const heads = num("--heads", o.heads, base?.heads, { min: 1, max: 1024, int: true });
  const kvHeads = num("--kv-heads", o.kvHeads, base?.kvHeads, { min: 1, max: heads, int: true });
  const headDim = num("--head-dim", o.headDim, base?.headDim, { min: 1, max: 4096, int: true });
  const hidden = num("--hidden", o.hidden, base?.hidden ?? heads * headDim, { min: 1, max: 1_000_000, int: true });
  const activeDefault = base !== undefined && o.params === undefined ? base.activeParams / 1e9 : params / 1e9;
  const activeParams = num("--active-params (billions)", o.activeParams, activeDefault, { min: 0, max: params / 1e9, above: true }) * 1e9;
  const slidingWindow = o.slidingWindow !== undefined ? num("--sliding-window", o.slidingWindow, undefined, { min: 0, max: 10_000_000, int: true }) : base?.slidingWindow;
  const shape: ModelShape = { params, activeParams, layers, heads, kvHeads, headDim, hidden };
  if (slidingWindow !== undefined && slidingWindow > 0) {
    shape.slidingWindow = slidingWindow;
    shape.slidingLayers = Math.min(layers, base?.slidingLayers ?? layers);
  }
  return shape;
}

export function gpu(raw: string | undefined, memoryGiB?: string, bandwidthGBs?: string, tflops?: string): Pick<GpuPreset, "memoryGiB" | "bandwidth" | "flops16" | "flops8"> {
  const base = raw === undefined ? undefined : GPUS[raw.toLowerCase()];
  if (raw !== undefined && base === undefined) throw new CalcInputError("--gpu", `--gpu must be one of ${Object.keys(GPUS).join(", ")} (or give --gpu-memory, --bandwidth, --tflops), got "${raw}"`);
  const out: Pick<GpuPreset, "memoryGiB" | "bandwidth" | "flops16" | "flops8"> = {
    memoryGiB: num("--gpu-memory (GiB)", memoryGiB, base?.memoryGiB, { min: 0, max: 100_000, above: true }),
    bandwidth: num("--bandwidth (GB/s)", bandwidthGBs, base && base.bandwidth / 1e9, { min: 0, max: 1_000_000, above: true }) * 1e9,
    flops16: num("--tflops (dense 16-bit)", tflops, base && base.flops16 / 1e12, { min: 0, max: 1_000_000, above: true }) * 1e12,
  };
  if (base?.flops8 !== undefined && tflops === undefined) out.flops8 = base.flops8;
  return out;
}

export interface ServingOptions {
  precision?: string;
  groupSize?: string;
  kvPrecision?: string;
  context?: string;
  batch?: string;
  blockSize?: string;
  gpus?: string;
  utilization?: string;
  overhead?: string;
}

export function servingInput(o: ServingOptions, model: ModelShape, gpuMemoryGiB: number, maxContext: number): MemoryInput {
  const p = precision("--precision", o.precision, "bf16");
  return {
    model,
    precision: p,
    groupSize: num("--group-size", o.groupSize, p === "int4" ? 128 : 0, { min: 0, max: 65_536, int: true }),
    kvPrecision: precision("--kv-precision", o.kvPrecision, "bf16"),
    context: num("--context", o.context, Math.min(8192, maxContext), { min: 1, max: 10_000_000, int: true }),
    batch: num("--batch", o.batch, 1, { min: 1, max: 1_000_000, int: true }),
    blockSize: num("--block-size", o.blockSize, 16, { min: 1, max: 4096, int: true }),
    gpus: num("--gpus", o.gpus, 1, { min: 1, max: 4096, int: true }),
    gpuMemoryGiB,
    utilization: num("--utilization", o.utilization, 0.9, { min: 0, max: 1, above: true }),
    overheadGiB: num("--overhead (GiB per GPU)", o.overhead, 2, { min: 0, max: 10_000 }),
  };
}
