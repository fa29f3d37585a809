import type { CanaryReport } from "../prompts/canary.js";
import type { LabelRecord, PromptVersion, RolloutRecord } from "../prompts/types.js";

/** Prompt registry objects as the admin API shows them: snake_case, ISO times. */

const iso = (t: number | null): string | null => (t === null ? null : new Date(t).toISOString());

export function versionView(v: PromptVersion, labels: readonly LabelRecord[]): Record<string, unknown> {
  return {
    name: v.name,
    version: v.version,
    hash: v.hash,
    ...v.content,
    message: v.message,
    author: v.author,
    created_at: iso(v.createdAt),
    labels: labels.filter((l) => l.version === v.version).map((l) => l.label),
  };
}

export function labelView(l: LabelRecord): Record<string, unknown> {
  return { label: l.label, version: l.version, updated_at: iso(l.updatedAt), updated_by: l.updatedBy };
}

export function rolloutView(r: RolloutRecord, comparison: CanaryReport | null = null): Record<string, unknown> {
  return {
    id: r.id,
    name: r.name,
    label: r.label,
    from_version: r.fromVersion,
    to_version: r.toVersion,
    steps: r.steps,
    step: r.stepIndex,
    percent: r.status === "completed" ? 100 : r.status === "running" ? r.steps[r.stepIndex] : 0,
    status: r.status,
    settings: r.settings,
    started_at: iso(r.startedAt),
    step_started_at: iso(r.stepStartedAt),
    ended_at: iso(r.endedAt),
    actor: r.actor,
    reason: r.reason,
    outcome: r.outcome,
    ...(comparison ? { comparison } : {}),
  };
}
