import type { Command } from "commander";

type Client = (cmd: Command) => Command;
type ClientOpts = (o: { url: string; adminToken?: string }) => { url: string; token?: string };

/** Options that describe the model: a preset, or its dimensions. */
function modelOptions(c: Command): Command {
  return c
    .option("--model <preset>", "llama-2-7b, llama-3.1-8b, llama-3.1-70b, llama-3.1-405b, mistral-7b-v0.1, mixtral-8x7b, qwen2.5-7b, qwen2.5-72b")
    .option("--params <billions>", "parameters, in billions (overrides the preset)")
    .option("--active-params <billions>", "parameters read per token (mixture of experts); default all")
    .option("--layers <n>", "transformer layers")
    .option("--heads <n>", "attention heads")
    .option("--kv-heads <n>", "key/value heads (grouped-query attention)")
    .option("--head-dim <n>", "dimension per head")
    .option("--hidden <n>", "hidden size (only for the comparison with the hidden-size formula)")
    .option("--sliding-window <tokens>", "sliding-window attention span, 0 for none");
}

function servingOptions(c: Command): Command {
  return c
    .option("--precision <p>", "weights: fp32, bf16 (default), fp16, fp8, int8, int4")
    .option("--group-size <n>", "group quantisation (AWQ/GPTQ) group size; default 128 for int4, 0 = none")
    .option("--kv-precision <p>", "KV cache: bf16 (default), fp16, fp8, …")
    .option("--context <tokens>", "tokens per sequence (default 8192 or the model's maximum)")
    .option("--batch <n>", "concurrent sequences (default 1)")
    .option("--block-size <tokens>", "paged KV cache block size (vLLM default 16)")
    .option("--gpus <n>", "GPUs, tensor parallel (default 1)")
    .option("--gpu <preset>", "h100-sxm (default), h100-pcie, h200, a100-80gb, a100-40gb, l40s, rtx-a6000, rtx-4090")
    .option("--gpu-memory <GiB>", "memory per GPU (overrides the preset)")
    .option("--bandwidth <GB/s>", "memory bandwidth per GPU (overrides the preset)")
    .option("--tflops <n>", "dense 16-bit tensor TFLOP/s per GPU (overrides the preset)")
    .option("--utilization <share>", "share of GPU memory the engine may use (vLLM gpu_memory_utilization, default 0.9)")
    .option("--overhead <GiB>", "per-GPU allowance for activations, CUDA context and graphs (default 2)")
    .option("--json", "print JSON");
}

/** `--from-traces`: the same calculator over the recent calls' prompt and output lengths, read through the admin API. */
function trafficOptions(c: Command): Command {
  return c
    .option("--from-traces", "size it for the last --days of traffic (reads traces over the admin API; --url, --admin-token)")
    .option("--days <n>", "days of traces for --from-traces (default 7)")
    .option("--traffic-model <name>", "only calls to this model (requested or served)")
    .option("--compare-precision <p>", "with --from-traces: what other weights precision would change")
    .option("--compare-group-size <n>", "group size for --compare-precision int4 (default 128)")
    .option("--compare-kv-precision <p>", "with --from-traces: what another KV-cache precision would change");
}

/** `keel calc memory|decode|specdec`: inference arithmetic, offline unless asked to read live data (docs/calculators.md). */
export function registerCalcCommands(program: Command, client: Client, clientOpts: ClientOpts): void {
  const calc = program.command("calc").description("Inference calculators: GPU memory, decode/prefill speed limits, speculative decoding (offline)");
  client(trafficOptions(servingOptions(modelOptions(calc.command("memory").description("Weights + KV cache (KV heads, vLLM block rounding, sliding windows) and whether it fits on N GPUs")))))
    .action(async (o) => (await import("./calc.js")).runCalcMemory(clientOpts(o), o));
  client(trafficOptions(servingOptions(modelOptions(calc.command("decode").description("Decode tokens/s upper bound from memory bandwidth; prefill time from FLOP/s")))))
    .option("--prompt-tokens <n>", "prompt length for the prefill estimate (default 1024)")
    .option("--efficiency <share>", "achieved share of peak FLOP/s in prefill (default 0.5)")
    .action(async (o) => (await import("./calc.js")).runCalcDecode(clientOpts(o), o));
  client(calc
    .command("specdec"))
    .description("Speculative decoding: expected tokens per pass, speedup, best draft length, break-even acceptance rate (Leviathan et al., 2023)")
    .option("--alpha <a>", "acceptance rate of drafted tokens, 0..1 (required unless --from-engine)")
    .option("--k <n>", "draft length (tokens drafted per target pass), 1..64 (with --from-engine: the engine's, unless given)")
    .requiredOption("--cost-ratio <c>", "cost of a draft step relative to a target step, 0..10")
    .option("--from-engine <target>", "take α and k from the engine's measured acceptance (provider/model, as keel targets lists it; admin API)")
    .option("--json", "print JSON")
    .action(async (o) => (await import("./calc.js")).runCalcSpecdec(clientOpts(o), o));
}
