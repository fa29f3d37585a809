import { num } from "../calc/calc-inputs.js";
import type { DecodeTraffic, MemoryTraffic, SpecdecFromEngine } from "../calc/live.js";
import { GIB } from "../calc/memory.js";
import { type DecodeOptions, type DecodeReport, decodeReport, type MemoryOptions, type MemoryReport, memoryReport, SPECDEC_RANGES, type SpecdecOptions, specdecReport } from "../calc/reports.js";
import type { SpecDecResult } from "../calc/specdec.js";
import { AdminClient } from "./admin-client.js";
import { table } from "./table.js";

type Conn = { url: string; token?: string };
type Json = { json?: boolean };
/** `--from-traces`: the calculators over recent traffic, read by the server (POST /api/v1/calc/…). */
type TrafficOptions = { fromTraces?: boolean; days?: string; trafficModel?: string; comparePrecision?: string; compareGroupSize?: string; compareKvPrecision?: string };

const gib = (b: number): string => `${(b / GIB).toFixed(2)} GiB`;
const fixed = (x: number, d = 3): string => (Number.isFinite(x) ? x.toFixed(d) : String(x));
const print = (rows: [string, string | number][]): void => console.log(table(["", ""], rows).split("\n").slice(1).join("\n"));

/** The command line's options as the API's body: `kvHeads` → `kv_heads`; flags that are not inputs left out. */
function body(o: object, drop: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined && !drop.includes(k)) out[k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = v;
  return out;
}
const NOT_INPUTS = ["json", "url", "adminToken", "fromTraces", "fromEngine"];

const lengths = (t: { stats: MemoryTraffic["stats"] }): [string, string] => {
  const s = t.stats;
  return [`traffic, last ${Math.round((s.until - s.since) / 86_400_000)} d`, `${s.calls} calls${s.truncated ? " (most recent only)" : ""}; prompt p50 ${Math.round(s.promptTokens.p50)} / p95 ${Math.round(s.promptTokens.p95)} tokens, output p50 ${Math.round(s.outputTokens.p50)} / p95 ${Math.round(s.outputTokens.p95)}`];
};
const changeText = (c: { precision?: string; kvPrecision?: string }): string => [c.precision ? `weights ${c.precision}` : "", c.kvPrecision ? `KV ${c.kvPrecision}` : ""].filter(Boolean).join(", ");

/** `keel calc memory`: weights, KV cache and whether it fits. */
export async function runCalcMemory(c: Conn, o: MemoryOptions & TrafficOptions & Json): Promise<void> {
  const r: MemoryReport & { traffic?: MemoryTraffic | null } = o.fromTraces
    ? await new AdminClient(c.url, c.token).call("POST", "/api/v1/calc/memory", { ...body(o, NOT_INPUTS), from: "traces" })
    : memoryReport(o);
  if (o.json) return void console.log(JSON.stringify(r));
  const { input, result: m } = r;
  const rows: [string, string][] = [
    ["weights", `${gib(m.weightBytes)} (${fixed(m.bitsPerWeight, 3)} bits per weight, ${input.precision}${input.groupSize ? `, groups of ${input.groupSize}` : ""})`],
    ["KV cache per token", `${(m.kvBytesPerToken / 1024).toFixed(1)} KiB (${input.kvPrecision}, ${input.model.kvHeads} KV heads × ${input.model.headDim})`],
    ["KV cache", `${gib(m.kvBytes)} for ${input.batch} × ${input.context} tokens (blocks of ${input.blockSize}${input.model.slidingWindow ? `, sliding window ${input.model.slidingWindow}` : ""})`],
    ["hidden-size formula", `${gib(m.kvBytesHiddenFormula)} — overstates by ${fixed(m.hiddenFormulaOverstatement, 2)}×`],
    ["overhead allowance", `${gib(m.overheadBytes)} (${input.overheadGiB} GiB per GPU)`],
    ["total", `${gib(m.totalBytes)}; ${gib(m.perGpuBytes)} per GPU of ${gib(m.usablePerGpuBytes)} usable (${input.utilization} of ${input.gpuMemoryGiB} GiB)`],
    ["fits", `${m.fits ? "yes" : "no"} on ${input.gpus} GPU(s); up to ${m.maxBatchAtContext} sequences of ${input.context} tokens`],
  ];
  if (r.traffic === null) rows.push(["traffic", "no successful chat calls in the window"]);
  else if (r.traffic) {
    const t = r.traffic;
    rows.push(lengths(t), ["sequences that fit", `${t.maxBatchAtP50} at the p50 length (${Math.round(t.stats.sequenceTokens.p50)} tokens), ${t.maxBatchAtP95} at p95 (${Math.round(t.stats.sequenceTokens.p95)})`]);
    if (t.change) rows.push([`with ${changeText(t.change.change)}`, `${t.change.maxBatchAtP50} at p50, ${t.change.maxBatchAtP95} at p95 (${signed(t.change.maxBatchAtP95 - t.maxBatchAtP95)} at p95)`]);
  }
  print(rows);
}

