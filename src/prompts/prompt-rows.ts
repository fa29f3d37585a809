import type { LabelMove, LabelRecord, PromptContent, PromptVersion, RolloutStatus } from "./types.js";

// The prompt tables' rows as both backends read them (JSON columns as text), and their mappers.

export interface VersionRow { name: string; version: number; hash: string; content: string; message: string | null; author: string; created_at: number }
export interface LabelRow { name: string; label: string; version: number; updated_at: number; updated_by: string }
export interface MoveRow { name: string; label: string; from_version: number | null; to_version: number | null; kind: LabelMove["kind"]; at: number; actor: string; reason: string | null }
export interface RolloutRow {
  id: string; name: string; label: string; from_version: number; to_version: number; steps: string; step_index: number; status: RolloutStatus;
  settings: string; started_at: number; step_started_at: number; ended_at: number | null; actor: string; reason: string | null; outcome: string | null;
}

export function fromVersionRow(r: VersionRow): PromptVersion {
  return { name: r.name, version: r.version, hash: r.hash, content: JSON.parse(r.content) as PromptContent, message: r.message, author: r.author, createdAt: r.created_at };
}

export function fromLabelRow(r: LabelRow): LabelRecord {
  return { name: r.name, label: r.label, version: r.version, updatedAt: r.updated_at, updatedBy: r.updated_by };
}
