import { randomUUID } from "node:crypto";
import type { ChatMessage } from "../../api/chat-types.js";
import { KeelError } from "../../errors/errors.js";
import { chatFacts } from "../../routing/conditions.js";
import type { ModelRegistry } from "../../routing/model-registry.js";
import type { RoutingService } from "../../routing/routing-service.js";
import type { CanaryCaller } from "./drift-canary.js";

function text(m: ChatMessage | undefined): string {
  if (!m) return "";
  if (m.tool_calls?.length) return JSON.stringify(m.tool_calls.map((t) => t.function));
  if (typeof m.content === "string") return m.content;
  return Array.isArray(m.content) ? m.content.map((p) => ("text" in p && typeof p.text === "string" ? p.text : "")).join("") : "";
}

/** The canary is nobody's traffic: no key, user or feature, so routing rules keyed on them do not pick it. */
const CANARY = { feature: null, user: null, keyId: null } as const;

/**
 * Canary calls take the gateway's route call path — the model's route (rules applied), the
 * executor with its retries, failover and breakers — but not the HTTP gateway: no key, no limits
 * or budgets spent, no trace, so the canary does not show up in the traffic it watches. Going
 * around routing (calling the first target's provider) would probe a target the gateway may have
 * failed over from, and would not feed the breakers what it saw.
 */
export function routedCanaryCaller(models: ModelRegistry, routing: Pick<RoutingService, "route" | "executor">): CanaryCaller {
  return async (req, signal) => {
    const m = models.resolve(req.model);
    if (!m || m.type !== "chat") throw new KeelError("model_not_found", `Drift canary: no chat model "${req.model.slice(0, 256)}".`);
    const route = routing.route(m, chatFacts(CANARY, req));
    const { value } = await routing.executor.chat({ route, requestId: `drift_${randomUUID()}`, signal, t0: performance.now(), attempts: [] }, req);
    return { content: text(value.choices[0]?.message), served: value.model ?? null, fingerprint: value.system_fingerprint ?? null };
  };
}
