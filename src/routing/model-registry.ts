import type { ModelConfig } from "./model-schema.js";
import type { PriceConfig } from "../observe/price-schema.js";
import { PriceTable } from "../observe/prices.js";
import type { RouteConfig } from "./route-schema.js";

/** A public model name resolved to where it is served. */
export interface ResolvedModel {
  /** Canonical public name (aliases resolve to it). */
  readonly name: string;
  readonly provider: string;
  /** Name sent upstream. */
  readonly upstream: string;
  readonly type: "chat" | "embeddings";
  readonly price: PriceConfig | null;
}

/**
 * Public model names → provider and upstream model. Exact names and aliases are one map lookup;
 * `prefix/*` entries forward the tail (`openai/gpt-4o` → `gpt-4o`). Wildcard hits are memoised.
 */
export class ModelRegistry {
  private readonly exact = new Map<string, ResolvedModel>();
  private readonly wildcards: { prefix: string; cfg: ModelConfig }[] = [];
  private readonly memo = new Map<string, ResolvedModel>();
  private readonly listed: { id: string; owned_by: string; type: string }[] = [];

  constructor(models: readonly ModelConfig[], private readonly prices: PriceTable, routes: readonly RouteConfig[] = []) {
    // A route is admitted like a model; provider, upstream and price here are its first-priority
    // target's (what a caller sees before routing picks; the trace records the target that served).
    for (const r of routes) {
      const first = r.targets.reduce((a, b) => (b.priority < a.priority ? b : a));
      const upstream = first.model ?? r.name;
      const resolved: ResolvedModel = Object.freeze({
        name: r.name, provider: first.provider, upstream, type: r.type, price: first.price ?? prices.lookup(upstream),
      });
      for (const n of [r.name, ...r.aliases]) {
        this.exact.set(n, resolved);
        this.listed.push({ id: n, owned_by: first.provider, type: r.type });
      }
    }
    for (const m of models) {
      if (m.name.endsWith("/*")) {
        this.wildcards.push({ prefix: m.name.slice(0, -1), cfg: m });
        this.listed.push({ id: m.name, owned_by: m.provider, type: m.type });
        continue;
      }
      const upstream = m.model ?? m.name;
      const resolved: ResolvedModel = Object.freeze({
        name: m.name, provider: m.provider, upstream, type: m.type,
        price: m.price ?? prices.lookup(upstream) ?? prices.lookup(m.name),
      });
      for (const n of [m.name, ...m.aliases]) {
        this.exact.set(n, resolved);
        this.listed.push({ id: n, owned_by: m.provider, type: m.type });
      }
    }
  }

  resolve(name: string): ResolvedModel | null {
    const hit = this.exact.get(name) ?? this.memo.get(name);
    if (hit) return hit;
    for (const w of this.wildcards) {
      if (name.startsWith(w.prefix) && name.length > w.prefix.length) {
        const tail = name.slice(w.prefix.length);
        const upstream = w.cfg.model ? `${w.cfg.model}${tail}` : tail;
        const resolved: ResolvedModel = Object.freeze({
          name, provider: w.cfg.provider, upstream, type: w.cfg.type, price: w.cfg.price ?? this.prices.lookup(upstream),
        });
        if (this.memo.size < 10_000) this.memo.set(name, resolved);
        return resolved;
      }
    }
    return null;
  }

  /** Names and aliases for GET /v1/models. */
  list(): readonly { id: string; owned_by: string; type: string }[] {
    return this.listed;
  }
}
