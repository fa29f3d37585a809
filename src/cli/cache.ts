import { AdminClient } from "./admin-client.js";

type Conn = { url: string; token?: string };

interface Verification {
  match: number;
  mismatch: number;
  error: number;
  dropped: number;
  pending: number;
  verified: number;
  false_hit_rate: number | null;
  false_hit_lower95: number | null;
  false_hit_upper95: number | null;
}

interface Stats {
  backend: string;
  entries: number;
  hits: number;
  semantic_hits: number;
  semantic: { vectors: number; embed_errors: number; raised_thresholds?: number; verification?: Verification | null } | null;
  misses: number;
  bypasses: number;
  hit_rate: number | null;
  stored: number;
  dropped_corrupt: number;
  dropped_oversized: number;
  skipped_oversized: number;
  skipped_sensitive: number;
  backend_errors: number;
  tokens_saved: number;
  usd_saved: number;
}

/** `keel cache stats`. */
export async function cacheStats(c: Conn, o: { json?: boolean }): Promise<void> {
  const s = await new AdminClient(c.url, c.token).call<Stats>("GET", "/api/v1/cache/stats");
  if (o.json) {
    process.stdout.write(`${JSON.stringify(s)}\n`);
    return;
  }
  if ((s as { enabled?: boolean }).enabled === false) {
    process.stdout.write("the response cache is not enabled (cache.enabled: false in keel.yaml)\n");
    return;
  }
  const rate = s.hit_rate === null ? "-" : `${(s.hit_rate * 100).toFixed(1)}%`;
  process.stdout.write(
    `backend ${s.backend}, ${s.entries} entries\n` +
    `hits ${s.hits}  semantic hits ${s.semantic_hits}  misses ${s.misses}  bypasses ${s.bypasses}  hit rate ${rate}\n` +
    (s.semantic ? `semantic index: ${s.semantic.vectors} vectors, ${s.semantic.embed_errors} embedding errors, ${s.semantic.raised_thresholds ?? 0} entries with a raised threshold\n` : "") +
    (s.semantic?.verification ? verificationLine(s.semantic.verification) : "") +
    `saved ${s.tokens_saved} tokens, $${s.usd_saved.toFixed(4)}\n` +
    `stored ${s.stored}; not stored: ${s.skipped_sensitive} sensitive, ${s.skipped_oversized} oversized; dropped on read: ${s.dropped_corrupt} corrupt, ${s.dropped_oversized} oversized; backend errors ${s.backend_errors}\n`,
  );
}

export interface CachePurgeOptions {
  route?: string;
  model?: string;
  key?: string;
  team?: string;
  prompt?: string;
  all?: boolean;
  reason?: string;
  json?: boolean;
}

/** `keel cache purge`: audited by the server. */
export async function purgeCache(c: Conn, o: CachePurgeOptions): Promise<void> {
  const body: Record<string, unknown> = {};
  for (const f of ["route", "model", "key", "team", "prompt", "reason"] as const) if (o[f] !== undefined) body[f] = o[f];
  if (o.all) body.all = true;
  if (Object.keys(body).filter((k) => k !== "reason").length === 0) throw new Error("cache purge: give at least one of --route, --model, --key, --team, --prompt, or --all");
  const r = await new AdminClient(c.url, c.token).call<{ filter: unknown; deleted: number }>("POST", "/api/v1/cache/purge", body);
  if (o.json) {
    process.stdout.write(`${JSON.stringify(r)}\n`);
    return;
  }
  process.stdout.write(`deleted ${r.deleted} cached answer(s)\n`);
}

function verificationLine(v: Verification): string {
  const p = (x: number | null): string => (x === null ? "-" : `${(x * 100).toFixed(2)}%`);
  return `semantic hits re-asked: ${v.verified} verified (${v.match} match, ${v.mismatch} mismatch), ${v.error} errors, ${v.dropped} dropped, ${v.pending} pending; ` +
    `false-hit rate ${p(v.false_hit_rate)} (95% ${p(v.false_hit_lower95)}–${p(v.false_hit_upper95)})\n`;
}
