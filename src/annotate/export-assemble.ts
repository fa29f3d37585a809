import { KeelError } from "../errors/errors.js";
import { balanceByLength, type Candidate, type ExportResult, serialise } from "./queue-export.js";
import type { ExportFormat } from "./queue-schema.js";
import type { SourceRows } from "./source-export.js";
import { MADE_BY_MODEL, syntheticShare } from "./synthetic-share.js";
import type { ExportRecord } from "./types.js";


export interface AssembleOptions {
  format: ExportFormat;
  balance?: boolean;
  maxSyntheticShare: number;
  strict?: boolean;
  output: "jsonl" | "parquet";
  now: number;
  /** What shaped the export, for the card and the record. */
  filters: Record<string, unknown>;
}

/** A queue's export (`ExportResult`) plus what assembling several sources adds. `sha256` is the export record's key. */
export interface AssembledExport extends ExportResult {
  sources: string[];
  synthetic_share: number;
  warnings: string[];
  counts: ExportRecord["counts"];
  /** The rows as Parquet, base64, when the output is parquet. */
  parquet_base64?: string;
}

const FORMAT_NAMES: Record<ExportFormat, string> = {
  sft: "OpenAI chat fine-tuning (messages)",
  dpo: "TRL conversational preference (prompt, chosen, rejected)",
  "openai-dpo": "OpenAI preference fine-tuning (input, preferred_output, non_preferred_output)",
  kto: "TRL conversational unpaired preference (prompt, completion, label)",
};

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/**
 * Rows from every source, balanced, capped and checked, as one export with its card. Asynchronous
 * for one reason: the Parquet writer (hyparquet-writer, ESM only, ~2 MB of heap once loaded) is
 * imported on the first Parquet export, not at start (decision 0035).
 */
export async function assembleExport(parts: readonly SourceRows[], o: AssembleOptions): Promise<AssembledExport> {
  const specs = parts.map((p) => p.spec);
  const rows: Candidate[] = parts.flatMap((p) => p.candidates);
  const total = rows.length;
  let dropped = 0;
  if (o.balance && (o.format === "dpo" || o.format === "openai-dpo")) {
    const kept = balanceByLength(rows, (r) => r.lengths!);
    dropped = rows.length - kept.length;
    rows.splice(0, rows.length, ...kept);
  }
  if (rows.length === 0) {
    const per = parts.map((p) => `${p.spec}: ${p.read} read, ${p.candidates.length} rows; removed by ${Object.entries(p.removed).filter(([, n]) => n > 0).map(([k, n]) => `${k}: ${n}`).join(", ") || "nothing"}`);
    const tail = dropped > 0 ? `; the length balance removed all ${dropped} pairs (in every one the chosen answer is longer, or in every one shorter): export without --balance` : "";
    throw new KeelError("invalid_request", `Export as ${o.format} from ${specs.join(", ")} has no qualifying rows (${per.join("; ")})${tail}.`, { param: dropped > 0 && total > 0 ? "balance" : "from" });
  }
  const origins = rows.map((r) => r.prov.origin);
  const share = syntheticShare(origins);
  const warnings: string[] = [];
  if (share > o.maxSyntheticShare) {
    const msg = `${pct(share)} of the rows (${origins.filter((x) => MADE_BY_MODEL.has(x)).length} of ${rows.length}) are LLM-judge or synthetic, above the maximum share ${pct(o.maxSyntheticShare)}`;
    if (o.strict) throw new KeelError("invalid_request", `Export refused: ${msg} (--strict; raise --max-synthetic-share or add human-labelled sources).`, { param: "max_synthetic_share" });
    warnings.push(msg);
  }
  const { jsonl, provenance, sha256 } = serialise(rows);
  const forcedQueues = parts.filter((p) => p.queue?.forced);
  const counts: ExportRecord["counts"] = { rows: rows.length, origins: tally(origins), sources: tally(rows.map((r) => r.prov.source)), synthetic_share: share };
  const card = exportCard({ parts, rows, o, sha256, share, warnings, dropped, counts });
  const out: AssembledExport = { format: o.format, sources: specs, jsonl, provenance, card, rows: rows.length, sha256, forced: forcedQueues.length > 0, synthetic_share: share, warnings, counts };
  if (o.output === "parquet") {
    const { toParquet } = await import("./parquet-export.js");
    const bytes = toParquet(o.format, rows.map((r) => r.row as Record<string, unknown>), { "keel.content_sha256": sha256, "keel.format": o.format });
    out.parquet_base64 = Buffer.from(bytes).toString("base64");
  }
  return out;
}

function tally(xs: readonly (string | null)[]): Record<string, number> {
  const m: Record<string, number> = {};
  for (const x of xs) m[x ?? "none"] = (m[x ?? "none"] ?? 0) + 1;
  return m;
}

