import { z } from "zod";

/**
 * Options of the model-based detector (docs/guardrails.md "Model-based detectors"). `model` is a
 * model or route name from keel.yaml: the call goes through Keel's own routing and providers.
 */
export const modelClassifierOptions = z
  .strictObject({
    /** chat: a chat model answers a classification prompt; classifier: an endpoint returns label scores. */
    mode: z.enum(["chat", "classifier"]),
    /** A configured model or route (keel.yaml `models:` / `routes:`). */
    model: z.string().min(1).max(256),
    /** chat: Llama Guard 3's own template and answer (`safe` / `unsafe\nS1,…`), or Keel's prompt asking for `injection` / `benign` (or a JSON verdict). */
    format: z.enum(["llama_guard", "verdict"]).default("llama_guard"),
    /** chat, verdict: replaces Keel's classification instructions (the system message). */
    prompt: z.string().min(1).max(20_000).optional(),
    /** classifier: vLLM's `/classify` or TEI's `/predict` request and answer. */
    api: z.enum(["vllm", "tei"]).default("vllm"),
    /** classifier: path on the provider's base_url; default `/classify` (vllm) or `/predict` (tei). */
    path: z.string().regex(/^\/[A-Za-z0-9/_.-]{0,255}$/, "an absolute path such as /classify").optional(),
    /** classifier, vllm: the model's class names in id2label order (vLLM returns bare probabilities); absent: class 0 is benign, the rest attacks. */
    labels: z.array(z.string().min(1).max(64)).min(2).max(64).optional(),
    /** classifier: the classes that are not attacks; the attack score is the sum of the others' probabilities. */
    benign_labels: z.array(z.string().min(1).max(64)).min(1).max(64).default(["BENIGN", "LABEL_0", "SAFE"]),
    /** llama_guard: only these categories trigger (others are recorded); absent: any unsafe answer triggers. */
    categories: z.array(z.string().regex(/^S\d{1,2}$/, "S1 … S14")).min(1).max(14).optional(),
    /** Trigger at attack score ≥ threshold (a policy's own `threshold` overrides it). */
    threshold: z.number().min(0).max(1).default(0.5),
    /** Longest wait for the model, per text; the guard budget may cut it shorter. */
    timeout_ms: z.int().min(1).max(60_000).default(1000),
    /** Do not call the model when less than this is left of the request's guard budget (counts as unavailable: `budget`). */
    latency_budget_ms: z.int().min(0).max(60_000).default(0),
    /** A timeout, failed call, unreadable answer or skipped call: pass the text (fail_open) or refuse it with guard_unavailable (fail_closed, under a `block` action). */
    on_error: z.enum(["fail_open", "fail_closed"]).default("fail_open"),
    /** Which texts it screens. Streams are never screened by model-based scanners (only whole answers). */
    sources: z.array(z.enum(["user", "document", "tool_result", "output"])).min(1).default(["user", "document", "tool_result"]),
    /** Longer texts are sent as their head and tail (the model's context is finite; instructions sit at the ends). */
    max_chars: z.int().min(64).max(1_000_000).default(8000),
  })
  .superRefine((o, ctx) => {
    if (o.mode === "classifier" && o.format !== "llama_guard") ctx.addIssue({ code: "custom", path: ["format"], message: "format applies to mode chat only" });
    if (o.mode === "chat" && (o.labels || o.path)) ctx.addIssue({ code: "custom", path: [o.labels ? "labels" : "path"], message: "labels and path apply to mode classifier only" });
    if (o.prompt && !(o.mode === "chat" && o.format === "verdict")) ctx.addIssue({ code: "custom", path: ["prompt"], message: "prompt applies to mode chat with format verdict" });
    if (o.categories && !(o.mode === "chat" && o.format === "llama_guard")) ctx.addIssue({ code: "custom", path: ["categories"], message: "categories apply to format llama_guard" });
    if (o.api === "tei" && o.labels) ctx.addIssue({ code: "custom", path: ["labels"], message: "TEI names its labels; labels apply to api vllm" });
  });
export type ModelClassifierOptions = z.output<typeof modelClassifierOptions>;
