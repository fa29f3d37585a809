import { createWriteStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { once } from "node:events";
import { type ChainReport, verifyChain } from "../audit/hash-chain.js";
import type { AuditEntry } from "../audit/types.js";
import { AdminClient } from "./admin-client.js";
import { table } from "./table.js";

type Conn = { url: string; token?: string };
interface EntryView {
  seq: number; at: string; actor: string; role: string | null; action: string; target_type: string; target: string;
  before: unknown; after: unknown; reason: string | null; prev_hash: string; hash: string;
}

const out = (s: string): void => void process.stdout.write(s.endsWith("\n") ? s : `${s}\n`);

export interface AuditListOptions { since?: string; until?: string; actor?: string; action?: string; targetType?: string; target?: string; limit: string; json?: boolean }

export async function listAudit(c: Conn, o: AuditListOptions): Promise<void> {
  const q = new URLSearchParams({ limit: o.limit });
  const add = (k: string, v: string | undefined): void => void (v !== undefined && q.set(k, v));
  add("since", o.since);
  add("until", o.until);
  add("actor", o.actor);
  add("action", o.action);
  add("target_type", o.targetType);
  add("target", o.target);
  const { data } = await new AdminClient(c.url, c.token).call<{ data: EntryView[] }>("GET", `/api/v1/audit?${q}`);
  if (o.json) return out(data.map((e) => JSON.stringify(e)).join("\n") || "");
  const brief = (v: unknown): string => (v === null || v === undefined ? "-" : JSON.stringify(v).slice(0, 60));
  out(table(["SEQ", "AT", "ACTOR", "ACTION", "TARGET", "BEFORE", "AFTER", "REASON"], data.map((e) => [e.seq, e.at, e.actor, e.action, e.target, brief(e.before), brief(e.after), e.reason])));
}

/** `keel audit export [--out FILE]`: the whole chain as JSON lines, verifiable offline with `keel audit verify --file`. */
export async function exportAudit(c: Conn, o: { out?: string }): Promise<void> {
  const text = await new AdminClient(c.url, c.token).call<string>("GET", "/api/v1/audit/export", undefined, { raw: true });
  if (!o.out) return void process.stdout.write(text);
  const file = createWriteStream(o.out, { mode: 0o600 });
  file.end(text);
  await once(file, "finish");
  process.stderr.write(`wrote ${text === "" ? 0 : text.trimEnd().split("\n").length} entries to ${o.out}\n`);
}

/** Verifies the running instance's log, or an exported file offline. Exit code 1 when anything is wrong. */
export async function verifyAudit(c: Conn, o: { file?: string; json?: boolean }): Promise<void> {
  let report: { ok: boolean; checked: number; head: ChainReport["last"]; problems: ChainReport["problems"] };
  if (o.file) {
    const lines = (await readFile(o.file, "utf8")).split("\n").filter((l) => l.trim() !== "");
    const entries: AuditEntry[] = lines.map((l, i) => {
      let e: EntryView;
      try {
        e = JSON.parse(l) as EntryView;
      } catch {
        throw new Error(`${o.file}:${i + 1}: not JSON`);
      }
      return { seq: e.seq, at: Date.parse(e.at), actor: e.actor, role: e.role, action: e.action, targetType: e.target_type, target: e.target, before: e.before, after: e.after, reason: e.reason, prevHash: e.prev_hash, hash: e.hash };
    });
    const r = verifyChain(entries);
    report = { ok: r.ok, checked: r.checked, head: r.last, problems: r.problems };
  } else {
    report = await new AdminClient(c.url, c.token).call("GET", "/api/v1/audit/verify");
  }
  if (o.json) out(JSON.stringify(report, null, 2));
  else if (report.ok) out(`ok: ${report.checked} entries, chain intact${report.head ? `; head #${report.head.seq} ${report.head.hash}` : ""}`);
  else {
    out(`TAMPERED: ${report.problems.length} problem${report.problems.length === 1 ? "" : "s"} in ${report.checked} entries`);
    for (const p of report.problems) out(`  #${p.seq} ${p.kind}: ${p.detail}`);
  }
  if (!report.ok) process.exitCode = 1;
}
