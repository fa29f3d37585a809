import { z } from "zod";
import { toolPolicySchema } from "../actions/tool-policy.js";
import { SCANNER_OPTIONS } from "../scanners/option-registry.js";

const action = z.enum(["block", "redact", "flag", "log"]);
const name = z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, "lower-case letters, digits, _ . -");

/** One scanner in a policy: `pii: redact`, or `pii: { action: redact, restore: true, options: {…} }`. */
const scannerEntry = z.union([
  action.transform((a) => ({ action: a, options: {} as Record<string, unknown>, restore: false, threshold: undefined as number | undefined })),
  z.strictObject({
    action,
    /** Trigger at score ≥ threshold instead of the scanner's own rule. */
    threshold: z.number().min(0).max(1).optional(),
    /** For `redact`: put the original values back into the answer (PII placeholders only). */
    restore: z.boolean().default(false),
    /** The scanner's own options (each scanner's zod schema; see docs/guardrails.md). */
    options: z.record(z.string(), z.unknown()).default({}),
  }),
]);

export const policySchema = z.strictObject({
  /** input: user messages, documents and tool results before the model; output: answers before the client. */
  stage: z.enum(["input", "output"]),
  scanners: z.record(z.string(), scannerEntry),
}).superRefine((p, ctx) => {
  for (const [scanner, entry] of Object.entries(p.scanners)) {
    const options = SCANNER_OPTIONS.get(scanner);
    if (!options) {
      ctx.addIssue({ code: "custom", path: ["scanners", scanner], message: `unknown scanner "${scanner}" (known: ${[...SCANNER_OPTIONS.keys()].join(", ")})` });
      continue;
    }
    const parsed = options.safeParse(entry.options);
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      ctx.addIssue({ code: "custom", path: ["scanners", scanner, "options", ...i.path.map(String)], message: i.message });
    }
  }
});

/** Which policies a request gets: the first rule whose every given field matches wins. */
const assignment = z.strictObject({
  /** Model name as requested; a trailing * matches a prefix. */
  model: z.string().min(1).max(256).optional(),
  feature: z.string().min(1).max(128).optional(),
  /** Virtual key id (key_…) or name. */
  key: z.string().min(1).max(128).optional(),
  input: name.optional(),
  output: name.optional(),
  tools: name.optional(),
});

export const guardConfigSchema = z
  .strictObject({
    /** Turn screening off everywhere (the admin scan endpoint and the CLI still work). */
    enabled: z.boolean().default(true),
    /** Latency budget for one request's input or output screening, in ms: heavy scanners still running past it are abandoned. */
    budget_ms: z.int().min(1).max(60_000).default(50),
    /** Plant a canary token in system prompts so that a leaked prompt is recognised for certain. */
    canary: z.boolean().default(true),
    /** Sliding window screened on each stream chunk, in characters (the new text plus what came just before it). */
    stream_window_chars: z.int().min(64).max(1_000_000).default(512),
    /**
     * How much of one screened text the full scanners read (engine/scan-budget.ts, docs/guardrails.md):
     * longer texts are read in full in their head and tail windows; the middle gets the linear skim
     * passes (injection signatures, structured PII) and the whole-text scanners (secrets, invisible text, size).
     */
    scan_budget: z
      .strictObject({
        /** Texts up to this many characters (UTF-16 code units; bytes, for ASCII) are read whole. */
        max_chars: z.int().min(1024).max(100_000_000).default(65_536),
        head_chars: z.int().min(0).max(100_000_000).default(32_768),
        tail_chars: z.int().min(0).max(100_000_000).default(32_768),
      })
      .refine((b) => b.head_chars + b.tail_chars <= b.max_chars, { message: "head_chars + tail_chars must not exceed max_chars" })
      .prefault({}),
    /**
     * Results of pure scanners remembered per text, virtual key and source, so a text screened
     * once (an earlier chat turn sent again, a RAG document, a retry, a cache hit) is not screened
     * again (engine/scan-memo.ts, decision 0038). `max_chars: 0` turns it off.
     */
    memo: z
      .strictObject({
        /**
         * Characters held at most: texts, plus a fixed cost per remembered text, result and finding,
         * so that for ASCII text it is about the bytes of heap held. Least recently used go first.
         */
        max_chars: z.int().min(0).max(1_000_000_000).default(4_000_000),
        /** Longer texts are screened every time. */
        max_text_chars: z.int().min(1).max(100_000_000).default(65_536),
      })
      .prefault({}),
    policies: z.record(name, policySchema).default({}),
    tool_policies: z.record(name, toolPolicySchema).default({}),
    assign: z.array(assignment).max(10_000).default([]),
    /** Policies for requests no rule assigns; `default-input` and `default-output` are built in. */
    defaults: z.strictObject({ input: name.nullable().default("default-input"), output: name.nullable().default("default-output"), tools: name.nullable().default(null) }).prefault({}),
  })
  .superRefine((g, ctx) => {
    const known = (n: string): boolean => n in g.policies || n === "default-input" || n === "default-output";
    const check = (n: string | null | undefined, path: (string | number)[], tools = false): void => {
      if (!n) return;
      if (tools ? !(n in g.tool_policies) : !known(n)) ctx.addIssue({ code: "custom", path, message: `no ${tools ? "tool policy" : "policy"} named "${n}"` });
    };
    g.assign.forEach((a, i) => {
      check(a.input, ["assign", i, "input"]);
      check(a.output, ["assign", i, "output"]);
      check(a.tools, ["assign", i, "tools"], true);
    });
    check(g.defaults.input, ["defaults", "input"]);
    check(g.defaults.output, ["defaults", "output"]);
    check(g.defaults.tools, ["defaults", "tools"], true);
  })
  .prefault({});

export type GuardConfig = z.output<typeof guardConfigSchema>;
export type PolicyConfig = z.output<typeof policySchema>;
