/**
 * Scrapes the engines behind self-hosted targets on an interval, off the request path: one timer
 * (unref'd) walks the targets that are due; each scrape has a timeout and a size bound, and a
 * failing endpoint backs off (interval × 2^failures, at most 5 minutes). A target whose last good
 * scrape is older than three intervals is `stale`: its figures are shown as such and never used to
 * decide anything. Request handling never waits on a scrape.
 */
import { request } from "undici";
import type { EngineKind } from "./engine-names.js";
import type { EngineConfig } from "./engine-schema.js";
import { type EngineFigures, type EngineRaw, MAX_METRICS_BYTES, readEngine } from "./engine-state.js";

export interface EngineView {
  kind: EngineKind;
  metricsUrl: string;
  stale: boolean;
  lastScrapeAt: number | null;
  lastOkAt: number | null;
  lastError: string | null;
  figures: EngineFigures | null;
}

interface Entry {
  target: string;
  cfg: EngineConfig;
  raw: EngineRaw | undefined;
  figures: EngineFigures | null;
  lastScrapeAt: number | null;
  lastOkAt: number | null;
  lastError: string | null;
  failures: number;
  dueAt: number;
  inFlight: boolean;
}

const MAX_BACKOFF_MS = 300_000;

export type FetchText = (url: string, timeoutMs: number) => Promise<string>;

/**
 * GET with a timeout; refuses a non-2xx status or a page over MAX_METRICS_BYTES. undici's
 * `request` on its global keep-alive agent, not `fetch`: a scrape is then ~0.2 ms of CPU instead of
 * ~1 ms (bench/engine-scrape.ts), which is what keeps 50 targets every 5 s under 1% of a core.
 */
export const fetchMetrics: FetchText = async (url, timeoutMs) => {
  const res = await request(url, { method: "GET", headers: { accept: "text/plain" }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, signal: AbortSignal.timeout(timeoutMs) });
  if (res.statusCode < 200 || res.statusCode > 299) {
    res.body.destroy();
    throw new Error(`HTTP ${res.statusCode}`);
  }
  const declared = Number(res.headers["content-length"] ?? "0");
  if (declared > MAX_METRICS_BYTES) {
    res.body.destroy();
    throw new Error(`page of ${declared} bytes is over ${MAX_METRICS_BYTES}`);
  }
  let text = "";
  for await (const chunk of res.body) {
    text += chunk;
    if (text.length > MAX_METRICS_BYTES) {
      res.body.destroy();
      throw new Error(`page is over ${MAX_METRICS_BYTES} characters`);
    }
  }
  return text;
};

export class EngineScraper {
  private readonly entries = new Map<string, Entry>();
  private timer: NodeJS.Timeout | null = null;

  constructor(targets: ReadonlyMap<string, EngineConfig>, private readonly fetchText: FetchText = fetchMetrics, private readonly now: () => number = Date.now) {
    for (const [target, cfg] of targets) {
      this.entries.set(target, { target, cfg, raw: undefined, figures: null, lastScrapeAt: null, lastOkAt: null, lastError: null, failures: 0, dueAt: 0, inFlight: false });
    }
  }

  get size(): number {
    return this.entries.size;
  }

  /** The targets that declare an engine, in configuration order. */
  targets(): string[] {
    return [...this.entries.keys()];
  }

  start(tickMs = 250): void {
    if (this.timer !== null || this.entries.size === 0) return;
    this.timer = setInterval(() => void this.tick(), tickMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** Scrapes every due target; resolves when those scrapes have settled (tests await it). */
  async tick(): Promise<void> {
    const now = this.now();
    const due = [...this.entries.values()].filter((e) => !e.inFlight && e.dueAt <= now);
    await Promise.all(due.map((e) => this.scrape(e)));
  }

  private async scrape(e: Entry): Promise<void> {
    e.inFlight = true;
    const started = this.now();
    try {
      const text = await this.fetchText(e.cfg.metrics_url, e.cfg.timeout_ms);
      const at = this.now();
      const r = readEngine(e.cfg.kind as EngineKind, text, e.raw, at);
      e.raw = r.raw;
      e.figures = r.figures;
      e.lastOkAt = at;
      e.lastError = null;
      e.failures = 0;
      e.dueAt = started + e.cfg.interval_ms;
    } catch (err) {
      e.failures++;
      e.lastError = err instanceof Error ? err.message.slice(0, 300) : String(err).slice(0, 300);
      e.dueAt = started + Math.min(MAX_BACKOFF_MS, e.cfg.interval_ms * 2 ** e.failures);
    } finally {
      e.lastScrapeAt = this.now();
      e.inFlight = false;
    }
  }

  view(target: string): EngineView | null {
    const e = this.entries.get(target);
    if (e === undefined) return null;
    const stale = this.isStale(e);
    return { kind: e.cfg.kind as EngineKind, metricsUrl: e.cfg.metrics_url, stale, lastScrapeAt: e.lastScrapeAt, lastOkAt: e.lastOkAt, lastError: e.lastError, figures: e.figures };
  }

  private isStale(e: Entry): boolean {
    return e.lastOkAt === null || this.now() - e.lastOkAt > 3 * e.cfg.interval_ms;
  }

  /**
   * The engine's own load — requests running + waiting — for least-busy routing; null when the
   * target has no engine, its figures are stale, or the engine reports neither. Called on the
   * request path, so it reads the entry directly instead of building a view.
   */
  load(target: string): number | null {
    const e = this.entries.get(target);
    if (e === undefined || e.figures === null || this.isStale(e)) return null;
    const { running, waiting } = e.figures;
    if (running === null && waiting === null) return null;
    return (running ?? 0) + (waiting ?? 0);
  }

  /** The engine's KV-cache usage (0–1) when fresh, for routing away from a full cache; null otherwise. */
  kvUsage(target: string): number | null {
    const e = this.entries.get(target);
    if (e === undefined || e.figures === null || this.isStale(e)) return null;
    return e.figures.kvUsage;
  }

  /** Figures fresh enough to act on (routing, alerts); null when stale or never scraped. */
  fresh(target: string): EngineFigures | null {
    const v = this.view(target);
    return v === null || v.stale ? null : v.figures;
  }
}
