/**
 * Each engine's Prometheus names for the figures Keel keeps, first name first; later names are
 * what older versions called the same figure (read when the first is absent). Versions are in
 * docs/engines.md. A counter may appear with or without its `_total` suffix (Python's client
 * writes `_total`); both are read.
 */
export type EngineKind = "vllm" | "sglang" | "tgi" | "llamacpp";
export const ENGINE_KINDS: readonly EngineKind[] = ["vllm", "sglang", "tgi", "llamacpp"];

export interface EngineNames {
  running: readonly string[];
  waiting: readonly string[];
  /** KV-cache usage as a fraction 0..1. */
  kvUsage: readonly string[];
  /** Prefix cache: queried and hit token counters, or a hit-rate gauge. */
  prefixQueries: readonly string[];
  prefixHits: readonly string[];
  prefixHitRate: readonly string[];
  ttft: readonly string[];
  itl: readonly string[];
  /** Generated tokens: a counter (rate between scrapes), or a tokens/s gauge. */
  generationTokens: readonly string[];
  generationThroughput: readonly string[];
  preemptions: readonly string[];
  specDrafts: readonly string[];
  specDraftTokens: readonly string[];
  specAccepted: readonly string[];
  /** A mean acceptance length gauge, where the engine reports one instead of counters. */
  specAcceptLength: readonly string[];
}

const none: readonly string[] = [];

export const ENGINE_NAMES: Readonly<Record<EngineKind, EngineNames>> = {
  vllm: {
    running: ["vllm:num_requests_running"],
    waiting: ["vllm:num_requests_waiting"],
    kvUsage: ["vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc"],
    prefixQueries: ["vllm:prefix_cache_queries"],
    prefixHits: ["vllm:prefix_cache_hits"],
    prefixHitRate: ["vllm:gpu_prefix_cache_hit_rate"],
    ttft: ["vllm:time_to_first_token_seconds"],
    itl: ["vllm:inter_token_latency_seconds", "vllm:time_per_output_token_seconds"],
    generationTokens: ["vllm:generation_tokens"],
    generationThroughput: ["vllm:avg_generation_throughput_toks_per_s"],
    preemptions: ["vllm:num_preemptions"],
    specDrafts: ["vllm:spec_decode_num_drafts"],
    specDraftTokens: ["vllm:spec_decode_num_draft_tokens"],
    specAccepted: ["vllm:spec_decode_num_accepted_tokens"],
    specAcceptLength: none,
  },
  sglang: {
    running: ["sglang:num_running_reqs"],
    waiting: ["sglang:num_queue_reqs"],
    kvUsage: ["sglang:token_usage"],
    prefixQueries: none,
    prefixHits: none,
    prefixHitRate: ["sglang:cache_hit_rate"],
    ttft: ["sglang:time_to_first_token_seconds"],
    itl: ["sglang:inter_token_latency_seconds", "sglang:time_per_output_token_seconds"],
    generationTokens: ["sglang:generation_tokens"],
    generationThroughput: ["sglang:gen_throughput"],
    preemptions: ["sglang:num_retracted_reqs"],
    specDrafts: none,
    specDraftTokens: none,
    specAccepted: none,
    specAcceptLength: ["sglang:spec_accept_length"],
  },
  tgi: {
    running: ["tgi_batch_current_size"],
    waiting: ["tgi_queue_size"],
    kvUsage: none,
    prefixQueries: none,
    prefixHits: none,
    prefixHitRate: none,
    ttft: none,
    itl: ["tgi_request_mean_time_per_token_duration"],
    generationTokens: none,
    generationThroughput: none,
    preemptions: none,
    specDrafts: none,
    specDraftTokens: none,
    specAccepted: none,
    specAcceptLength: none,
  },
  llamacpp: {
    running: ["llamacpp:requests_processing"],
    waiting: ["llamacpp:requests_deferred"],
    kvUsage: ["llamacpp:kv_cache_usage_ratio"],
    prefixQueries: none,
    prefixHits: none,
    prefixHitRate: none,
    ttft: none,
    itl: none,
    generationTokens: ["llamacpp:tokens_predicted"],
    generationThroughput: ["llamacpp:predicted_tokens_seconds"],
    preemptions: none,
    specDrafts: none,
    specDraftTokens: none,
    specAccepted: none,
    specAcceptLength: none,
  },
};
