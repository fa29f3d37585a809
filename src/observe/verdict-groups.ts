import type { TraceRecord } from "./types.js";
import type { GuardStatsRow } from "./verdict-store.js";

/** One minute's counts for one scanner on one route: what the trigger-rate statistics read. */
export interface VerdictMinute {
  minute: number;
  route: string;
  scanner: string;
  screened: number;
  triggered: number;
  block: number;
  redact: number;
  flag: number;
  log: number;
  verdicts: number;
  latencySum: number;
  latencyMax: number;
}

/** A triggered verdict, kept as a row for drill-downs. */
export interface TriggeredVerdict {
  traceId: string;
  startedAt: number;
  route: string;
  keyId: string | null;
  feature: string | null;
  scanner: string;
  source: string;
  action: string;
  score: number;
  latencyMs: number;
}

export const MINUTE = 60_000;

/**
 * Pure: a batch's guard verdicts as per-minute counts per route and scanner, plus the triggered
 * verdicts. A call counts once per scanner (screened, triggered) however many sources it screened;
 * actions count per triggered verdict. Both backends' verdict stores write what this returns.
 */
export function groupVerdicts(records: readonly TraceRecord[]): { minutes: VerdictMinute[]; triggered: TriggeredVerdict[] } {
  const groups = new Map<string, VerdictMinute>();
  const triggered: TriggeredVerdict[] = [];
  for (const r of records) {
    if (!r.guard || r.guard.length === 0) continue;
    const minute = Math.floor(r.startedAt / MINUTE);
    const route = r.modelRequested ?? "";
    const seen = new Map<string, boolean>();
    for (const v of r.guard) {
      const key = `${minute}\u0000${route}\u0000${v.scanner}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { minute, route, scanner: v.scanner, screened: 0, triggered: 0, block: 0, redact: 0, flag: 0, log: 0, verdicts: 0, latencySum: 0, latencyMax: 0 }));
      const before = seen.get(v.scanner);
      if (before === undefined) g.screened++;
      if (v.triggered && !before) g.triggered++;
      seen.set(v.scanner, (before ?? false) || v.triggered);
      g.verdicts++;
      g.latencySum += v.latency_ms;
      if (v.latency_ms > g.latencyMax) g.latencyMax = v.latency_ms;
      if (v.triggered) {
        if (v.action === "block" || v.action === "redact" || v.action === "flag" || v.action === "log") g[v.action]++;
        triggered.push({ traceId: r.id, startedAt: r.startedAt, route, keyId: r.keyId, feature: r.feature, scanner: v.scanner, source: v.source, action: v.action, score: v.score, latencyMs: v.latency_ms });
      }
    }
  }
  return { minutes: [...groups.values()], triggered };
}

/** One grouped statistics row (scanner, route, sums; avg_ms and max_ms) as the API reports it. */
export function guardStatsRow(r: Record<string, unknown>): GuardStatsRow {
  const screened = Number(r.screened);
  const triggered = Number(r.triggered);
  return {
    scanner: String(r.scanner), route: String(r.route), screened, triggered,
    trigger_rate: screened ? Math.round((triggered / screened) * 10_000) / 10_000 : 0,
    actions: { block: Number(r.block), redact: Number(r.redact), flag: Number(r.flag), log: Number(r.log) },
    avg_latency_ms: Math.round(Number(r.avg_ms) * 1000) / 1000, max_latency_ms: Math.round(Number(r.max_ms) * 1000) / 1000,
  };
}
