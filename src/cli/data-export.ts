import { readFileSync, writeFileSync } from "node:fs";
import { auditRows, type EvalPrompts } from "../annotate/data-audit.js";
import { DEFAULT_MAX_SYNTHETIC_SHARE, syntheticShare } from "../annotate/synthetic-share.js";
import { AdminClient } from "./admin-client.js";

type Conn = { url: string; token?: string };
const FORMATS = ["sft", "dpo", "kto", "openai-dpo"];
/** Largest file `keel data audit` reads (it holds the rows in memory). */
const MAX_AUDIT_BYTES = 512 * 1024 * 1024;

/** Side files beside the rows file: `x.jsonl` (or `x.parquet`) → `x.provenance.jsonl`, `x.card.md`. */
export function sidePaths(out: string): { provenance: string; card: string } {
  const base = out.endsWith(".jsonl") ? out.slice(0, -6) : out.endsWith(".parquet") ? out.slice(0, -8) : out;
  return { provenance: `${base}.provenance.jsonl`, card: `${base}.card.md` };
}

interface ExportAnswer {
  jsonl: string; provenance: string; card: string; rows: number; sha256: string; forced: boolean; synthetic_share: number; warnings: string[];
  parquet_base64?: string; record: { hash: string; new: boolean };
}

export interface ExportOptions {
  queue?: string; from?: string[]; format: string; out?: string; force?: boolean; balance?: boolean;
  maxSyntheticShare?: string; strict?: boolean; parquet?: boolean; outputFormat?: string; licence?: string; since?: string; limit?: string;
}

/** A time as ms: a number of ms, or an ISO date. */
function parseSince(v: string): number {
  const n = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(n)) throw new Error(`--since ${JSON.stringify(v)}: expected an ISO time or milliseconds since the epoch`);
  return n;
}

export async function dataExport(c: Conn, o: ExportOptions): Promise<void> {
  if (!FORMATS.includes(o.format)) throw new Error(`--format ${JSON.stringify(o.format)}: expected one of ${FORMATS.join(", ")}`);
  const from = [...(o.queue ? [`queue:${o.queue}`] : []), ...(o.from ?? [])];
  if (from.length === 0) throw new Error("give --from SOURCE (queue:NAME, corrections:NAME, feedback, pairwise:RUN_ID, dataset:NAME; repeatable) or --queue NAME");
  if (o.outputFormat !== undefined && !["jsonl", "parquet"].includes(o.outputFormat)) throw new Error(`--output-format ${JSON.stringify(o.outputFormat)}: expected jsonl or parquet`);
  const output = o.parquet || o.outputFormat === "parquet" ? "parquet" : "jsonl";
  const share = o.maxSyntheticShare === undefined ? undefined : Number(o.maxSyntheticShare);
  if (share !== undefined && !(share >= 0 && share <= 1)) throw new Error(`--max-synthetic-share ${JSON.stringify(o.maxSyntheticShare)}: expected a number in [0, 1]`);
  const limit = o.limit === undefined ? undefined : Number(o.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1 && limit <= 100_000)) throw new Error(`--limit ${JSON.stringify(o.limit)}: expected an integer 1..100000`);
  const r = await new AdminClient(c.url, c.token).call<ExportAnswer>("POST", "/api/v1/annotate/exports", {
    from, format: o.format, force: o.force === true, balance: o.balance === true, strict: o.strict === true, output,
    ...(share !== undefined ? { max_synthetic_share: share } : {}), ...(o.licence ? { licence: o.licence } : {}),
    ...(o.since ? { since: parseSince(o.since) } : {}), ...(limit !== undefined ? { limit } : {}),
  });
  const stem = from.length === 1 ? from[0].replace(/^queue:/, "").replace(/[^\w.-]+/g, "_") : "export";
  const out = o.out ?? `${stem}.${o.format}.${output}`;
  const side = sidePaths(out);
  writeFileSync(out, output === "parquet" ? Buffer.from(r.parquet_base64 ?? "", "base64") : r.jsonl);
  writeFileSync(side.provenance, r.provenance);
  writeFileSync(side.card, r.card);
  for (const w of r.warnings) process.stderr.write(`warning: ${w} (--strict refuses such an export)\n`);
  process.stdout.write(`wrote ${r.rows} ${o.format} rows to ${out} (content sha256 ${r.sha256}${r.record.new ? "" : ", same content as an earlier export"}), provenance ${side.provenance}, card ${side.card}; synthetic/judge share ${(r.synthetic_share * 100).toFixed(1)}%${r.forced ? " — below the agreement threshold (forced)" : ""}\n`);
}

