import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { api } from "../api.js";
import { Async, Field, useGet } from "../components.js";
import { count, ms, pct } from "../format.js";
import type { Target } from "./models.js";

interface Presets { models: { id: string; source: string }[]; gpus: { id: string; source: string }[]; precisions: string[] }
type Values = Record<string, string>;
interface Input { name: string; label: string; options?: string[]; placeholder?: string }

const GIB = 1024 ** 3;
const gib = (b: number): string => `${(b / GIB).toFixed(2)} GiB`;
/** Small traffic reads better in GPU-seconds. */
const gpuTime = (h: number): string => (Math.abs(h) < 0.1 ? `${fx(h * 3600)} GPU-seconds` : `${fx(h, 3)} GPU-hours`);
const fx = (n: number | null | undefined, d = 2): string => (n === null || n === undefined || !Number.isFinite(n) ? "—" : n.toFixed(d));

/** A calculator: inputs as the API names them, POSTed as they are; the server checks every range and says which input is wrong. */
function CalcForm(props: { id: string; title: string; path: string; inputs: Input[]; initial: Values; extra?: (v: Values) => Values; children: (r: any) => JSX.Element }): JSX.Element {
  const [values, setValues] = useState<Values>(props.initial);
  const [result, setResult] = useState<unknown>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    const body: Values = {};
    for (const [k, v] of Object.entries({ ...values, ...props.extra?.(values) })) if (v.trim() !== "") body[k] = v.trim();
    try {
      setResult(await api("POST", props.path, body));
      setError(null);
    } catch (err) {
      setResult(null);
      setError((err as Error).message);
    }
    setBusy(false);
  };
  return (
    <section aria-labelledby={`${props.id}-h`} class="calc">
      <h2 id={`${props.id}-h`}>{props.title}</h2>
      <form class="filters" aria-label={props.title} onSubmit={submit}>
        {props.inputs.map((i) => (
          <Field id={`${props.id}-${i.name}`} label={i.label}>
            {i.options
              ? <select id={`${props.id}-${i.name}`} value={values[i.name] ?? ""} onChange={(e) => setValues({ ...values, [i.name]: (e.target as HTMLSelectElement).value })}>{i.options.map((o) => <option value={o}>{o || "—"}</option>)}</select>
              : <input id={`${props.id}-${i.name}`} value={values[i.name] ?? ""} placeholder={i.placeholder} size={8} onInput={(e) => setValues({ ...values, [i.name]: (e.target as HTMLInputElement).value })} />}
          </Field>
        ))}
        <button type="submit" disabled={busy}>Calculate</button>
      </form>
      {error ? <p class="error" role="alert">{error}</p> : null}
      {result ? <div aria-live="polite">{props.children(result)}</div> : null}
    </section>
  );
}

function Rows(props: { rows: [string, string][] }): JSX.Element {
  return <dl class="calc-result">{props.rows.map(([k, v]) => <><dt>{k}</dt><dd>{v}</dd></>)}</dl>;
}

const traffic = (t: any): [string, string][] => (t === undefined ? [] : t === null ? [["Traffic", "no successful chat calls in the window"]] : [
  ["Traffic (last 7 d)", `${count(t.stats.calls)} calls; prompt p50 ${Math.round(t.stats.promptTokens.p50)} / p95 ${Math.round(t.stats.promptTokens.p95)} tokens`],
]);