const signed = (n: number): string => (n >= 0 ? `+${n}` : String(n));

/** `keel calc decode`: bandwidth-bound decode speed and compute-bound prefill time. */
export async function runCalcDecode(c: Conn, o: DecodeOptions & TrafficOptions & Json): Promise<void> {
  const r: DecodeReport & { traffic?: DecodeTraffic | null } = o.fromTraces
    ? await new AdminClient(c.url, c.token).call("POST", "/api/v1/calc/decode", { ...body(o, NOT_INPUTS), from: "traces" })
    : decodeReport(o);
  if (o.json) return void console.log(JSON.stringify(r));
  const { input, result: d } = r;
  const rows: [string, string][] = [
    ["bytes read per step", `${gib(d.bytesPerStep)} (weights ${gib(d.weightBytesPerStep)}, KV ${gib(d.kvBytesPerStep)})`],
    ["decode, per sequence", `≤ ${fixed(d.tokensPerSecondPerSequence, 1)} tokens/s (≥ ${fixed(d.msPerToken, 2)} ms per token)`],
    ["decode, whole batch", `≤ ${fixed(d.tokensPerSecondTotal, 1)} tokens/s at batch ${input.batch}`],
    ["prefill", `≥ ${fixed(d.ttftMs, 1)} ms for ${input.promptTokens} prompt tokens (${(d.prefillFlops / 1e12).toFixed(2)} TFLOP at ${(d.flopsUsed / 1e12).toFixed(0)} TFLOP/s achieved)`],
  ];
  if (r.traffic === null) rows.push(["traffic", "no successful chat calls in the window"]);
  else if (r.traffic) {
    const t = r.traffic;
    rows.push(lengths(t), ["prefill at p50 / p95 prompt", `≥ ${fixed(t.ttftMsAtP50, 1)} / ${fixed(t.ttftMsAtP95, 1)} ms`]);
    rows.push(["GPU time for that traffic", `≥ ${fixed(t.gpuHours, 3)} GPU-hours (prefill ${fixed(t.prefillHours, 3)}, decode ${fixed(t.decodeHours, 3)} at batch ${input.batch})`]);
    if (t.change) rows.push([`with ${changeText(t.change.change)}`, `${fixed(t.change.gpuHours, 3)} GPU-hours: saves ${fixed(t.change.savedGpuHours, 3)} (${fixed(100 * t.change.savedShare, 1)}%); prefill at p95 ${fixed(t.change.ttftMsAtP95, 1)} ms`]);
  }
  print(rows);
}

/** `keel calc specdec`: what a draft model buys at acceptance rate α; `--from-engine`: at the α the engine measured. */
export async function runCalcSpecdec(c: Conn, o: SpecdecOptions & Json & { fromEngine?: string }): Promise<void> {
  let r: SpecDecResult | SpecdecFromEngine;
  if (o.fromEngine !== undefined) {
    if (o.alpha !== undefined) throw new Error("--alpha is measured with --from-engine; leave it out");
    // Checked here too, so the command line's message names its own flags.
    num("--cost-ratio", o.costRatio, undefined, SPECDEC_RANGES.costRatio);
    if (o.k !== undefined) num("--k", o.k, undefined, SPECDEC_RANGES.k);
    r = await new AdminClient(c.url, c.token).call<SpecdecFromEngine>("POST", "/api/v1/calc/specdec", { ...body(o, NOT_INPUTS), from: "engine", target: o.fromEngine });
  } else r = specdecReport(o);
  if (o.json) return void console.log(JSON.stringify(r));
  const rows: [string, string][] = [];
  if ("measured" in r) {
    const m = r.measured;
    rows.push(["measured on", `${m.target}: ${m.meanAcceptanceLength === null ? "—" : fixed(m.meanAcceptanceLength)} tokens per pass, ${m.acceptanceRate === null ? "—" : fixed(m.acceptanceRate)} of drafted tokens accepted, draft length ${m.draftLength === null ? "—" : fixed(m.draftLength, 1)}`]);
    rows.push(["α", `${fixed(r.alpha, 4)} (${m.alphaFrom === "mean_acceptance_length" ? "from the mean acceptance length" : "the accepted share: understates α"})`]);
  }
  rows.push(
    ["simple bound αk + 1", fixed(r.simpleBound)],
    ["expected tokens per target pass", fixed(r.expectedTokensPerPass)],
    ["expected speedup", `${fixed(r.expectedSpeedup)}×${r.expectedSpeedup < 1 ? " (slower than no speculation)" : ""}`],
    ["best draft length", `k = ${r.bestK} (${fixed(r.bestSpeedup)}×)`],
    ["break-even α", `${fixed(r.breakEvenAlpha, 4)} at k = ${r.k}; ${fixed(r.breakEvenAlphaAnyK, 4)} for any k`],
  );
  print(rows);
}
