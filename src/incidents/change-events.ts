import type { AuditEntry } from "../audit/types.js";

export type ChangeKind = "prompt" | "config" | "key" | "credential" | "route" | "policy" | "model";

/** Which slices of traffic a change can explain: `{ prompt_version: "support@v7" }`. */
export type SliceRef = { dim: "prompt_version" | "model" | "route" | "key" | "feature"; value: string };

/** One change on the timeline, whatever recorded it. */
export interface ChangeEvent {
  at: number;
  kind: ChangeKind;
  action: string;
  target: string;
  actor: string;
  summary: string;
  /** Slices this change touches; empty: it could touch anything (a config change). */
  slices: SliceRef[];
  /** `audit:<seq>` or `traces:<model>`. */
  ref: string;
}

function version(v: unknown): number | null {
  const n = (v as { version?: unknown } | null)?.version;
  return typeof n === "number" ? n : null;
}

/**
 * Pure: an audit entry as a change event, or null for entries that change nothing traffic sees
 * (prompt versions pushed but not labelled, rollout bookkeeping, reads).
 */
export function changeFromAudit(e: AuditEntry): ChangeEvent | null {
  const base = { at: e.at, action: e.action, target: e.target, actor: e.actor, ref: `audit:${e.seq}` };
  if (e.action === "prompt.label.set" || e.action === "prompt.label.deleted" || e.action === "prompt.rollout.started" || e.action === "prompt.rollout.promoted") {
    const name = e.target.split("@")[0];
    const from = version(e.before);
    const to = version(e.after);
    const slices: SliceRef[] = [];
    if (to !== null) slices.push({ dim: "prompt_version", value: `${name}@v${to}` });
    if (from !== null) slices.push({ dim: "prompt_version", value: `${name}@v${from}` });
    return { ...base, kind: "prompt", summary: `${e.target}: v${from ?? "-"} → v${to ?? "-"}${e.reason ? ` (${e.reason})` : ""}`, slices };
  }
  if (e.action.startsWith("key.")) return { ...base, kind: "key", summary: `${e.action} ${e.target}`, slices: [{ dim: "key", value: e.target }] };
  if (e.action.startsWith("credential.")) return { ...base, kind: "credential", summary: `${e.action} ${e.target}`, slices: [] };
  if (e.action.startsWith("config.")) return { ...base, kind: "config", summary: `configuration changed${e.reason ? ` (${e.reason})` : ""}`, slices: [] };
  if (e.action.startsWith("route.")) return { ...base, kind: "route", summary: `${e.action} ${e.target}`, slices: [{ dim: "route", value: e.target }] };
  if (e.action.startsWith("guard.") || e.action.startsWith("policy.") || e.action.startsWith("limits.")) return { ...base, kind: "policy", summary: `${e.action} ${e.target}`, slices: [] };
  return null;
}

/**
 * What an upstream reports for the same requested model changed (from traces): the served model
 * version (`gpt-4o-2024-08-06` → `gpt-4o-2024-11-20`), or the `system_fingerprint` of the same one.
 */
export interface ModelVersionChange {
  at: number;
  what: "version" | "fingerprint";
  route: string;
  provider: string | null;
  model: string;
  from: string;
  to: string;
}

export function changeFromModel(c: ModelVersionChange): ChangeEvent {
  const version = c.what === "version";
  return {
    at: c.at, kind: "model", action: version ? "model.version.changed" : "model.fingerprint.changed", target: c.route, actor: c.provider ?? "upstream",
    summary: version ? `${c.route}: upstream now answers as ${c.to} (was ${c.from})` : `${c.route}: ${c.model} system_fingerprint ${c.from} → ${c.to}`,
    slices: [{ dim: "model", value: c.model }, { dim: "route", value: c.route }], ref: `traces:${c.model}:${c.to}`,
  };
}

/** The drift canary saw answers shift for the same model name at temperature 0 (src/incidents/drift). */
export interface DriftDetected {
  at: number;
  /** The public name probed. */
  model: string;
  /** What the upstream said it served, when it said. */
  served: string | null;
  mean_similarity: number | null;
  exact_share: number | null;
  compared: number;
}

export function changeFromDrift(d: DriftDetected): ChangeEvent {
  const sim = d.mean_similarity === null ? "-" : d.mean_similarity.toFixed(3);
  const exact = d.exact_share === null ? "-" : `${Math.round(d.exact_share * 100)}%`;
  const slices: SliceRef[] = [{ dim: "route", value: d.model }];
  slices.unshift({ dim: "model", value: d.served ?? d.model });
  return {
    at: d.at, kind: "model", action: "model.drift.detected", target: d.model, actor: "drift-canary",
    summary: `${d.model}: canary answers changed (similarity ${sim}, exact ${exact} of ${d.compared} prompts)`,
    slices, ref: `drift:${d.model}:${d.at}`,
  };
}
