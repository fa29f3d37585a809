import { readFileSync } from "node:fs";
import { AdminClient } from "./admin-client.js";
import { table } from "./table.js";

type Conn = { url: string; token?: string };
const path = (q: string): string => `/api/v1/annotate/queues/${encodeURIComponent(q)}`;
const out = (v: unknown): void => void process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);

interface QueueView { name: string; items: number; states: Record<string, number>; reviewers: { name: string; expertise: string }[]; reviewers_per_item: number; min_agreement: number | null }

export async function annotateQueues(c: Conn, o: { create?: string; json?: boolean }): Promise<void> {
  const api = new AdminClient(c.url, c.token);
  if (o.create) {
    let spec: unknown;
    try {
      spec = JSON.parse(readFileSync(o.create, "utf8"));
    } catch (err) {
      throw new Error(`cannot read queue spec ${o.create}: ${(err as Error).message}`);
    }
    const r = await api.call<{ queue: QueueView; build: { scanned: number; excluded: Record<string, number> } }>("POST", "/api/v1/annotate/queues", spec);
    if (o.json) return out(r);
    const ex = Object.entries(r.build.excluded).map(([k, n]) => `${k} ${n}`).join(", ");
    return void process.stdout.write(`created queue ${r.queue.name}: ${r.queue.items} items from ${r.build.scanned} traces scanned${ex ? ` (left out: ${ex})` : ""}\n`);
  }
  const r = await api.call<{ data: QueueView[] }>("GET", "/api/v1/annotate/queues");
  if (o.json) return out(r);
  const rows = r.data.map((q) => [q.name, q.items, q.states.pending, q.states.in_review, q.states.done, q.states.skipped, q.reviewers.map((x) => `${x.name}(${x.expertise[0]})`).join(" "), q.min_agreement ?? "-"]);
  process.stdout.write(`${table(["QUEUE", "ITEMS", "PENDING", "IN REVIEW", "DONE", "SKIPPED", "REVIEWERS", "MIN ALPHA"], rows)}\n`);
}

export async function annotateNext(c: Conn, queue: string, o: { reviewer: string; json?: boolean }): Promise<void> {
  const r = await new AdminClient(c.url, c.token).call<{ item: null | { id: string; trace_id: string; input: { role: string; content: string }[]; output: string; labels: number } }>("GET", `${path(queue)}/next?reviewer=${encodeURIComponent(o.reviewer)}`);
  if (o.json) return out(r);
  if (!r.item) return void process.stdout.write(`nothing left for ${o.reviewer} in ${queue}\n`);
  const i = r.item;
  process.stdout.write([`item ${i.id} (trace ${i.trace_id}, ${i.labels} labels so far)`, ...i.input.map((m) => `[${m.role}] ${m.content}`), `[answer] ${i.output}`, ""].join("\n"));
}

export async function annotateLabel(c: Conn, queue: string, item: string, o: { reviewer: string; value?: string[]; critique?: string; correction?: string; json?: boolean }): Promise<void> {
  const values: Record<string, string | number> = {};
  for (const kv of o.value ?? []) {
    const eq = kv.indexOf("=");
    if (eq <= 0) throw new Error(`--value ${JSON.stringify(kv)}: expected dimension=value`);
    const v = kv.slice(eq + 1);
    // Integers go as numbers (ordinal and interval scales); anything else is a nominal label.
    values[kv.slice(0, eq)] = /^-?\d+$/.test(v) ? Number(v) : v;
  }
  const body = { reviewer: o.reviewer, values, ...(o.critique ? { critique: o.critique } : {}), ...(o.correction ? { correction: o.correction } : {}) };
  const r = await new AdminClient(c.url, c.token).call<{ item: string; state: string }>("POST", `${path(queue)}/items/${encodeURIComponent(item)}/labels`, body);
  if (o.json) return out(r);
  process.stdout.write(`labelled ${r.item} as ${o.reviewer}; item is ${r.state}\n`);
}

interface Est { value: number | null; reason?: string }
interface Report {
  dimensions: { dimension: string; metric: string; units: number; alpha: Est; alpha_ci: { low: number; high: number } | null }[];
  pairs: { a: string; b: string; dimension: string; n: number; kappa: Est; percent: Est }[];
  reviewers: { reviewer: string; expertise: string; dimension: string; n: number; agreement: Est; kappa: Est }[];
  overall: number | null;
  min_agreement: number | null;
  meets_threshold: boolean;
}

export async function annotateAgreement(c: Conn, queue: string, o: { json?: boolean }): Promise<void> {
  const r = await new AdminClient(c.url, c.token).call<Report>("GET", `${path(queue)}/agreement`);
  if (o.json) return out(r);
  const f = (e: Est): string => (e.value === null ? `- (${e.reason})` : e.value.toFixed(3));
  process.stdout.write([
    table(["DIMENSION", "METRIC", "UNITS", "ALPHA", "95% CI"], r.dimensions.map((d) => [d.dimension, d.metric, d.units, f(d.alpha), d.alpha_ci ? `${d.alpha_ci.low.toFixed(3)}..${d.alpha_ci.high.toFixed(3)}` : "-"])),
    "",
    r.pairs.length ? table(["PAIR", "DIMENSION", "N", "KAPPA", "SAME"], r.pairs.map((p) => [`${p.a}/${p.b}`, p.dimension, p.n, f(p.kappa), f(p.percent)])) : "no reviewer pair labelled the same item",
    "",
    r.reviewers.length ? table(["REVIEWER", "EXPERTISE", "DIMENSION", "N", "VS EXPERTS", "KAPPA"], r.reviewers.map((x) => [x.reviewer, x.expertise, x.dimension, x.n, f(x.agreement), f(x.kappa)])) : "no reviewer can be compared with another expert's labels",
    "",
    `overall alpha ${r.overall === null ? "undefined" : r.overall.toFixed(3)}; min_agreement ${r.min_agreement ?? "none"}: ${r.meets_threshold ? "met" : "NOT met (export needs --force)"}`,
    "",
  ].join("\n"));
}
