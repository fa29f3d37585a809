import type { IncomingHttpHeaders } from "node:http";
import type { EmbeddingsRequest } from "../api/chat-types.js";
import { type ModerationsRequest, moderationsRequestSchema } from "../api/moderations-schema.js";
import { validateBody } from "../api/validate.js";
import { KeelError } from "../errors/errors.js";
import { moderationResult, type ModerationResult } from "../guard/moderation/moderation-categories.js";
import { type ScanReport, scanText } from "../guard/scan-text.js";
import { randomHex } from "../random/random-hex.js";
import type { ResolvedModel } from "../routing/model-registry.js";
import { sendJson } from "../server/respond.js";
import { GatewayContext } from "./context.js";
import type { GatewayDeps } from "./deps.js";
import type { Stage } from "./pipeline.js";
import type { TraceContext } from "./trace-context.js";

/**
 * POST /v1/moderations answered by Keel's guard (docs/moderations.md): each input is screened
 * under the policies that apply — the one `model` names, else the key's or route's input and
 * output policies, else the built-in ones — and the verdicts are mapped to OpenAI's categories.
 * No model is called; the call is traced (surface "openai.moderations") and counted by limits.
 */

/** What limits and the trace see as the "model" of a moderation call: the guard, at no price. */
const GUARD_MODEL: ResolvedModel = Object.freeze({ name: "keel-guard", provider: "keel", upstream: "guard", type: "embeddings", price: null });

export class ModerationsContext extends GatewayContext<EmbeddingsRequest, ModerationsRequest> {
  /** One text per input, in order. */
  texts: string[] = [];
  /** The policies screened under (input, output or a named one) with the source each reads as. */
  policies: { name: string; source: "user" | "output" }[] = [];
  results: ModerationResult[] = [];

  constructor(requestId: string, headers: IncomingHttpHeaders, trace: TraceContext) {
    // Token-counted like embeddings' input (a string or strings): the memo and limits need nothing new.
    super(requestId, headers, trace, "embeddings");
    this.surface = "openai.moderations";
  }
}

export const validateModeration: Stage<ModerationsContext> = {
  name: "validate",
  run(ctx) {
    const req = validateBody(moderationsRequestSchema, ctx.raw);
    const input = req.input;
    if (typeof input === "string") ctx.texts = [input];
    else {
      const texts: string[] = [];
      for (let i = 0; i < input.length; i++) {
        const item = input[i];
        if (typeof item === "string") texts.push(item);
        else if (item.type === "text") texts.push(item.text);
        else throw new KeelError("invalid_request", `Invalid 'input[${i}]': image inputs cannot be moderated here: Keel's guard scanners read text.`, { param: `input[${i}]` });
      }
      ctx.texts = texts;
    }
    ctx.sent = req;
    ctx.body = { model: req.model ?? GUARD_MODEL.name, input: ctx.texts } as EmbeddingsRequest;
    ctx.modelRequested = req.model ?? GUARD_MODEL.name;
  },
};

/** The policies to screen under; the guard service stands in for the model (limits read its name). */
export const choosePolicies: Stage<ModerationsContext> = {
  name: "admit model",
  run(ctx, deps) {
    const guard = deps.guard;
    if (!guard) throw new KeelError("guard_unavailable", "Moderation needs the guard, which is not configured on this Keel.");
    ctx.model = GUARD_MODEL;
    const named = ctx.sent!.model;
    if (named !== undefined && guard.policy(named)) {
      ctx.policies = [{ name: named, source: guard.policy(named)!.stage === "output" ? "output" : "user" }];
      return;
    }
    const resolved = guard.resolve({ model: named ?? "", feature: ctx.feature, keyId: ctx.principal?.keyId ?? null, keyName: ctx.principal?.keyName ?? null });
    ctx.policies = [
      { name: resolved.input?.name ?? "default-input", source: "user" },
      { name: resolved.output?.name ?? "default-output", source: "output" },
    ];
  },
};

export const moderate: Stage<ModerationsContext> = {
  name: "route and call",
  async run(ctx, deps) {
    const guard = deps.guard!;
    const results: ModerationResult[] = [];
    for (const text of ctx.texts) {
      const reports: ScanReport[] = [];
      for (const p of ctx.policies) reports.push(await scanText(guard, { text, source: p.source, policy: p.name }));
      if (ctx.abort.signal.aborted) throw ctx.abort.signal.reason;
      results.push(moderationResult(reports));
    }
    ctx.ttftMs = performance.now() - ctx.t0;
    ctx.results = results;
  },
};

export const respondModeration: Stage<ModerationsContext> = {
  name: "respond",
  run(ctx, _deps, _req, res) {
    const body = { id: `modr-${randomHex(16)}`, model: ctx.modelRequested, results: ctx.results };
    ctx.response = body;
    sendJson(res, 200, body, { "x-keel-guard-policies": ctx.policies.map((p) => p.name).join(",") });
  },
};
