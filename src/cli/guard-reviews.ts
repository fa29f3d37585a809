import { createWriteStream } from "node:fs";
import { once } from "node:events";
import type { ReviewItem } from "../guard/review/review-store.js";
import { AdminClient } from "./admin-client.js";
import { table } from "./table.js";

type Conn = { url: string; token?: string };
type Page = { data: ReviewItem[]; next_cursor: string | null };

const STATUSES = ["open", "confirmed", "rejected", "all"];
const out = (s: string): void => void process.stdout.write(s.endsWith("\n") ? s : `${s}\n`);

export interface GuardReviewsOptions { status?: string; scanner?: string; limit: string; json?: boolean; export?: string }

/**
 * `keel guard reviews`: the false-positive review list, newest first. With `--export FILE`, every
 * confirmed false positive that kept its excerpt, as `keel guard eval` rows labelled benign (0).
 */
export async function listGuardReviews(c: Conn, o: GuardReviewsOptions): Promise<void> {
  const client = new AdminClient(c.url, c.token);
  if (o.export) return exportConfirmed(client, o);
  const status = o.status ?? "open";
  if (!STATUSES.includes(status)) throw new Error(`--status must be one of ${STATUSES.join(", ")}`);
  const q = new URLSearchParams({ status, limit: o.limit });
  if (o.scanner) q.set("scanner", o.scanner);
  const page = await client.call<Page>("GET", `/api/v1/guard/reviews?${q}`);
  if (o.json) return out(page.data.map((r) => JSON.stringify(r)).join("\n"));
  if (page.data.length === 0) return out(`no ${status === "all" ? "" : `${status} `}review items`);
  const brief = (s: string | null): string => (s === null ? "-" : s.replace(/\s+/g, " ").slice(0, 60));
  out(table(
    ["ID", "STATUS", "SCANNER", "SOURCE", "ACTION", "SCORE", "ROUTE", "TRACE", "MARKED BY", "MARKED AT", "EXCERPT"],
    page.data.map((r) => [r.id, r.status, r.scanner, r.source, r.action, r.score.toFixed(2), r.route, r.trace_id, r.marked_by, r.marked_at, brief(r.excerpt)]),
  ));
  if (page.next_cursor) out(`(more: raise --limit, up to 500)`);
}

/** `keel guard resolve ID --confirmed|--rejected [--note]`. */
export async function resolveGuardReview(c: Conn, id: string, o: { confirmed?: boolean; rejected?: boolean; note?: string; json?: boolean }): Promise<void> {
  if (o.confirmed === o.rejected) throw new Error("pass exactly one of --confirmed (it was a false positive) or --rejected (the trigger was right)");
  const body = { resolution: o.confirmed ? "confirmed" : "rejected", ...(o.note === undefined ? {} : { note: o.note }) };
  const item = await new AdminClient(c.url, c.token).call<ReviewItem>("POST", `/api/v1/guard/reviews/${encodeURIComponent(id)}/resolve`, body);
  if (o.json) return out(JSON.stringify(item, null, 2));
  out(`Resolved ${item.id} (${item.scanner} on ${item.source}) as ${item.status} by ${item.resolved_by}`);
}

async function exportConfirmed(client: AdminClient, o: GuardReviewsOptions): Promise<void> {
  if (o.status !== undefined && o.status !== "confirmed") throw new Error("--export writes confirmed false positives only; drop --status");
  const rows: string[] = [];
  let skipped = 0;
  let cursor: string | null = null;
  do {
    const q = new URLSearchParams({ status: "confirmed", limit: "500" });
    if (o.scanner) q.set("scanner", o.scanner);
    if (cursor) q.set("cursor", cursor);
    const page: Page = await client.call<Page>("GET", `/api/v1/guard/reviews?${q}`);
    for (const r of page.data) {
      // No excerpt (capture `none`, a cut body, an aged-out trace): nothing to evaluate on.
      if (r.excerpt === null) skipped++;
      else rows.push(JSON.stringify({ text: r.excerpt, label: 0, scanner: r.scanner, source: r.source, trace_id: r.trace_id }));
    }
    cursor = page.next_cursor;
  } while (cursor);
  const file = createWriteStream(o.export!, { mode: 0o600 });
  file.end(rows.length ? `${rows.join("\n")}\n` : "");
  await once(file, "finish");
  process.stderr.write(`wrote ${rows.length} confirmed false positives to ${o.export}${skipped ? ` (${skipped} without an excerpt left out)` : ""}\n`);
}
