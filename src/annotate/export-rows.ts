import type { ExportRecord } from "./types.js";

/** An export record's row in both backends: the key, the time, the rest as a JSON body. */
export interface ExportRow { hash: string; created_at: number | string; body: string }

export function exportFromRow(r: ExportRow): ExportRecord {
  return { hash: r.hash, createdAt: Number(r.created_at), ...(JSON.parse(r.body) as Omit<ExportRecord, "hash" | "createdAt">) };
}
