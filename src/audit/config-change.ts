import { createHash } from "node:crypto";
import { maskSecretsDeep } from "../secrets/redact.js";
import type { SettingsStore } from "../store/settings-store.js";
import { canonicalJson } from "./canonical-json.js";
import type { AuditEntry, AuditSink } from "./types.js";

const SNAPSHOT = "audit.config_snapshot";

/**
 * At start-up: when the resolved config differs from the one the last start ran with, records a
 * `config.changed` entry with the top-level sections that changed, before and after. Secrets are
 * masked before anything is compared or stored, so a rotated API key alone is not a config change
 * (stored credentials are audited on their own); the admin and editor tokens and the master key are left out.
 */
export function recordConfigChange(audit: AuditSink, settings: SettingsStore, config: object): AuditEntry | null {
  const { adminToken: _a, editorToken: _e, masterKey: _m, ...rest } = config as Record<string, unknown>;
  const current = maskSecretsDeep(rest) as Record<string, unknown>;
  const hash = createHash("sha256").update(canonicalJson(current)).digest("hex");
  const stored = settings.get(SNAPSHOT);
  const previous = stored ? (JSON.parse(stored) as { hash: string; config: Record<string, unknown> }) : null;
  if (previous?.hash === hash) return null;
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  for (const k of new Set([...Object.keys(previous?.config ?? {}), ...Object.keys(current)])) {
    const b = previous?.config[k];
    const a = current[k];
    if (canonicalJson(b) !== canonicalJson(a)) {
      before[k] = b ?? null;
      after[k] = a ?? null;
    }
  }
  const entry = audit.record({
    actor: "keel",
    role: null,
    action: "config.changed",
    targetType: "config",
    target: "keel.yaml",
    before: previous ? { hash: previous.hash, sections: before } : null,
    after: { hash, sections: after },
    reason: previous ? `changed since the last start: ${Object.keys(after).join(", ")}` : "first start",
  });
  settings.set(SNAPSHOT, JSON.stringify({ hash, config: current }));
  return entry;
}
