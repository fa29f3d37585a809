import { parseDocument } from "yaml";
import { z } from "zod";
import { priceSchema } from "../../observe/price-schema.js";
import { datasetName } from "../datasets/dataset-service.js";
import { evaluatorConfigSchema } from "../evaluators/registry.js";

const role = z.enum(["system", "developer", "user", "assistant"]);

export const gatewayTargetSchema = z
  .strictObject({
    type: z.literal("gateway"),
    /** A model, alias or route name — anything `model` accepts on /v1/chat/completions. */
    model: z.string().min(1).max(256).optional(),
    /** A registered prompt (docs/prompts.md); the item's variables (and `input`) fill it. */
    prompt: z
      .strictObject({ name: z.string().min(1).max(128), label: z.string().min(1).max(64).optional(), version: z.int().min(1).optional() })
      .refine((p) => p.label === undefined || p.version === undefined, { message: "give a label or a version, not both" })
      .optional(),
    /** Messages with `{{variable}}` templates, when no prompt is named. */
    messages: z.array(z.strictObject({ role, content: z.string().max(1_000_000) })).min(1).max(1000).optional(),
    /** Other request fields: temperature, max_tokens, tools, response_format, … */
    params: z.record(z.string(), z.unknown()).default({}),
  })
  .refine((t) => t.model !== undefined || t.prompt !== undefined, { message: "a gateway target needs `model` or `prompt`" })
  .refine((t) => !(t.prompt && t.messages), { message: "give `prompt` or `messages`, not both" });

export const httpTargetSchema = z.strictObject({
  type: z.literal("http"),
  url: z.url({ protocol: /^https?$/ }),
  headers: z.record(z.string(), z.string()).default({}),
  /** JSON body; strings may hold `{{variable}}`; a string that is only `{{name}}` keeps the value's type. */
  body: z.unknown().default({ input: "{{input}}" }),
  /** Dot paths into the response; without it the response must be an OpenAI chat completion. */
  output: z
    .strictObject({
      text: z.string().min(1),
      tool_calls: z.string().min(1).optional(),
      context: z.string().min(1).optional(),
      steps: z.string().min(1).optional(),
      cost_usd: z.string().min(1).optional(),
    })
    .optional(),
});

export type GatewayTargetConfig = z.output<typeof gatewayTargetSchema>;
export type HttpTargetConfig = z.output<typeof httpTargetSchema>;

export const thresholdSchema = z.strictObject({
  /** Minimum mean score over items. */
  mean: z.number().min(0).max(1).optional(),
  /** Minimum share of items that pass the evaluator's per-item threshold. */
  pass_rate: z.number().min(0).max(1).optional(),
});

export const suiteSchema = z.strictObject({
  name: z.string().min(1).max(128).regex(/^[\w .:/-]+$/),
  description: z.string().max(4000).optional(),
  dataset: z.union([
    datasetName.transform((name) => ({ name })),
    z.strictObject({
      name: datasetName,
      version: z.int().min(1).optional(),
      split: z.string().min(1).max(32).optional(),
      tag: z.string().min(1).max(64).optional(),
      /** Evaluate only the first N items (smoke runs). */
      limit: z.int().min(1).optional(),
    }),
  ]),
  target: z.discriminatedUnion("type", [gatewayTargetSchema, httpTargetSchema]),
  evaluators: z.array(evaluatorConfigSchema).min(1).max(100),
  /** Aggregate minima per metric, checked by the run summary and by `keel eval gate`. */
  thresholds: z.record(z.string(), thresholdSchema).default({}),
  /** Runs per item: judges and sampled models are noisy; the summary reports mean and variance. */
  repeats: z.int().min(1).max(100).default(1),
  /** Calls in flight at most (targets and judges); a 429 halves it, successes grow it back. */
  concurrency: z.int().min(1).max(256).default(4),
  retries: z.int().min(0).max(10).default(3),
  timeout_ms: z.int().min(1000).max(3_600_000).default(120_000),
  /** Reuse target outputs from earlier runs with the same target, payload and repeat. */
  cache: z.boolean().default(true),
  /** A run whose outputs are the baseline for pairwise judges. */
  baseline_run: z.string().min(1).max(64).optional(),
  /** Price overrides (USD per 1M tokens) for costing calls, by model name. */
  prices: z.record(z.string(), priceSchema).default({}),
});

export type Suite = z.output<typeof suiteSchema>;

/**
 * Reads a suite file. `${NAME}` in any string is replaced from `vars` (the environment, passed in
 * by the CLI), so secrets for HTTP targets stay out of the file; an unset one is an error.
 */
export function parseSuite(text: string, source: string, vars: Readonly<Record<string, string | undefined>> = {}): Suite {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) throw new Error(`${source}: invalid YAML: ${doc.errors[0].message.split("\n")[0]}`);
  const expanded = expand(doc.toJS(), vars, source);
  const r = suiteSchema.safeParse(expanded);
  if (!r.success) {
    const lines = r.error.issues.slice(0, 8).map((i) => `  ${i.path.map(String).join(".") || "(root)"}: ${i.message}`);
    throw new Error(`${source}: invalid suite\n${lines.join("\n")}`);
  }
  const names = new Set<string>();
  r.data.evaluators.forEach((e, i) => {
    const n = e.name ?? e.kind;
    if (names.has(n)) throw new Error(`${source}: evaluators.${i}: duplicate metric name "${n}" (set \`name\`)`);
    names.add(n);
  });
  for (const m of Object.keys(r.data.thresholds)) if (!names.has(m)) throw new Error(`${source}: thresholds.${m}: no evaluator has that name`);
  return r.data;
}

function expand(v: unknown, vars: Readonly<Record<string, string | undefined>>, source: string): unknown {
  if (typeof v === "string") {
    return v.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
      const value = vars[name];
      if (value === undefined) throw new Error(`${source}: environment variable ${name} is not set`);
      return value;
    });
  }
  if (Array.isArray(v)) return v.map((x) => expand(x, vars, source));
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, expand(x, vars, source)]));
  return v;
}
