import { affected, type PgSteps, rows } from "./pg-steps.js";
import type { PurgeFilter, PurgeResult, PurgeTable } from "./sqlite-trace-purge-store.js";

const IDS = "(SELECT value FROM json_array_elements_text($1::text::json))";

/**
 * Erasure of a data subject's calls in PostgreSQL, in the caller's transaction: the same tables
 * and rules as sqlite-trace-purge-store.ts (spans go only with the last call of their W3C trace;
 * dataset items are counted, not deleted). Tables of domains this schema does not hold count 0.
 * PostgreSQL keeps deleted tuples until VACUUM reclaims them; the rows are gone from every query.
 */
export function* purgeSteps(filter: PurgeFilter, dryRun: boolean): PgSteps<PurgeResult> {
  const { where, args } = whereOf(filter);
  const found = yield* rows<{ id: string; trace_id: string | null }>(`SELECT id, trace_id FROM traces WHERE ${where}`, args);
  const ids = JSON.stringify(found.map((r) => r.id));
  const w3c = JSON.stringify([...new Set(found.map((r) => r.trace_id).filter((t): t is string => t !== null))]);
  const present = new Set((yield* rows<{ t: string }>(
    `SELECT t FROM unnest(ARRAY['guard_reviews', 'trace_scores', 'trace_feedback', 'eval_dataset_items']) AS t WHERE to_regclass(t) IS NOT NULL`, [])).map((r) => r.t));
  const targets: [PurgeTable, string, string][] = [
    ["guard_verdicts", `trace_id IN ${IDS}`, ids],
    ["guard_reviews", `trace_id IN ${IDS}`, ids],
    ["trace_scores", `trace_id IN ${IDS}`, ids],
    ["trace_feedback", `trace_id IN ${IDS}`, ids],
    // $1 is the W3C trace ids here; $2 the purged call ids.
    ["otel_spans", `trace_id IN ${IDS} AND NOT EXISTS (SELECT 1 FROM traces t WHERE t.trace_id = otel_spans.trace_id
      AND t.id NOT IN (SELECT value FROM json_array_elements_text($2::text::json)))`, w3c],
    ["traces", `id IN ${IDS}`, ids],
  ];
  const deleted = {} as Record<PurgeTable, number>;
  for (const [table, cond, param] of targets) {
    if (table !== "guard_verdicts" && table !== "otel_spans" && table !== "traces" && !present.has(table)) {
      deleted[table] = 0;
      continue;
    }
    const params = table === "otel_spans" ? [param, ids] : [param];
    deleted[table] = dryRun
      ? (yield* rows<{ n: number }>(`SELECT count(*) AS n FROM ${table} WHERE ${cond}`, params))[0].n
      : yield* affected(`DELETE FROM ${table} WHERE ${cond}`, params);
  }
  if (!dryRun) yield* affected(`DELETE FROM trace_ids WHERE id IN ${IDS}`, [ids]);
  const datasetItems = present.has("eval_dataset_items")
    ? (yield* rows<{ n: number }>(`SELECT count(*) AS n FROM eval_dataset_items WHERE removed_in IS NULL
        AND item_id IN (SELECT 'trace-' || value FROM json_array_elements_text($1::text::json))`, [ids]))[0].n
    : 0;
  return { dryRun, deleted, datasetItems };
}

function whereOf(f: PurgeFilter): { where: string; args: unknown[] } {
  const where: string[] = [];
  const args: unknown[] = [];
  const arg = (v: unknown): string => `$${args.push(v)}`;
  if (f.user !== undefined) where.push(`user_id = ${arg(f.user)}`);
  if (f.keyId !== undefined) where.push(`key_id = ${arg(f.keyId)}`);
  if (f.feature !== undefined) where.push(`feature = ${arg(f.feature)}`);
  if (f.since !== undefined) where.push(`started_at >= ${arg(f.since)}`);
  if (f.until !== undefined) where.push(`started_at < ${arg(f.until)}`);
  // The API and CLI refuse an empty filter too; this is the last line against "delete everything".
  if (where.length === 0) throw new RangeError("a purge needs at least one filter");
  return { where: where.join(" AND "), args };
}
