import { readFileSync, writeFileSync } from "node:fs";
import type { CommitSummary, DatasetView } from "../evals/datasets/dataset-service.js";
import type { DatasetItem } from "../evals/datasets/item-schema.js";
import { formatItemsCsv, formatItemsJsonl, parseItemsCsv, parseItemsJsonl } from "../evals/datasets/item-codec.js";
import { AdminClient } from "./admin-client.js";
import { table } from "./table.js";

type Conn = { url: string; token?: string };
const path = (name: string, rest = ""): string => `/api/v1/datasets/${encodeURIComponent(name)}${rest}`;

export async function createDataset(c: Conn, name: string, o: { description?: string }): Promise<void> {
  const d = await new AdminClient(c.url, c.token).call<DatasetView>("POST", "/api/v1/datasets", { name, ...(o.description ? { description: o.description } : {}) });
  process.stdout.write(`Created dataset ${d.name}\n`);
}

export async function listDatasets(c: Conn, o: { json?: boolean }): Promise<void> {
  const { data } = await new AdminClient(c.url, c.token).call<{ data: DatasetView[] }>("GET", "/api/v1/datasets");
  if (o.json) return void process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
  process.stdout.write(`${table(["NAME", "VERSION", "ITEMS", "CREATED", "DESCRIPTION"], data.map((d) => [d.name, d.latest_version, d.item_count, d.created_at, d.description]))}\n`);
}

export async function showDataset(c: Conn, name: string, o: { version?: string; items?: boolean; json?: boolean }): Promise<void> {
  const client = new AdminClient(c.url, c.token);
  if (o.items || o.version) {
    const r = await client.call<{ version: number; data: DatasetItem[] }>("GET", path(name, `/items${o.version ? `?version=${encodeURIComponent(o.version)}` : ""}`));
    if (o.json) return void process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    const cut = (s: unknown): string => {
      const t = typeof s === "string" ? s : s === undefined ? "" : JSON.stringify(s);
      return t.length > 60 ? `${t.slice(0, 57)}…` : t;
    };
    process.stdout.write(`${name}@${r.version}: ${r.data.length} items\n`);
    return void process.stdout.write(`${table(["ID", "INPUT", "EXPECTED", "SPLIT", "TAGS", "SOURCE"], r.data.map((i) => [i.id, cut(i.input ?? i.variables), cut(i.expected), i.split, i.tags.join(","), i.provenance.source]))}\n`);
  }
  const d = await client.call<DatasetView>("GET", path(name));
  if (o.json) return void process.stdout.write(`${JSON.stringify(d, null, 2)}\n`);
  process.stdout.write(`${d.name}${d.description ? ` — ${d.description}` : ""}\nlatest version ${d.latest_version}, ${d.item_count} items\n\n`);
  process.stdout.write(`${table(["VERSION", "ITEMS", "ADDED", "REMOVED", "CREATED", "NOTE"], (d.versions ?? []).map((v) => [v.version, v.item_count, v.added, v.removed, v.created_at, v.note]))}\n`);
}

export async function importDataset(
  c: Conn, name: string, file: string,
  o: { format?: "jsonl" | "csv"; replace?: boolean; create?: boolean; note?: string; source: "human" | "synthetic"; generatorModel?: string; author?: string },
): Promise<void> {
  const format = o.format ?? (file.toLowerCase().endsWith(".csv") ? "csv" : "jsonl");
  const text = readFileSync(file === "-" ? 0 : file, "utf8");
  const label = file === "-" ? "stdin" : file;
  if (o.source === "synthetic" && !o.generatorModel) throw new Error("--source synthetic needs --generator-model");
  const provenance = o.source === "synthetic" ? { source: "synthetic", generator_model: o.generatorModel } : { source: "human" };
  const items = (format === "csv" ? parseItemsCsv(text, label) : parseItemsJsonl(text, label)).map((raw) => {
    const item = raw as Record<string, unknown>;
    // Items that name no provenance get the one given on the command line.
    if (item && typeof item === "object" && item.provenance === undefined) return { ...item, provenance: { ...provenance, ...(o.author ? { author: o.author } : {}) } };
    return item;
  });
  if (items.length === 0) throw new Error(`${label}: no items`);
  const client = new AdminClient(c.url, c.token);
  if (o.create) {
    try {
      await client.call("POST", "/api/v1/datasets", { name });
    } catch (err) {
      if (!/already exists/.test((err as Error).message)) throw err;
    }
  }
  const r = await client.call<CommitSummary>("POST", path(name, "/items"), { items, mode: o.replace ? "replace" : "append", ...(o.note ? { note: o.note } : {}) });
  process.stdout.write(r.created
    ? `${name}@${r.version}: ${r.added} added, ${r.updated} updated, ${r.removed} removed, ${r.unchanged} unchanged\n`
    : `${name}@${r.version}: nothing changed (${r.unchanged} items identical)\n`);
}

export async function exportDataset(c: Conn, name: string, o: { version?: string; split?: string; tag?: string; format: "jsonl" | "csv"; output?: string }): Promise<void> {
  const q = new URLSearchParams();
  if (o.version) q.set("version", o.version);
  if (o.split) q.set("split", o.split);
  if (o.tag) q.set("tag", o.tag);
  const r = await new AdminClient(c.url, c.token).call<{ version: number; data: DatasetItem[] }>("GET", path(name, `/items${q.size ? `?${q}` : ""}`));
  const text = o.format === "csv" ? formatItemsCsv(r.data) : formatItemsJsonl(r.data);
  if (o.output) {
    writeFileSync(o.output, text);
    process.stderr.write(`wrote ${r.data.length} items of ${name}@${r.version} to ${o.output}\n`);
  } else process.stdout.write(text);
}

export async function addTraces(
  c: Conn, name: string, ids: string[],
  o: { model?: string; feature?: string; key?: string; since?: string; until?: string; limit: string; split?: string; tag?: string[]; expected: boolean; note?: string },
): Promise<void> {
  const time = (v: string): string | number => (/^\d+$/.test(v) ? Number(v) : v);
  const body: Record<string, unknown> = { expected: o.expected ? "output" : "none", ...(o.split ? { split: o.split } : {}), ...(o.tag?.length ? { tags: o.tag } : {}), ...(o.note ? { note: o.note } : {}) };
  if (ids.length > 0) body.trace_ids = ids;
  else {
    const limit = Number(o.limit);
    if (!Number.isInteger(limit) || limit < 1) throw new Error("--limit: expected a positive integer");
    body.filter = { limit, ...(o.model ? { model: o.model } : {}), ...(o.feature ? { feature: o.feature } : {}), ...(o.key ? { key: o.key } : {}), ...(o.since ? { since: time(o.since) } : {}), ...(o.until ? { until: time(o.until) } : {}) };
  }
  const r = await new AdminClient(c.url, c.token).call<CommitSummary & { skipped: { trace_id: string; reason: string }[] }>("POST", path(name, "/traces"), body);
  process.stdout.write(`${name}@${r.version}: ${r.added} added, ${r.updated} updated, ${r.unchanged} already there${r.skipped.length ? `, ${r.skipped.length} skipped` : ""}\n`);
  for (const s of r.skipped.slice(0, 20)) process.stdout.write(`  skipped ${s.trace_id}: ${s.reason}\n`);
}
