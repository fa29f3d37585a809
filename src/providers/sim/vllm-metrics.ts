/**
 * The simulator's `/metrics`, in vLLM's names and shapes (v1 engine, 0.10 era), with values from
 * its own model: requests in flight, the prefix cache's block occupancy as KV-cache usage, prompt
 * tokens queried and found in the prefix cache, generated tokens, and the planned TTFT and
 * inter-token latency as histograms; with `speculative`, draft and acceptance counters; and a
 * preemption whenever a request is admitted while the requests running hold more KV blocks than
 * the cache has (running sequences' blocks cannot be evicted, so vLLM must preempt one). So engine scraping, its routing and alerting inputs are
 * tested end to end offline (docs/engines.md).
 */
import type { AnswerPlan } from "./engine.js";
import { expectedTokens } from "../../calc/specdec.js";
import type { SimOptions } from "./options.js";

const BUCKETS_S = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80];

class Histogram {
  readonly counts = new Array<number>(BUCKETS_S.length).fill(0);
  count = 0;
  sum = 0;

  observe(seconds: number): void {
    this.count++;
    this.sum += seconds;
    for (let i = 0; i < BUCKETS_S.length; i++) if (seconds <= BUCKETS_S[i]) this.counts[i]++;
  }

  render(name: string, labels: string): string {
    const lines = [`# HELP ${name} Histogram of ${name.slice(5).replaceAll("_", " ")}.`, `# TYPE ${name} histogram`];
    for (let i = 0; i < BUCKETS_S.length; i++) lines.push(`${name}_bucket{le="${BUCKETS_S[i]}",${labels}} ${this.counts[i]}.0`);
    lines.push(`${name}_bucket{le="+Inf",${labels}} ${this.count}.0`, `${name}_count{${labels}} ${this.count}.0`, `${name}_sum{${labels}} ${this.sum}`);
    return lines.join("\n");
  }
}

export class SimMetrics {
  running = 0;
  /** KV blocks the running requests hold (prompt + answer). */
  private held = 0;
  private preemptions = 0;
  private drafts = 0;
  private draftTokens = 0;
  private accepted = 0;
  private prefixQueries = 0;
  private prefixHits = 0;
  private generationTokens = 0;
  private promptTokens = 0;
  private readonly ttft = new Histogram();
  private readonly itl = new Histogram();

  constructor(private readonly opts: Pick<SimOptions, "prefix_block_tokens" | "prefix_cache_blocks" | "speculative"> = { prefix_block_tokens: 16, prefix_cache_blocks: 0 }) {}

  /** A request starts running: it holds its blocks until `release` is called. */
  admit(plan: AnswerPlan): () => void {
    const blocks = Math.ceil((plan.usage.prompt_tokens + plan.usage.completion_tokens) / this.opts.prefix_block_tokens);
    if (this.opts.prefix_cache_blocks > 0 && this.held + blocks > this.opts.prefix_cache_blocks) this.preemptions++;
    this.held += blocks;
    return () => void (this.held -= blocks);
  }

  /** Share of the cache in use: cached prefixes, or the running requests' blocks when more. */
  kvUsage(cachedBlocks: number): number {
    const cap = this.opts.prefix_cache_blocks;
    return cap > 0 ? Math.min(1, Math.max(cachedBlocks, this.held) / cap) : 0;
  }

  /** One planned answer: its prompt against the prefix cache, its tokens and timings. */
  observe(plan: AnswerPlan): void {
    const spec = this.opts.speculative;
    const out = plan.usage.completion_tokens;
    if (spec !== undefined && out > 0) {
      // Passes at the expected tokens per pass; every token beyond one per pass is an accepted draft.
      const passes = Math.min(out, Math.ceil(out / expectedTokens(spec.acceptance, spec.draft_tokens)));
      this.drafts += passes;
      this.draftTokens += passes * spec.draft_tokens;
      this.accepted += out - passes;
    }
    this.promptTokens += plan.usage.prompt_tokens;
    this.prefixQueries += plan.usage.prompt_tokens;
    this.prefixHits += plan.usage.prompt_tokens_details?.cached_tokens ?? 0;
    this.generationTokens += plan.usage.completion_tokens;
    this.ttft.observe((plan.delayMs + plan.ttftMs) / 1000);
    if (plan.usage.completion_tokens > 1) this.itl.observe(plan.itlMs / 1000);
  }

  render(model: string, kvUsage: number): string {
    const l = `engine="0",model_name="${model.replace(/["\\\n]/g, "_")}"`;
    const gauge = (name: string, help: string, v: number): string => `# HELP ${name} ${help}\n# TYPE ${name} gauge\n${name}{${l}} ${v}`;
    const counter = (name: string, help: string, v: number): string => `# HELP ${name}_total ${help}\n# TYPE ${name}_total counter\n${name}_total{${l}} ${v}.0`;
    return [
      gauge("vllm:num_requests_running", "Number of requests in model execution batches.", this.running),
      gauge("vllm:num_requests_waiting", "Number of requests waiting to be processed.", 0),
      gauge("vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.", kvUsage),
      counter("vllm:prefix_cache_queries", "Prefix cache queries, in terms of number of queried tokens.", this.prefixQueries),
      counter("vllm:prefix_cache_hits", "Prefix cache hits, in terms of number of cached tokens.", this.prefixHits),
      counter("vllm:prompt_tokens", "Number of prefill tokens processed.", this.promptTokens),
      counter("vllm:generation_tokens", "Number of generation tokens processed.", this.generationTokens),
      counter("vllm:num_preemptions", "Cumulative number of preemption from the engine.", this.preemptions),
      ...(this.opts.speculative === undefined ? [] : [
        counter("vllm:spec_decode_num_drafts", "Number of spec decoding drafts.", this.drafts),
        counter("vllm:spec_decode_num_draft_tokens", "Number of draft tokens.", this.draftTokens),
        counter("vllm:spec_decode_num_accepted_tokens", "Number of accepted tokens.", this.accepted),
      ]),
      this.ttft.render("vllm:time_to_first_token_seconds", l),
      this.itl.render("vllm:inter_token_latency_seconds", l),
    ].join("\n") + "\n";
  }
}
