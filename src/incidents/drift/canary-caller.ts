import { randomUUID } from "node:crypto";
import type { ChatMessage } from "../../api/chat-types.js";
import { KeelError } from "../../errors/errors.js";
import type { ModelRegistry } from "../../routing/model-registry.js";
import type { ProviderRegistry } from "../../providers/registry.js";
import type { CanaryCaller } from "./drift-canary.js";

function text(m: ChatMessage | undefined): string {
  if (!m) return "";
  if (m.tool_calls?.length) return JSON.stringify(m.tool_calls.map((t) => t.function));
  if (typeof m.content === "string") return m.content;
  return Array.isArray(m.content) ? m.content.map((p) => ("text" in p && typeof p.text === "string" ? p.text : "")).join("") : "";
}

/**
 * Canary calls go straight to the model's provider, not through the HTTP gateway: no key, no
 * limits or budgets spent, no trace — the canary must not show up in the traffic it watches.
 */
export function providerCanaryCaller(models: ModelRegistry, providers: ProviderRegistry): CanaryCaller {
  return async (req, signal) => {
    const m = models.resolve(req.model);
    if (!m || m.type !== "chat") throw new KeelError("model_not_found", `Drift canary: no chat model "${req.model.slice(0, 256)}".`);
    const res = await providers.get(m.provider).chat({ ...req, model: m.upstream }, { requestId: `drift_${randomUUID()}`, signal });
    return { content: text(res.choices[0]?.message), served: res.model ?? null, fingerprint: res.system_fingerprint ?? null };
  };
}