interface ExportSummary { hash: string; format: string; sources: string[]; counts: { rows: number; synthetic_share: number }; actor: string | null; created_at: string }

export async function dataExports(c: Conn, o: { limit?: string; json?: boolean }): Promise<void> {
  const r = await new AdminClient(c.url, c.token).call<{ data: ExportSummary[] }>("GET", `/api/v1/annotate/exports${o.limit ? `?limit=${encodeURIComponent(o.limit)}` : ""}`);
  if (o.json) return void process.stdout.write(`${JSON.stringify(r.data, null, 2)}\n`);
  if (r.data.length === 0) return void process.stdout.write("no exports\n");
  const rows = r.data.map((e) => [e.hash, e.created_at, e.format, String(e.counts.rows), `${(e.counts.synthetic_share * 100).toFixed(1)}%`, e.sources.join(",")]);
  const head = ["hash", "created", "format", "rows", "synthetic", "sources"];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((x) => x[i].length)));
  process.stdout.write([head, ...rows].map((x) => x.map((v, i) => (i === x.length - 1 ? v : v.padEnd(w[i]))).join("  ")).join("\n") + "\n");
}

export async function dataExportShow(c: Conn, hash: string, o: { json?: boolean; out?: string }): Promise<void> {
  const r = await new AdminClient(c.url, c.token).call<ExportSummary & { card: string; jsonl: string; provenance: string }>("GET", `/api/v1/annotate/exports/${encodeURIComponent(hash)}`);
  if (o.out) {
    const side = sidePaths(o.out);
    writeFileSync(o.out, r.jsonl);
    writeFileSync(side.provenance, r.provenance);
    writeFileSync(side.card, r.card);
    process.stdout.write(`wrote ${r.counts.rows} rows of export ${r.hash} to ${o.out}, provenance ${side.provenance}, card ${side.card}\n`);
  } else if (o.json) process.stdout.write(`${JSON.stringify({ hash: r.hash, format: r.format, sources: r.sources, counts: r.counts, actor: r.actor, created_at: r.created_at, card: r.card }, null, 2)}\n`);
  else process.stdout.write(`${r.card}\n`);
}

interface DiffAnswer { a: string; b: string; added: number; removed: number; changed: number; unchanged: number; rows: { added: { key: string }[]; removed: { key: string }[]; changed: { key: string }[] } }

