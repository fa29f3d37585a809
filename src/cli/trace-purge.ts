import { AdminClient } from "./admin-client.js";

type Conn = { url: string; token?: string };

export interface PurgeOptions {
  user?: string;
  key?: string;
  feature?: string;
  since?: string;
  until?: string;
  dryRun?: boolean;
  reason?: string;
  json?: boolean;
}

interface PurgeAnswer {
  dry_run: boolean;
  filter: Record<string, string>;
  deleted: Record<string, number>;
  dataset_items_not_purged: number;
}

/** `keel traces purge`: erase a data subject's traces (docs/privacy.md); `--dry-run` only counts. */
export async function purgeTraces(c: Conn, o: PurgeOptions): Promise<void> {
  if (!o.user && !o.key && !o.feature && !o.since && !o.until) {
    throw new Error("traces purge: give at least one of --user, --key, --feature, --since, --until");
  }
  const body: Record<string, unknown> = { dry_run: o.dryRun === true };
  if (o.user) body.user = o.user;
  if (o.key) body.key = o.key;
  if (o.feature) body.feature = o.feature;
  if (o.since) body.since = time("--since", o.since);
  if (o.until) body.until = time("--until", o.until);
  if (o.reason) body.reason = o.reason;
  const r = await new AdminClient(c.url, c.token).call<PurgeAnswer>("POST", "/api/v1/traces/purge", body);
  if (o.json) {
    process.stdout.write(`${JSON.stringify(r)}\n`);
    return;
  }
  const verb = r.dry_run ? "would delete" : "deleted";
  const who = Object.entries(r.filter).map(([k, v]) => `${k}=${v}`).join(" ");
  process.stdout.write(`${r.dry_run ? "dry run: " : ""}${who}\n`);
  for (const [table, n] of Object.entries(r.deleted)) process.stdout.write(`  ${verb} ${String(n).padStart(7)} ${table}\n`);
  if (r.dataset_items_not_purged > 0) {
    process.stdout.write(`  ${r.dataset_items_not_purged} dataset item(s) were made from these traces (ids trace-<request id>); remove them from their datasets\n`);
  }
}

/** ISO time, or epoch seconds (10 digits) or milliseconds. */
function time(flag: string, v: string): string | number {
  if (/^\d{10}$/.test(v)) return Number(v) * 1000;
  if (/^\d{13}$/.test(v)) return Number(v);
  if (Number.isNaN(Date.parse(v))) throw new Error(`${flag}: expected an ISO time or epoch seconds/milliseconds, got "${v.slice(0, 64)}"`);
  return new Date(v).toISOString();
}
