import { z } from "zod";
import { operatorPattern } from "../regex-registry.js";

const toolRules = z.strictObject({
  /** JSON Schema the parsed arguments must satisfy (on top of the request's own `parameters`). */
  schema: z.record(z.string(), z.unknown()).optional(),
  /** Hosts (URLs) and e-mail domains allowed anywhere in the arguments; `*.example.com` allows subdomains. */
  domains: z.array(z.string().min(1).max(253)).optional(),
  /** Glob patterns (`/srv/data/**`, `*.csv`) every path-like argument must match. */
  paths: z.array(z.string().min(1).max(1024)).optional(),
  /** Upper bounds on numeric arguments, by property name at any depth: `{ amount: 500 }`. */
  max: z.record(z.string(), z.number()).optional(),
  min: z.record(z.string(), z.number()).optional(),
  /** Regular expressions no string argument may match. */
  deny_patterns: z.array(z.string().min(1).max(1000)).optional(),
});

export const toolPolicySchema = z.strictObject({
  /** Tools the model may call; absent: any tool the request declared. */
  allowed: z.array(z.string().min(1).max(64)).optional(),
  /** What happens to a denied call: removed from the answer (the rest is delivered) or the whole answer refused. */
  on_violation: z.enum(["remove", "block", "flag"]).default("remove"),
  /** Arguments carrying destinations or data (e-mails, URLs, account numbers) absent from the user's request and trusted context. */
  intent: z.enum(["off", "flag", "remove", "block"]).default("flag"),
  /** Rules that apply to every tool, then per-tool rules by name. */
  all: toolRules.default({}),
  tools: z.record(z.string(), toolRules).default({}),
}).superRefine((p, ctx) => {
  const rules = [["all", p.all] as const, ...Object.entries(p.tools).map(([k, v]) => [`tools.${k}`, v] as const)];
  for (const [where, r] of rules) {
    for (const [i, re] of (r.deny_patterns ?? []).entries()) {
      try {
        operatorPattern(re, "u");
      } catch {
        ctx.addIssue({ code: "custom", path: [...where.split("."), "deny_patterns", i], message: "not a valid regular expression" });
      }
    }
  }
});

export type ToolPolicy = z.output<typeof toolPolicySchema>;
export type ToolRules = z.output<typeof toolRules>;
