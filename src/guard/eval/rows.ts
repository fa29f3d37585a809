/**
 * Evaluation rows: one JSON object per line, `{text, label}` with label 1 = attack, 0 = benign.
 * Optional `history` (earlier turns, oldest first) feeds multi-turn scanners; optional `source`
 * (provenance, `owner/repo:path…`) and `family` (attack family or benign dataset) are kept for
 * per-group reports (`--group-by`); other fields are ignored. A bad line is reported with its
 * line number.
 */
import { z } from "zod";

export interface EvalRow {
  text: string;
  label: 0 | 1;
  history?: string[];
  source?: string;
  family?: string;
}

/** Longest `source` or `family` kept: they are group names in a table, not free text. */
export const MAX_GROUP_CHARS = 200;
const groupName = z.string().min(1).max(MAX_GROUP_CHARS).optional();

const RowSchema = z.object({
  text: z.string(),
  label: z.union([z.literal(0), z.literal(1), z.literal(true), z.literal(false)]),
  history: z.array(z.string()).optional(),
  source: groupName,
  family: groupName,
});

export class EvalRowError extends Error {
  readonly code = "invalid_eval_row";
  constructor(
    readonly line: number,
    detail: string,
  ) {
    super(`line ${line}: ${detail}`);
    this.name = "EvalRowError";
  }
}

export function parseEvalRow(line: string, lineNo: number): EvalRow {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (e) {
    throw new EvalRowError(lineNo, `not valid JSON (${(e as Error).message})`);
  }
  const r = RowSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    const field = issue.path.length > 0 ? issue.path.join(".") : "row";
    const why =
      field === "label" ? "must be 0 or 1"
      : field === "text" ? "must be a string"
      : field === "source" || field === "family" ? `must be a string of 1 to ${MAX_GROUP_CHARS} characters`
      : issue.message;
    throw new EvalRowError(lineNo, `${field} ${why}`);
  }
  const label = r.data.label === true || r.data.label === 1 ? 1 : 0;
  const row: EvalRow = { text: r.data.text, label };
  if (r.data.history) row.history = r.data.history;
  if (r.data.source !== undefined) row.source = r.data.source;
  if (r.data.family !== undefined) row.family = r.data.family;
  return row;
}

/** Parse JSONL; blank lines are skipped, line numbers count from 1 as an editor shows them. */
export function parseEvalRows(jsonl: string): EvalRow[] {
  const rows: EvalRow[] = [];
  const lines = jsonl.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() === "") continue;
    rows.push(parseEvalRow(lines[i], i + 1));
  }
  return rows;
}