const listed = (m: Record<string, number>): string => Object.entries(m).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} (${n})`).join(", ") || "none";
const fmt = (v: number | null): string => (v === null ? "undefined" : v.toFixed(3));

function exportCard(c: { parts: readonly SourceRows[]; rows: readonly Candidate[]; o: AssembleOptions; sha256: string; share: number; warnings: string[]; dropped: number; counts: ExportRecord["counts"] }): string {
  const { o, rows } = c;
  const forced = c.parts.filter((p) => p.queue?.forced).map((p) => p.queue!);
  const judges = tally(rows.filter((r) => r.prov.judge).map((r) => `${r.prov.judge!.model ?? "unknown model"} (system_fingerprint ${r.prov.judge!.system_fingerprint ?? "not reported"})`));
  const generators = tally(rows.filter((r) => r.prov.synthetic_model).map((r) => r.prov.synthetic_model!));
  const queues = c.parts.filter((p) => p.queue).map((p) => p.queue!);
  const lines = [
    `# Dataset card: ${c.parts.map((p) => p.spec).join(" + ")} (${o.format})`,
    "",
    ...forced.map((q) => `> **Exported below the agreement threshold (forced):** queue ${q.name} alpha ${fmt(q.report.overall)} < min_agreement ${q.minAgreement}.`),
    ...c.warnings.map((w) => `> **Synthetic/judge share above the maximum:** ${w}.`),
    ...(forced.length || c.warnings.length ? [""] : []),
    `- Format: ${FORMAT_NAMES[o.format]}, ${o.output === "parquet" ? "Parquet" : "JSONL"}`,
    `- Rows: ${rows.length}`,
    `- Content hash (sha256 of the canonical rows, i.e. of the JSONL text): \`${c.sha256}\``,
    `- Exported: ${new Date(o.now).toISOString()}`,
    `- Licence: ${listed(tally(rows.map((r) => r.prov.licence ?? "not stated")))}`,
    `- Synthetic or LLM-judge rows: ${pct(c.share)} (${rows.filter((r) => MADE_BY_MODEL.has(r.prov.origin)).length} of ${rows.length}); maximum ${pct(o.maxSyntheticShare)}${o.strict ? ", strict" : ", warn"}`,
    ...(o.balance ? [`- Length-balanced: ${c.dropped} pairs dropped so the longer answer is chosen in half the unequal pairs`] : []),
    `- Provenance: one line per row in the side file \`*.provenance.jsonl\` (row n ↔ line n)`,
    "",
    "## Sources",
    "",
    ...c.parts.map((p) => `- \`${p.spec}\`: ${p.read} read, ${p.candidates.length} rows; removed by ${Object.entries(p.removed).filter(([, n]) => n > 0).map(([k, n]) => `${k}: ${n}`).join(", ") || "nothing"}`),
    `- Row sources: ${listed(c.counts.sources)}`,
    `- Origins: ${listed(c.counts.origins)}`,
    ...(Object.keys(judges).length ? [`- LLM judges: ${listed(judges)}`] : []),
    ...(Object.keys(generators).length ? [`- Synthetic, generated by: ${listed(generators)}`] : []),
    `- Models: ${listed(tally(rows.map((r) => r.prov.model)))}`,
    `- Prompt versions: ${listed(tally(rows.map((r) => (r.prov.prompt ? `${r.prov.prompt}@${r.prov.prompt_version}` : null))))}`,
    "",
    "## Filters",
    "",
    "```json",
    JSON.stringify(o.filters),
    "```",
    ...(queues.length
      ? ["", "## Agreement", "", "| queue | overall Krippendorff's alpha | min_agreement | threshold met |", "|---|---|---|---|", ...queues.map((q) => `| ${q.name} | ${fmt(q.report.overall)} | ${q.minAgreement ?? "none"} | ${q.report.meets_threshold ? "yes" : "no"} |`)]
      : []),
    "",
  ];
  return lines.join("\n");
}

export interface ExportDiff {
  a: string;
  b: string;
  added: number;
  removed: number;
  changed: number;
  unchanged: number;
  /** The first 1000 of each, by row key, with the row (JSON) on each side. */
  rows: { added: { key: string; row: unknown }[]; removed: { key: string; row: unknown }[]; changed: { key: string; before: unknown; after: unknown }[] };
}

/**
 * Rows added, removed and changed from export A to B, matched by the provenance's stable `row_key`
 * (source and trace ids, run and item, dataset item); a key repeated within one export is numbered
 * in order (`key#2`). Changed: the same key with a different row.
 */
export function diffExports(a: ExportRecord, b: ExportRecord): ExportDiff {
  const ka = keyed(a);
  const kb = keyed(b);
  const out: ExportDiff = { a: a.hash, b: b.hash, added: 0, removed: 0, changed: 0, unchanged: 0, rows: { added: [], removed: [], changed: [] } };
  const cap = 1000;
  for (const [k, v] of kb) {
    const old = ka.get(k);
    if (!old) {
      out.added++;
      if (out.rows.added.length < cap) out.rows.added.push({ key: k, row: JSON.parse(v.line) });
    } else if (old.sha !== v.sha) {
      out.changed++;
      if (out.rows.changed.length < cap) out.rows.changed.push({ key: k, before: JSON.parse(old.line), after: JSON.parse(v.line) });
    } else out.unchanged++;
  }
  for (const [k, v] of ka) {
    if (kb.has(k)) continue;
    out.removed++;
    if (out.rows.removed.length < cap) out.rows.removed.push({ key: k, row: JSON.parse(v.line) });
  }
  return out;
}

function keyed(r: ExportRecord): Map<string, { line: string; sha: string }> {
  const lines = r.jsonl.split("\n").filter((l) => l.length > 0);
  const prov = r.provenance.split("\n").filter((l) => l.length > 0).map((l) => JSON.parse(l) as { row_key?: string; row_sha256: string });
  const m = new Map<string, { line: string; sha: string }>();
  lines.forEach((line, i) => {
    const base = prov[i]?.row_key ?? `row:${i}`;
    let k = base;
    for (let n = 2; m.has(k); n++) k = `${base}#${n}`;
    m.set(k, { line, sha: prov[i]?.row_sha256 ?? line });
  });
  return m;
}
