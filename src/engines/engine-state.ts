/**
 * One scrape of an engine's Prometheus page → the figures Keel keeps for its target. Counters
 * become rates and histograms become recent percentiles by differencing with the previous scrape
 * (the raw cumulative values are kept in `raw` for that); on the first scrape, or after a counter
 * reset, the lifetime histogram is used and rates are unknown. Pure: text, previous raw, time in.
 */
import { createRequire } from "node:module";
import type { PromFamily } from "parse-prometheus-text-format";
import { ENGINE_NAMES, type EngineKind } from "./engine-names.js";

export interface EngineRaw {
  at: number;
  counters: Record<string, number>;
  histograms: Record<string, Record<string, number>>;
}

export interface EngineFigures {
  running: number | null;
  waiting: number | null;
  /** 0..1 */
  kvUsage: number | null;
  /** 0..1, over the interval since the previous scrape when the engine exposes counters. */
  prefixHitRate: number | null;
  ttftP50Ms: number | null;
  ttftP95Ms: number | null;
  itlP50Ms: number | null;
  itlP95Ms: number | null;
  generationTokensPerS: number | null;
  /** Preemptions since the previous scrape. */
  preemptions: number | null;
  /** Accepted ÷ drafted tokens, and the mean acceptance length 1 + accepted ÷ drafts (vLLM's definition). */
  specAcceptanceRate: number | null;
  specMeanAcceptanceLength: number | null;
  /** Drafted tokens ÷ drafts: the draft length k the engine runs with. */
  specDraftLength: number | null;
}

export interface EngineReading {
  figures: EngineFigures;
  raw: EngineRaw;
}

/** A page this large is not a metrics page; refusing it bounds a scrape's memory and CPU. */
export const MAX_METRICS_BYTES = 4 * 1024 * 1024;

type Families = Map<string, PromFamily>;

function familyOf(f: Families, names: readonly string[]): PromFamily | undefined {
  for (const n of names) {
    const hit = f.get(n) ?? f.get(`${n}_total`);
    if (hit !== undefined && hit.metrics.length > 0) return hit;
  }
  return undefined;
}

/** Sum over the family's series (several models or ranks behind one engine add up). */
function scalar(f: Families, names: readonly string[]): number | null {
  const fam = familyOf(f, names);
  if (fam === undefined) return null;
  let sum = 0;
  let any = false;
  for (const m of fam.metrics) {
    const v = Number(m.value);
    if (Number.isFinite(v)) (sum += v), (any = true);
  }
  return any ? sum : null;
}

function buckets(f: Families, names: readonly string[]): Record<string, number> | null {
  const fam = familyOf(f, names);
  if (fam === undefined || fam.type !== "HISTOGRAM") return null;
  const out: Record<string, number> = {};
  for (const m of fam.metrics) for (const [le, c] of Object.entries(m.buckets ?? {})) out[le] = (out[le] ?? 0) + Number(c);
  return Object.keys(out).length > 0 ? out : null;
}

/** histogram_quantile over cumulative buckets: linear inside the bucket holding the rank. */
export function quantile(q: number, cumulative: Record<string, number>): number | null {
  const bs = Object.entries(cumulative).map(([le, c]) => [le === "+Inf" ? Infinity : Number(le), c] as const).filter(([le]) => !Number.isNaN(le)).sort((a, b) => a[0] - b[0]);
  const total = bs.at(-1)?.[1] ?? 0;
  if (bs.length === 0 || !(total > 0)) return null;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const [le, c] of bs) {
    if (c >= rank) {
      if (le === Infinity) return lower;
      return c === below ? le : lower + ((le - lower) * (rank - below)) / (c - below);
    }
    lower = le;
    below = c;
  }
  return lower;
}

