import type { TraceRecord } from "../observe/types.js";
import type { PriceConfig } from "../observe/price-schema.js";
import type { CredentialService } from "../credentials/credential-service.js";
import type { Logger } from "../observe/log.js";
import type { TraceWriter } from "../observe/trace-writer.js";
import type { TraceStore } from "../observe/types.js";
import { getDefaultEmbedder } from "../providers/embeddings/local-embedder.js";
import type { SettingsStore } from "../store/settings-store.js";
import { CalibrationService } from "./calibration/calibration-service.js";
import type { CalibrationStore } from "./calibration/calibration-store.js";
import { DatasetService } from "./datasets/dataset-service.js";
import type { DatasetStore } from "./datasets/types.js";
import { OnlineEvaluator } from "./online/online-evaluator.js";
import { StoredTraceFeed } from "./online/trace-feed.js";
import type { OnlineRuleStore, ScoreStore } from "./online/types.js";
import { GatewayChatClient } from "./runner/gateway-client.js";
import { RateGate } from "./runner/rate-gate.js";
import { RunService } from "./runner/run-service.js";
import type { RunStore } from "./runner/run-types.js";

/** Evaluation's stores, built with the others (`storage/sqlite-stores.ts`). */
export interface EvalStores {
  readonly datasets: DatasetStore;
  readonly runs: RunStore;
  readonly calibrations: CalibrationStore;
  readonly scores: ScoreStore;
  readonly rules: OnlineRuleStore;
}

export interface EvalAppDeps {
  readonly stores: EvalStores;
  readonly traceStore: TraceStore;
  readonly traces: TraceWriter;
  readonly credentials: CredentialService;
  readonly settings: SettingsStore;
  /** `server.request_timeout_ms` (no gateway call outlives it). A number, not the config: evals/ sits below config/. */
  readonly requestTimeoutMs: number;
  readonly log: Logger;
  /** The gateway's model registry: the prices eval runs cost their calls with. */
  readonly models: { resolve(name: string): { readonly price: PriceConfig | null } | null | undefined };
  /** A call's retrieved context for online RAG evaluators (app.ts reads retrieval spans and the knowledge store). */
  readonly contextOf?: (t: TraceRecord) => readonly string[] | undefined;
}

/** The evaluation services the admin API serves (`admin/eval-api.ts`). */
export interface EvalServices {
  readonly datasets: DatasetService;
  readonly runs: RunService;
  readonly calibrations: CalibrationService;
  readonly scores: ScoreStore;
  readonly rules: OnlineRuleStore;
  readonly online: OnlineEvaluator;
  /** The price the gateway charges a model, for costing eval calls as traces do. */
  priceOf(model: string): PriceConfig | null;
}

export interface EvalApp extends EvalServices {
  /** Starts online evaluation once the server knows its own URL (judges call it). */
  start(url: string): void;
  close(): Promise<void>;
}

/** Online evaluation polls for finished traces this often; a pass takes at most this many traces. */
const ONLINE_INTERVAL_MS = 5000;
const ONLINE_BATCH = 200;

/** Everything evaluation adds to a running Keel: its stores, services and the online evaluator. */
export function createEvals(d: EvalAppDeps): EvalApp {
  const datasets = new DatasetService(d.stores.datasets);
  const calibrations = new CalibrationService(d.stores.calibrations, d.stores.runs);
  const runs = new RunService(d.stores.runs, calibrations);
  const { scores, rules } = d.stores;
  const judgeGate = new RateGate(4);
  let url: string | null = null;
  const online = new OnlineEvaluator({
    feed: new StoredTraceFeed(d.traceStore, d.settings, { maxCallMs: d.requestTimeoutMs }),
    rules, scores, log: d.log,
    judgeFor: (credential) => {
      const key = d.credentials.reveal(credential);
      return key && url ? new GatewayChatClient({ url, key, gate: judgeGate, retries: 2, timeoutMs: 120_000, resolvePrice: async (m) => d.models.resolve(m)?.price ?? null }) : undefined;
    },
    embedder: getDefaultEmbedder,
    flush: () => d.traces.flush(),
    ...(d.contextOf ? { contextOf: d.contextOf } : {}),
  }, { intervalMs: ONLINE_INTERVAL_MS, batch: ONLINE_BATCH });
  return {
    datasets, runs, calibrations, scores, rules, online,
    priceOf: (m) => d.models.resolve(m)?.price ?? null,
    start(u) {
      url = u;
      online.start();
    },
    close: () => online.stop(),
  };
}
