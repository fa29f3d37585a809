import { InFlight } from "../../async/in-flight.js";
import { piiHasher } from "../../secrets/pii-hash.js";
import type { PgBridge } from "../../store/postgres/pg-bridge.js";
import { deleteSpansSteps } from "../otel/pg-span-store.js";
import { type PgAsyncSql, type PgSteps, rows, runStepsAsync } from "../pg-steps.js";
import { purgeSteps } from "../pg-trace-purge.js";
import { deleteTraceIdsSteps, deleteTracesSteps, isMissingPartition, isPartitionRace, partitionDdl, traceFromRow } from "../pg-trace-rows.js";
import { listTracesSteps, PartitionCache, writeTracesSteps } from "../pg-trace-store.js";
import { deleteVerdictsSteps, insertVerdictSteps } from "../pg-verdict-store.js";
import { applyPiiPolicies } from "../pii-record.js";
import { applyRollupSteps, coveredFromSteps, pruneRollupSteps, setCoveredFromSteps } from "../rollup/pg-rollup-store.js";
import type { PurgeFilter, PurgeResult } from "../sqlite-trace-purge-store.js";
import { type ScoresProbe, summarySteps, timeseriesSteps } from "../summary/pg-summary-store.js";
import type { SummaryAnswer, SummaryQuery, TimeseriesAnswer, TimeseriesQuery } from "../summary/summary-query.js";
import type { TraceFilter, TracePage, TraceRecord } from "../types.js";
import type { PruneRequest, TraceReads, TraceWrites } from "./trace-workers.js";

export interface PgTraceWritesOptions {
  /** Rows per retention step. */
  pruneBatchRows: number;
  /** `traces.max_body_chars`: bodies are cut to it after personal data is masked. */
  maxBodyChars?: number;
  /** Hex of the key behind `capture.pii: hash` placeholders; without it `hash` masks. */
  piiHashKey?: string;
}

/** The bridge's non-blocking calls in the shape step sequences run on. */
export function asyncSql(db: PgBridge): PgAsyncSql {
  return { all: (sql, params) => db.allAsync(sql, params), run: (sql, params) => db.runAsync(sql, params), copy: (sql, data) => db.copyAsync(sql, data) };
}

/**
 * The trace writer's PostgreSQL side: what SQLite does on the writer thread (masking, the insert,
 * rollups, guard statistics, retention, the backfill, erasure) as non-blocking calls on the bridge,
 * so the gateway's event loop only builds parameters. A batch is one transaction: its ids claimed
 * in `trace_ids`, the claimed rows by COPY into `traces`, one insert into `guard_verdicts`, one
 * upsert of the guard minutes and three statements per rollup grain.
 */
export class PgTraceWrites implements TraceWrites {
  private readonly partitions = new PartitionCache();
  private readonly hasher;
  private readonly inFlight = new InFlight();

  constructor(private readonly db: PgBridge, private readonly o: PgTraceWritesOptions) {
    this.hasher = o.piiHashKey ? piiHasher(Buffer.from(o.piiHashKey, "hex")) : undefined;
  }

  insertBatch(records: readonly TraceRecord[]): Promise<void> {
    return this.inFlight.track(this.insert(records));
  }

  private async insert(records: readonly TraceRecord[]): Promise<void> {
    if (records.length === 0) return;
    // Masked on copies: the caller's records (shared with exporters) keep their policy untouched.
    const masked = records.map((r) => (r.pii ? { ...r, metadata: { ...r.metadata }, attempts: r.attempts.map((a) => ({ ...a })) } : r));
    applyPiiPolicies(masked, this.hasher, this.o.maxBodyChars ?? 64_000);
    try {
      await this.write(masked);
    } catch (err) {
      if (!isMissingPartition(err)) throw err;
      this.partitions.clear();
      await this.write(masked);
    }
  }

  private async write(records: readonly TraceRecord[]): Promise<void> {
    const days = this.partitions.missing(records);
    for (const day of days) await this.db.runAsync(partitionDdl(day)).catch((err: unknown) => {
      if (!isPartitionRace(err)) throw err;
    });
    this.partitions.add(days);
    await this.db.transactionAsync((q) => runStepsAsync(q, batchSteps(records)));
  }

