import { readFileSync, writeFileSync } from "node:fs";
import { auditRows, type EvalPrompts } from "../annotate/data-audit.js";
import { AdminClient } from "./admin-client.js";

type Conn = { url: string; token?: string };
const FORMATS = ["sft", "dpo", "kto", "openai-dpo"];
/** Largest file `keel data audit` reads (it holds the rows in memory). */
const MAX_AUDIT_BYTES = 512 * 1024 * 1024;

/** Side files beside the JSONL: `x.jsonl` → `x.provenance.jsonl`, `x.card.md`. */
export function sidePaths(out: string): { provenance: string; card: string } {
  const base = out.endsWith(".jsonl") ? out.slice(0, -6) : out;
  return { provenance: `${base}.provenance.jsonl`, card: `${base}.card.md` };
}

export async function dataExport(c: Conn, o: { queue: string; format: string; out?: string; force?: boolean; balance?: boolean }): Promise<void> {
  if (!FORMATS.includes(o.format)) throw new Error(`--format ${JSON.stringify(o.format)}: expected one of ${FORMATS.join(", ")}`);
  const r = await new AdminClient(c.url, c.token).call<{ jsonl: string; provenance: string; card: string; rows: number; sha256: string; forced: boolean }>(
    "GET", `/api/v1/annotate/queues/${encodeURIComponent(o.queue)}/export?format=${o.format}&force=${o.force ? "true" : "false"}&balance=${o.balance ? "true" : "false"}`,
  );
  const out = o.out ?? `${o.queue}.${o.format}.jsonl`;
  const side = sidePaths(out);
  writeFileSync(out, r.jsonl);
  writeFileSync(side.provenance, r.provenance);
  writeFileSync(side.card, r.card);
  process.stdout.write(`wrote ${r.rows} ${o.format} rows to ${out} (sha256 ${r.sha256}), provenance ${side.provenance}, card ${side.card}${r.forced ? " — below the agreement threshold (forced)" : ""}\n`);
}

export async function dataAudit(c: Conn, file: string, o: { threshold?: string; offline?: boolean; strict?: boolean; json?: boolean }): Promise<void> {
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
  const r = auditRows(text.split("\n"), evals, { threshold });
  const bad = r.exact_duplicates.length + r.near_duplicates.length + r.contamination.length;
  if (o.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
  else {
    const lines = [
      `${file}: ${r.rows} ${r.format} rows${r.unreadable.length ? `, unreadable lines ${r.unreadable.join(", ")}` : ""}`,
      `exact duplicates: ${r.exact_duplicates.length} groups${r.exact_duplicates.length ? ` (rows ${r.exact_duplicates.slice(0, 10).map((g) => g.rows.join("=")).join(", ")})` : ""}`,
      `near duplicates (Jaccard ≥ ${r.jaccard_threshold}): ${r.near_duplicates.length}${r.near_duplicates.length ? ` (${r.near_duplicates.slice(0, 10).map((p) => `${p.a}~${p.b} ${p.jaccard}`).join(", ")})` : ""}`,
      o.offline ? "contamination: not checked (--offline)" : `contamination with ${evals.length} eval datasets: ${r.contamination.length} rows${r.contamination.length ? ` (${r.contamination.slice(0, 10).map((x) => `row ${x.row} ~ ${x.dataset}/${x.item} ${x.kind}`).join(", ")})` : ""}`,
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