export function CalcPage(): JSX.Element {
  const presets = useGet<Presets>("/api/v1/calc/presets");
  const targets = useGet<{ data: Target[] }>("/api/v1/targets");
  return (
    <section aria-labelledby="calc-h">
      <h1 id="calc-h">Calculators</h1>
      <p class="muted">Bounds and estimates, not measurements (docs/calculators.md). The same figures as <code>keel calc</code>.</p>
      <Async r={presets}>{(p) => {
        const precisions = ["", ...p.precisions];
        const serving: Input[] = [
          { name: "model", label: "Model", options: p.models.map((m) => m.id) },
          { name: "gpu", label: "GPU", options: p.gpus.map((g) => g.id) },
          { name: "gpus", label: "GPUs" },
          { name: "precision", label: "Weights", options: precisions },
          { name: "kv_precision", label: "KV cache", options: precisions },
          { name: "context", label: "Context (tokens)", placeholder: "8192" },
          { name: "batch", label: "Batch" },
        ];
        const live: Input[] = [{ name: "from", label: "Traffic", options: ["", "traces"] }, { name: "compare_precision", label: "Compare weights", options: precisions }];
        const engines = (targets.data?.data ?? []).filter((t) => t.engine !== null).map((t) => t.id);
        return (
          <>
            <CalcForm id="mem" title="GPU memory" path="/api/v1/calc/memory" inputs={[...serving, live[0], { name: "compare_kv_precision", label: "Compare KV", options: precisions }]} initial={{ model: "llama-3.1-8b", gpu: "h100-sxm", gpus: "1", batch: "16" }}>{(r) => (
              <Rows rows={[
                ["Weights", `${gib(r.result.weightBytes)} (${fx(r.result.bitsPerWeight, 3)} bits per weight)`],
                ["KV cache per token", `${(r.result.kvBytesPerToken / 1024).toFixed(1)} KiB`],
                ["KV cache", `${gib(r.result.kvBytes)} for ${r.input.batch} × ${r.input.context} tokens`],
                ["Hidden-size formula overstates by", `${fx(r.result.hiddenFormulaOverstatement)}×`],
                ["Total", `${gib(r.result.totalBytes)}; ${gib(r.result.perGpuBytes)} per GPU of ${gib(r.result.usablePerGpuBytes)} usable`],
                ["Fits", `${r.result.fits ? "yes" : "no"}; up to ${r.result.maxBatchAtContext} sequences of ${r.input.context} tokens`],
                ...traffic(r.traffic),
                ...(r.traffic ? [["Sequences at p50 / p95 length", `${r.traffic.maxBatchAtP50} / ${r.traffic.maxBatchAtP95}${r.traffic.change ? ` → ${r.traffic.change.maxBatchAtP50} / ${r.traffic.change.maxBatchAtP95} with the change` : ""}`] as [string, string]] : []),
              ]} />
            )}</CalcForm>
            <CalcForm id="dec" title="Decode and prefill speed" path="/api/v1/calc/decode" inputs={[...serving, { name: "prompt_tokens", label: "Prompt tokens", placeholder: "1024" }, ...live]} initial={{ model: "llama-3.1-8b", gpu: "h100-sxm", gpus: "1", batch: "1" }}>{(r) => (
              <Rows rows={[
                ["Decode, per sequence", `≤ ${fx(r.result.tokensPerSecondPerSequence, 1)} tokens/s (≥ ${fx(r.result.msPerToken)} ms per token)`],
                ["Decode, whole batch", `≤ ${fx(r.result.tokensPerSecondTotal, 1)} tokens/s`],
                ["Prefill", `≥ ${ms(r.result.ttftMs)} for ${r.input.promptTokens} prompt tokens`],
                ...traffic(r.traffic),
                ...(r.traffic ? [["GPU time for that traffic", `≥ ${gpuTime(r.traffic.gpuHours)}`] as [string, string]] : []),
                ...(r.traffic?.change ? [["With the change", `saves ${gpuTime(r.traffic.change.savedGpuHours)} (${pct(r.traffic.change.savedShare)})`] as [string, string]] : []),
              ]} />
            )}</CalcForm>
            <CalcForm id="sd" title="Speculative decoding" path="/api/v1/calc/specdec"
              inputs={[{ name: "alpha", label: "Acceptance α" }, { name: "k", label: "Draft length k" }, { name: "cost_ratio", label: "Cost ratio c" }, { name: "target", label: "Or measured on", options: ["", ...engines] }]}
              initial={{ alpha: "0.8", k: "3", cost_ratio: "0.1", target: "" }}
              extra={(v): Values => (v.target ? { from: "engine", alpha: "", k: "" } : {})}>{(r) => (
              <Rows rows={[
                ...(r.measured ? [["Measured on", `${r.measured.target}: α ${fx(r.alpha, 3)}, k ${r.k}`] as [string, string]] : []),
                ["Expected tokens per target pass", fx(r.expectedTokensPerPass, 3)],
                ["Expected speedup", `${fx(r.expectedSpeedup, 3)}×${r.expectedSpeedup < 1 ? " (slower than no speculation)" : ""}`],
                ["Best draft length", `k = ${r.bestK} (${fx(r.bestSpeedup, 3)}×)`],
                ["Break-even α", `${fx(r.breakEvenAlpha, 4)} at k = ${r.k}`],
              ]} />
            )}</CalcForm>
          </>
        );
      }}</Async>
    </section>
  );
}
