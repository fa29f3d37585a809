import { z } from "zod";

const faultSchema = z.strictObject({
  /** Probability in [0,1] that a call fails with `status`. */
  error_rate: z.number().min(0).max(1).default(0),
  status: z.int().min(400).max(599).default(500),
  retry_after_s: z.number().min(0).max(3600).optional(),
  /** Probability that a call adds `spike_ms` of latency. */
  spike_rate: z.number().min(0).max(1).default(0),
  spike_ms: z.int().min(0).max(600_000).default(0),
  /** Probability that a call never answers (until the caller's timeout). */
  timeout_rate: z.number().min(0).max(1).default(0),
  /** Probability that a stream is cut after `cut_after_chunks` chunks. */
  cut_rate: z.number().min(0).max(1).default(0),
  cut_after_chunks: z.int().min(0).default(3),
  /** Probability that a stream sends a malformed chunk after `cut_after_chunks` chunks. */
  malformed_rate: z.number().min(0).max(1).default(0),
  /** Seed the fault dice for a reproducible sequence of outcomes; unset uses Math.random. */
  seed: z.int().optional(),
});

function compiles(pattern: string, flags: string): boolean {
  try {
    new RegExp(pattern, flags);
    return true;
  } catch {
    return false;
  }
}

const ruleSchema = z
  .strictObject({
    /** Regular expression tested against the last user message. */
    match: z.string().min(1).max(1000),
    /** RegExp flags; `g` and `y` are excluded because they make `test()` stateful. */
    flags: z.string().regex(/^[imsu]*$/, "only i, m, s, u").default(""),
    text: z.string().optional(),
    tool_call: z.strictObject({ name: z.string().min(1), arguments: z.record(z.string(), z.unknown()).default({}) }).optional(),
    json: z.unknown().optional(),
  })
  .refine((r) => compiles(r.match, r.flags), { message: "match is not a valid regular expression", path: ["match"] })
  .refine((r) => Number(r.text !== undefined) + Number(r.tool_call !== undefined) + Number(r.json !== undefined) === 1, {
    message: "a rule answers with exactly one of text, tool_call, json",
  });

/** The simulator as a safety classifier for model-based guard scanners (classifier.ts, docs/simulator.md). */
const classifierSchema = z.strictObject({
  /** A text containing one of these (case-insensitive) is unsafe: an attack. */
  markers: z.array(z.string().min(1).max(200)).min(1).max(100),
  /** Chat answers: Llama Guard 3 (`safe` / `unsafe\nS1`), a one-word verdict (`injection` / `benign`), or JSON `{"verdict", "score"}`. */
  chat_format: z.enum(["llama_guard", "verdict", "json"]).default("llama_guard"),
  /** Llama Guard categories listed for an unsafe text. */
  categories: z.array(z.string().regex(/^S\d{1,2}$/, "S1 … S14")).min(1).max(14).default(["S1"]),
  /** Labels of the classification endpoints in the model's order; the first is the benign one. */
  labels: z.array(z.string().min(1).max(64)).min(2).max(16).default(["BENIGN", "INJECTION"]),
  /** Probability of the attack class for a marked text (1 - score for an unmarked one). */
  score: z.number().min(0.5).max(1).default(0.98),
  /** A text containing one of these gets an answer that is not a verdict (tests of failure handling). */
  malformed_markers: z.array(z.string().min(1).max(200)).max(100).default([]),
});

export const simOptionsSchema = z.strictObject({
  name: z.string().min(1).max(64).default("sim"),
  kind: z.literal("sim"),
  /** Base time to first token, before prefill of uncached prompt tokens. */
  ttft_ms: z.number().min(0).max(600_000).default(0),
  /** Prefill cost per uncached prompt token, in microseconds: cached prefixes make TTFT shorter. */
  prefill_us_per_token: z.number().min(0).max(100_000).default(0),
  /** Time between streamed tokens. */
  itl_ms: z.number().min(0).max(60_000).default(0),
  /** Answer length in tokens when the request sets no max_tokens (deterministic per prompt within ±50%). */
  default_answer_tokens: z.int().min(1).max(32_768).default(24),
  /** Upper bound on a generated answer, whatever max_tokens asks: bounds the work one request can cause. */
  max_answer_tokens: z.int().min(1).max(262_144).default(16_384),
  /** Prefix-cache model: block size in tokens and capacity in blocks (LRU). 0 disables it. */
  prefix_block_tokens: z.int().min(1).max(4096).default(16),
  prefix_cache_blocks: z.int().min(0).max(10_000_000).default(4096),
  /** Model ids listed by GET /v1/models on the standalone server; any model name is answered. */
  models: z.array(z.string().min(1).max(256)).max(1000).default(["sim-1"]),
  // zod 4 returns a `.default()` value as is, so an omitted `faults` would lack its inner defaults; `.prefault` parses it.
  faults: faultSchema.prefault({}),
  rules: z.array(ruleSchema).max(1000).default([]),
  /**
   * Speculative decoding on /metrics: each target pass drafts `draft_tokens` tokens, each accepted
   * with probability `acceptance` (i.i.d., Leviathan et al. 2023), counted at the expected tokens
   * per pass — so engine scraping, `keel calc specdec --from-engine` and alert rules see a draft model.
   */
  speculative: z.strictObject({
    draft_tokens: z.int().min(1).max(64),
    acceptance: z.number().min(0).max(1),
  }).optional(),
  /** Answer as a safety classifier: chat verdicts and the `/classify` (vLLM) and `/predict` (TEI) endpoints. */
  classifier: classifierSchema.optional(),
});
export type SimOptions = z.infer<typeof simOptionsSchema>;
/** What callers write (defaults optional), e.g. in tests and the CLI. */
export type SimOptionsInput = z.input<typeof simOptionsSchema>;
export type SimRule = SimOptions["rules"][number];
export type SimFaults = SimOptions["faults"];