  /** Whole days are dropped, the boundary day deleted in steps of `pruneBatchRows` (retention.ts's loop, awaited). */
  prune(r: PruneRequest): Promise<Record<string, number>> {
    return this.inFlight.track(this.pruneSteps(r));
  }

  private async pruneSteps(r: PruneRequest): Promise<Record<string, number>> {
    const limit = this.o.pruneBatchRows;
    const steps: [string, (n: number) => PgSteps<number>][] = [
      ["traces", (n) => deleteTracesSteps(r.before, n)],
      ["trace_ids", (n) => deleteTraceIdsSteps(r.before, n)],
      ["guard_verdicts", (n) => deleteVerdictsSteps(r.before, n)],
      ["otel_spans", (n) => deleteSpansSteps(r.before, n)],
      ["rollup_minutes", (n) => pruneRollupSteps("minute", r.before, n)],
      ["rollup_hours", (n) => pruneRollupSteps("hour", r.rollupsBefore, n)],
    ];
    const q = asyncSql(this.db);
    const deleted: Record<string, number> = {};
    try {
      for (const [name, step] of steps) {
        deleted[name] = 0;
        for (;;) {
          const n = await runStepsAsync(q, step(limit));
          deleted[name] += n;
          if (n < limit) break;
        }
      }
    } finally {
      this.partitions.clear();
    }
    return deleted;
  }

  /** Rolls up rows older than the rollups' coverage, newest first, whole milliseconds at a time. */
  backfill(): Promise<void> {
    return this.inFlight.track((async () => {
      while (await this.db.transactionAsync((q) => runStepsAsync(q, backfillStep(this.o.pruneBatchRows)))) { /* next step */ }
    })());
  }

  purge(filter: PurgeFilter, dryRun: boolean): Promise<PurgeResult> {
    return this.inFlight.track(this.db.transactionAsync((q) => runStepsAsync(q, purgeSteps(filter, dryRun))));
  }

  /** Resolves once the calls in flight have settled; the bridge is the caller's to close. */
  close(): Promise<void> {
    return this.inFlight.settle();
  }
}

function* batchSteps(records: readonly TraceRecord[]): PgSteps<void> {
  yield* writeTracesSteps(records);
  // As withGuardVerdicts does for the SQLite writer: the batch's verdicts, in the same transaction.
  yield* insertVerdictSteps(records);
}

/** One backfill step (sqlite-trace-store.ts's backfillStep); false once nothing is left. */
function* backfillStep(limit: number): PgSteps<boolean> {
  const covered = yield* coveredFromSteps();
  if (covered <= 0) return false;
  const [edgeRow] = yield* rows<{ started_at: number }>("SELECT started_at FROM traces WHERE started_at < $1 ORDER BY started_at DESC LIMIT 1 OFFSET $2", [covered, limit - 1]);
  const edge = edgeRow?.started_at;
  const found = yield* rows<Record<string, unknown>>("SELECT * FROM traces WHERE started_at >= $1 AND started_at < $2", [edge ?? Number.MIN_SAFE_INTEGER, covered]);
  yield* applyRollupSteps(found.map(traceFromRow));
  yield* setCoveredFromSteps(edge === undefined ? 0 : edge);
  return edge !== undefined;
}

/** The admin API's long reads on the bridge's non-blocking calls (the SQLite twin is the read worker). */
export class PgTraceReads implements TraceReads {
  private readonly probe: ScoresProbe = { present: false };
  private readonly inFlight = new InFlight();

  constructor(private readonly db: PgBridge) {}

  summary(q: SummaryQuery): Promise<SummaryAnswer> {
    return this.inFlight.track(runStepsAsync(asyncSql(this.db), summarySteps(q, this.probe)));
  }

  timeseries(q: TimeseriesQuery): Promise<TimeseriesAnswer> {
    return this.inFlight.track(runStepsAsync(asyncSql(this.db), timeseriesSteps(q, this.probe)));
  }

  list(f: TraceFilter): Promise<TracePage> {
    return this.inFlight.track(runStepsAsync(asyncSql(this.db), listTracesSteps(f)));
  }

  close(): Promise<void> {
    return this.inFlight.settle();
  }
}