export async function dataDiff(c: Conn, a: string, b: string, o: { json?: boolean }): Promise<void> {
  const r = await new AdminClient(c.url, c.token).call<DiffAnswer>("GET", `/api/v1/annotate/exports/${encodeURIComponent(a)}/diff/${encodeURIComponent(b)}`);
  if (o.json) return void process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
  const lines = [
    `${r.a.slice(0, 12)} → ${r.b.slice(0, 12)}: ${r.added} added, ${r.removed} removed, ${r.changed} changed, ${r.unchanged} unchanged`,
    ...r.rows.added.slice(0, 50).map((x) => `+ ${x.key}`),
    ...r.rows.removed.slice(0, 50).map((x) => `- ${x.key}`),
    ...r.rows.changed.slice(0, 50).map((x) => `~ ${x.key}`),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

/** The origins in a provenance side file, or null when there is none beside the file. */
function provenanceOrigins(file: string): { path: string; origins: string[] | null } {
  const path = sidePaths(file).provenance;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return { path, origins: null };
  }
  const origins: string[] = [];
  for (const l of text.split("\n")) {
    if (!l.trim()) continue;
    try {
      const o = (JSON.parse(l) as { origin?: unknown }).origin;
      origins.push(typeof o === "string" ? o : "unknown");
    } catch {
      origins.push("unknown");
    }
  }
  return { path, origins };
}

export async function dataAudit(c: Conn, file: string, o: { threshold?: string; offline?: boolean; strict?: boolean; json?: boolean; maxSyntheticShare?: string }): Promise<void> {
  const maxShare = o.maxSyntheticShare === undefined ? DEFAULT_MAX_SYNTHETIC_SHARE : Number(o.maxSyntheticShare);
  if (!(maxShare >= 0 && maxShare <= 1)) throw new Error(`--max-synthetic-share ${JSON.stringify(o.maxSyntheticShare)}: expected a number in [0, 1]`);
  const threshold = o.threshold === undefined ? undefined : Number(o.threshold);
  if (threshold !== undefined && !(threshold > 0 && threshold <= 1)) throw new Error(`--threshold ${JSON.stringify(o.threshold)}: expected a number in (0, 1]`);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new Error(`cannot read ${file}: ${(err as Error).message}`);
  }
  if (text.length > MAX_AUDIT_BYTES) throw new Error(`${file} is larger than ${MAX_AUDIT_BYTES} bytes`);
  const evals = o.offline ? [] : await evalPrompts(new AdminClient(c.url, c.token));
  const audited = auditRows(text.split("\n"), evals, { threshold });
  const prov = provenanceOrigins(file);
  const share = prov.origins === null ? null : syntheticShare(prov.origins);
  const r = { ...audited, synthetic: { provenance: prov.origins === null ? null : prov.path, share, max_share: maxShare, above: share !== null && share > maxShare } };
  const bad = r.exact_duplicates.length + r.near_duplicates.length + r.contamination.length + (r.synthetic.above ? 1 : 0);
  if (o.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
  else {
    const lines = [
      `${file}: ${r.rows} ${r.format} rows${r.unreadable.length ? `, unreadable lines ${r.unreadable.join(", ")}` : ""}`,
      `exact duplicates: ${r.exact_duplicates.length} groups${r.exact_duplicates.length ? ` (rows ${r.exact_duplicates.slice(0, 10).map((g) => g.rows.join("=")).join(", ")})` : ""}`,
      `near duplicates (Jaccard ≥ ${r.jaccard_threshold}): ${r.near_duplicates.length}${r.near_duplicates.length ? ` (${r.near_duplicates.slice(0, 10).map((p) => `${p.a}~${p.b} ${p.jaccard}`).join(", ")})` : ""}`,
      o.offline ? "contamination: not checked (--offline)" : `contamination with ${evals.length} eval datasets: ${r.contamination.length} rows${r.contamination.length ? ` (${r.contamination.slice(0, 10).map((x) => `row ${x.row} ~ ${x.dataset}/${x.item} ${x.kind}`).join(", ")})` : ""}`,
      share === null
        ? `synthetic/judge share: unknown (no provenance side file ${prov.path})`
        : `synthetic/judge share: ${(share * 100).toFixed(1)}% of ${prov.origins!.length} rows (maximum ${(maxShare * 100).toFixed(1)}%)${r.synthetic.above ? " — ABOVE the maximum" : ""}`,
      ...(r.length_bias ? [`length bias: ${r.length_bias.pairs} pairs, chosen/rejected length ratio mean ${r.length_bias.mean_ratio} median ${r.length_bias.median_ratio}, longer answer wins ${(r.length_bias.longer_wins_share * 100).toFixed(1)}%`] : []),
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
  }
  if (o.strict && bad > 0) process.exitCode = 1;
}

/** Every dataset's latest items as prompts (text input, or the user turns of a conversation). */
async function evalPrompts(api: AdminClient): Promise<EvalPrompts[]> {
  const list = await api.call<{ data: { name: string }[] }>("GET", "/api/v1/datasets");
  const out: EvalPrompts[] = [];
  for (const d of list.data) {
    const r = await api.call<{ data?: { id: string; input?: unknown }[]; items?: { id: string; input?: unknown }[] }>("GET", `/api/v1/datasets/${encodeURIComponent(d.name)}/items`);
    const items = (r.data ?? r.items ?? []).map((it) => ({ id: it.id, prompt: promptText(it.input) })).filter((x) => x.prompt.length > 0);
    out.push({ dataset: d.name, items });
  }
  return out;
}

function promptText(input: unknown): string {
  if (typeof input === "string") return input;
  if (!Array.isArray(input)) return "";
  return input.filter((m) => m && ["system", "developer", "user"].includes(m.role) && typeof m.content === "string").map((m) => m.content as string).join("\n");
}
