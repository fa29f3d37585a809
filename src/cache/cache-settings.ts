import type { CacheConfig, CacheMode, CacheScope } from "./cache-schema.js";

/** One route's cache settings: the section's, with the route's overrides applied. */
export interface CacheSettings {
  readonly mode: CacheMode;
  readonly maxTemperature: number;
  readonly ttlS: number;
  readonly maxEntryBytes: number;
  readonly scope: CacheScope;
  readonly cacheToolCalls: boolean;
  readonly cacheJsonSchema: boolean;
  /** Whether semantic lookups apply (the section enabled and the route did not opt out). */
  readonly semantic: boolean;
  readonly semanticThreshold: number;
}

/**
 * Resolves every route's settings once at start: the hot path does one map lookup (by the name
 * the client sent, then the resolved name), never a merge.
 */
export class CacheSettingsTable {
  readonly defaults: CacheSettings;
  private readonly byRoute = new Map<string, CacheSettings>();

  constructor(cfg: CacheConfig) {
    this.defaults = Object.freeze({
      mode: cfg.mode, maxTemperature: cfg.max_temperature, ttlS: cfg.ttl_s, maxEntryBytes: cfg.max_entry_bytes,
      scope: cfg.scope, cacheToolCalls: cfg.cache_tool_calls, cacheJsonSchema: cfg.cache_json_schema,
      semantic: cfg.semantic.enabled && cfg.semantic.routes_default, semanticThreshold: cfg.semantic.threshold,
    });
    for (const [name, r] of Object.entries(cfg.routes)) {
      const d = this.defaults;
      this.byRoute.set(name, Object.freeze({
        mode: r.mode ?? d.mode, maxTemperature: r.max_temperature ?? d.maxTemperature, ttlS: r.ttl_s ?? d.ttlS,
        maxEntryBytes: r.max_entry_bytes ?? d.maxEntryBytes, scope: r.scope ?? d.scope,
        cacheToolCalls: r.cache_tool_calls ?? d.cacheToolCalls, cacheJsonSchema: r.cache_json_schema ?? d.cacheJsonSchema,
        semantic: cfg.semantic.enabled && (r.semantic ?? cfg.semantic.routes_default), semanticThreshold: r.semantic_threshold ?? d.semanticThreshold,
      }));
    }
  }

  for(requested: string, resolved: string): CacheSettings {
    return this.byRoute.get(requested) ?? this.byRoute.get(resolved) ?? this.defaults;
  }
}

/** The tenant scope string an entry is keyed under. A key without a team is isolated by key. */
export function scopeOf(scope: CacheScope, keyId: string | null, team: string | null): string {
  if (scope === "global") return "global";
  if (scope === "team" && team !== null) return `team:${team}`;
  return `key:${keyId ?? "anonymous"}`;
}
