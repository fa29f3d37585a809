import type { PiiType } from "../guard/pii/entity.js";
import type { CaptureConfig, PiiMode } from "./pii-capture-schema.js";

/** The capture PII policy one call is stored under. */
export interface PiiPolicy {
  mode: PiiMode;
  keep: readonly PiiType[];
}

export interface PiiCaller {
  keyId: string | null;
  keyName: string | null;
  /** The model or route name the client asked for. */
  model: string;
}

/**
 * The most specific policy for a call: its key's (by id, then name), else its route's, else the
 * default. Three map lookups, run after the response is sent.
 */
export function resolvePiiPolicy(cfg: CaptureConfig, who: PiiCaller): PiiPolicy {
  const p = own(cfg.keys, who.keyId) ?? own(cfg.keys, who.keyName) ?? own(cfg.routes, who.model);
  return p ? { mode: p.pii, keep: p.keep_types as PiiType[] } : { mode: cfg.pii, keep: cfg.keep_types as PiiType[] };
}

// Own properties only: a key named "constructor" must not find Object.prototype's.
function own<T>(map: Record<string, T>, name: string | null): T | undefined {
  return name !== null && Object.hasOwn(map, name) ? map[name] : undefined;
}
