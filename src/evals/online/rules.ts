import { z } from "zod";
import { createHash } from "node:crypto";
import type { TraceRecord } from "../../observe/types.js";
import { evaluatorConfigSchema } from "../evaluators/registry.js";
import { EVAL_FEATURE } from "../runner/gateway-client.js";
import { GUARD_FEATURE } from "../../guard/model-client.js";

export const onlineRuleInput = z.strictObject({
  name: z.string().min(1).max(64).regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/),
  enabled: z.boolean().default(true),
  /** Which traces: every given field must match. */
  filter: z
    .strictObject({
      /** The model (or route) the client asked for. */
      model: z.string().min(1).max(256).optional(),
      feature: z.string().min(1).max(128).optional(),
      key_id: z.string().min(1).max(128).optional(),
      /** A registered prompt's name, optionally `name@version`. */
      prompt: z.string().min(1).max(160).optional(),
      status: z.enum(["ok", "error", "any"]).default("ok"),
      metadata: z.record(z.string().max(64), z.string().max(256)).optional(),
    })
    .prefault({}),
  /** Share of matching traces evaluated, decided per trace by a hash: the same trace is always in or out. */
  sample_rate: z.number().min(0).max(1),
  evaluators: z.array(evaluatorConfigSchema).min(1).max(20),
  /**
   * Judges call Keel's own gateway with a virtual key stored encrypted as a credential
   * (`keel credentials set <name>`): judge calls are then limited, costed and traced like any call.
   */
  judge_credential: z.string().min(1).max(64).optional(),
});
export type OnlineRule = z.output<typeof onlineRuleInput> & { id: string };

export function matchesRule(rule: OnlineRule, t: TraceRecord): boolean {
  // Judge and eval-target calls are never evaluated online: that would evaluate the evaluator, forever.
  // Nor are the guard's own model calls (they keep no bodies to judge).
  if (t.feature === EVAL_FEATURE || t.feature === GUARD_FEATURE || t.endpoint !== "chat") return false;
  const f = rule.filter;
  if (f.status !== "any" && t.status !== f.status) return false;
  if (f.model && t.modelRequested !== f.model && t.modelServed !== f.model) return false;
  if (f.feature && t.feature !== f.feature) return false;
  if (f.key_id && t.keyId !== f.key_id) return false;
  if (f.prompt) {
    const [name, version] = f.prompt.split("@");
    if (t.promptName !== name || (version !== undefined && String(t.promptVersion) !== version)) return false;
  }
  if (f.metadata) for (const [k, v] of Object.entries(f.metadata)) if (t.metadata[k] !== v) return false;
  return true;
}

/** Deterministic sampling: the first 32 bits of sha256(rule id, trace id) / 2³² < rate. */
export function sampled(traceId: string, ruleId: string, rate: number): boolean {
  if (rate >= 1) return true;
  if (rate <= 0) return false;
  return createHash("sha256").update(`${ruleId}\u0000${traceId}`).digest().readUInt32BE(0) / 4_294_967_296 < rate;
}