function diff(cur: Record<string, number>, prev: Record<string, number> | undefined): Record<string, number> | null {
  if (prev === undefined) return null;
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(cur)) {
    const d = v - (prev[k] ?? 0);
    if (d < 0) return null; // reset
    out[k] = d;
  }
  return (out["+Inf"] ?? 0) > 0 ? out : null;
}

/** The Prometheus text parser, loaded by the first scrape: a Keel without engine targets never needs it. */
let parseProm: ((text: string) => PromFamily[]) | null = null;

export function readEngine(kind: EngineKind, text: string, prev: EngineRaw | undefined, now: number): EngineReading {
  const n = ENGINE_NAMES[kind];
  parseProm ??= createRequire(import.meta.url)("parse-prometheus-text-format") as (text: string) => PromFamily[];
  const fams: Families = new Map(parseProm(text).map((f) => [f.name, f]));
  const counters: Record<string, number> = {};
  const keep = (key: string, v: number | null): void => {
    if (v !== null) counters[key] = v;
  };
  keep("prefixQueries", scalar(fams, n.prefixQueries));
  keep("prefixHits", scalar(fams, n.prefixHits));
  keep("generationTokens", scalar(fams, n.generationTokens));
  keep("preemptions", scalar(fams, n.preemptions));
  keep("specDrafts", scalar(fams, n.specDrafts));
  keep("specDraftTokens", scalar(fams, n.specDraftTokens));
  keep("specAccepted", scalar(fams, n.specAccepted));
  const histograms: Record<string, Record<string, number>> = {};
  const ttft = buckets(fams, n.ttft);
  const itl = buckets(fams, n.itl);
  if (ttft) histograms.ttft = ttft;
  if (itl) histograms.itl = itl;

  const dt = prev === undefined ? 0 : (now - prev.at) / 1000;
  /** Increase of a counter since the previous scrape; lifetime value on the first scrape when `lifetime`. */
  const delta = (key: string, lifetime: boolean): number | null => {
    const cur = counters[key];
    if (cur === undefined) return null;
    const before = prev?.counters[key];
    if (before === undefined) return lifetime ? cur : null;
    return cur >= before ? cur - before : null;
  };
  const ratio = (a: number | null, b: number | null): number | null => (a !== null && b !== null && b > 0 ? a / b : null);
  const pct = (key: "ttft" | "itl", q: number): number | null => {
    const h = histograms[key];
    if (h === undefined) return null;
    const v = quantile(q, diff(h, prev?.histograms[key]) ?? h);
    return v === null ? null : v * 1000;
  };
  const genDelta = delta("generationTokens", false);
  // Draft figures over the interval; an interval without drafts (an idle engine) keeps the lifetime figure rather than none.
  const drafting = (a: string, b: string): number | null => ratio(delta(a, true), delta(b, true)) ?? ratio(counters[a] ?? null, counters[b] ?? null);
  const figures: EngineFigures = {
    running: scalar(fams, n.running),
    waiting: scalar(fams, n.waiting),
    kvUsage: scalar(fams, n.kvUsage),
    prefixHitRate: ratio(delta("prefixHits", true), delta("prefixQueries", true)) ?? scalar(fams, n.prefixHitRate),
    ttftP50Ms: pct("ttft", 0.5),
    ttftP95Ms: pct("ttft", 0.95),
    itlP50Ms: pct("itl", 0.5),
    itlP95Ms: pct("itl", 0.95),
    generationTokensPerS: genDelta !== null && dt > 0 ? genDelta / dt : scalar(fams, n.generationThroughput),
    preemptions: delta("preemptions", false),
    specAcceptanceRate: drafting("specAccepted", "specDraftTokens"),
    specMeanAcceptanceLength: ((): number | null => {
      const r = drafting("specAccepted", "specDrafts");
      return r === null ? scalar(fams, n.specAcceptLength) : 1 + r;
    })(),
    specDraftLength: drafting("specDraftTokens", "specDrafts"),
  };
  return { figures, raw: { at: now, counters, histograms } };
}
