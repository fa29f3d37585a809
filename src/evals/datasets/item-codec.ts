import type { DatasetItem, DatasetItemInput } from "./item-schema.js";
import { formatCsv, parseCsv } from "./csv.js";

/**
 * Items to and from JSON Lines and CSV. JSONL carries items exactly; CSV is for spreadsheets:
 *
 * | column | meaning |
 * | --- | --- |
 * | `id`, `input`, `expected`, `split` | text |
 * | `tags` | comma-separated |
 * | `input_messages`, `expected_json`, `expected_tool_calls`, `context`, `relevant_context`, `steps`, `variables`, `metadata` | JSON |
 * | `source`, `trace_id`, `generator_model`, `author` | provenance |
 * | any other column | a template variable of that name |
 */

export function parseItemsJsonl(text: string, source = "input"): unknown[] {
  const out: unknown[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === "") return;
    try {
      out.push(JSON.parse(line));
    } catch (err) {
      throw new Error(`${source}:${i + 1}: not JSON: ${(err as Error).message}`);
    }
  });
  return out;
}

export function formatItemsJsonl(items: readonly DatasetItem[]): string {
  return items.map((i) => JSON.stringify(i)).join("\n") + (items.length ? "\n" : "");
}

const JSON_COLUMNS = ["input_messages", "expected_json", "expected_tool_calls", "context", "relevant_context", "steps", "variables", "metadata"] as const;
const TEXT_COLUMNS = ["id", "input", "expected", "split", "tags", "source", "trace_id", "generator_model", "author"] as const;
const KNOWN = new Set<string>([...JSON_COLUMNS, ...TEXT_COLUMNS]);

export function parseItemsCsv(text: string, source = "input"): DatasetItemInput[] {
  const rows = parseCsv(text);
  if (rows.length === 0) return [];
  const header = rows[0].map((h) => h.trim());
  const dup = header.find((h, i) => header.indexOf(h) !== i);
  if (dup) throw new Error(`${source}: duplicate CSV column "${dup}"`);
  return rows.slice(1).map((cells, r) => {
    const line = r + 2;
    if (cells.length !== header.length) throw new Error(`${source}:${line}: ${cells.length} fields, header has ${header.length}`);
    const cell = new Map(header.map((h, i) => [h, cells[i]]));
    const get = (k: string): string | undefined => (cell.get(k) === "" ? undefined : cell.get(k));
    const json = (k: string): unknown => {
      const v = get(k);
      if (v === undefined) return undefined;
      try {
        return JSON.parse(v);
      } catch {
        throw new Error(`${source}:${line}: column ${k} is not JSON`);
      }
    };
    const variables: Record<string, unknown> = { ...((json("variables") as Record<string, unknown> | undefined) ?? {}) };
    for (const h of header) if (!KNOWN.has(h) && get(h) !== undefined) variables[h] = get(h);
    const src = get("source") ?? "human";
    const provenance =
      src === "production" ? { source: "production" as const, trace_id: get("trace_id") ?? "" }
      : src === "synthetic" ? { source: "synthetic" as const, generator_model: get("generator_model") ?? "" }
      : { source: src as "human" };
    const author = get("author");
    const item: Record<string, unknown> = {
      id: get("id"),
      input: (json("input_messages") as unknown[] | undefined) ?? get("input"),
      variables: Object.keys(variables).length ? variables : undefined,
      expected: cell.has("expected_json") && get("expected_json") !== undefined ? json("expected_json") : get("expected"),
      expected_tool_calls: json("expected_tool_calls"),
      context: json("context"),
      relevant_context: json("relevant_context"),
      steps: json("steps"),
      tags: get("tags")?.split(",").map((t) => t.trim()).filter(Boolean),
      split: get("split"),
      metadata: json("metadata"),
      provenance: author ? { ...provenance, author } : provenance,
    };
    for (const k of Object.keys(item)) if (item[k] === undefined) delete item[k];
    return item as DatasetItemInput;
  });
}

export function formatItemsCsv(items: readonly DatasetItem[]): string {
  const header = ["id", "input", "input_messages", "expected", "expected_json", "expected_tool_calls", "context", "relevant_context", "steps", "variables", "tags", "split", "metadata", "source", "trace_id", "generator_model", "author"];
  const j = (v: unknown): string => (v === undefined ? "" : JSON.stringify(v));
  const rows = items.map((i) => {
    const p = i.provenance as { source: string; trace_id?: string; generator_model?: string; author?: string };
    return [
      i.id,
      typeof i.input === "string" ? i.input : "",
      Array.isArray(i.input) ? j(i.input) : "",
      typeof i.expected === "string" ? i.expected : "",
      i.expected !== undefined && typeof i.expected !== "string" ? j(i.expected) : "",
      j(i.expected_tool_calls), j(i.context), j(i.relevant_context), j(i.steps), j(i.variables),
      (i.tags ?? []).join(","), i.split ?? "", j(i.metadata),
      p.source, p.trace_id ?? "", p.generator_model ?? "", p.author ?? "",
    ];
  });
  return formatCsv(header, rows);
}
