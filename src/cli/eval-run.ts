import { readFileSync } from "node:fs";
import type { PriceConfig } from "../observe/price-schema.js";
import { PriceTable } from "../observe/prices.js";
import { getDefaultEmbedder } from "../providers/embeddings/local-embedder.js";
import type { DatasetItem } from "../evals/datasets/item-schema.js";
import { buildEvaluators, needsOf } from "../evals/evaluators/registry.js";
import type { OutputCache } from "../evals/runner/cache.js";
import { GatewayChatClient } from "../evals/runner/gateway-client.js";
import { progressBar, silentProgress } from "../evals/runner/progress.js";
import { RateGate } from "../evals/runner/rate-gate.js";
import { runEval } from "../evals/runner/run-eval.js";
import type { ItemResult, MetricSpec, RunConfig, RunRecord } from "../evals/runner/run-types.js";
import { parseSuite } from "../evals/runner/suite.js";
import type { Target, TargetOutput } from "../evals/runner/target.js";
import { gatewayTarget, httpTarget } from "../evals/runner/targets.js";
import { AdminClient } from "./admin-client.js";
import { formatRun } from "./eval-format.js";

type Conn = { url: string; token?: string };
export interface RunOptions {
  key?: string; budget?: string; concurrency?: string; repeats?: string; limit?: string;
  cache: boolean; progress: boolean; meta?: string[]; json?: boolean;
}

/** Output cache kept by Keel (`/api/v1/evals/cache/:key`), so CI runners without local state share it. */
class ApiOutputCache implements OutputCache {
  constructor(private readonly client: AdminClient) {}
  async get(key: string): Promise<TargetOutput | undefined> {
    try {
      return await this.client.call<TargetOutput>("GET", `/api/v1/evals/cache/${key}`);
    } catch (err) {
      if (/\[not_found\]/.test((err as Error).message)) return undefined;
      throw err;
    }
  }
  async set(key: string, output: TargetOutput): Promise<void> {
    await this.client.call("PUT", `/api/v1/evals/cache/${key}`, output);
  }
}

function positive(v: string | undefined, flag: string, integer: boolean): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw new Error(`${flag}: expected a positive ${integer ? "integer" : "number"}`);
  return n;
}

/**
 * `keel eval run SUITE.yaml`: the run happens here, in the CLI process (targets and judges are
 * called over HTTP through the gateway or the team's endpoint); Keel stores the run, its results
 * as they come (batched), and computes the summary when the run ends.
 */
export async function runSuite(c: Conn, file: string, o: RunOptions, vars: Readonly<Record<string, string | undefined>>): Promise<void> {
  const suite = parseSuite(readFileSync(file, "utf8"), file, vars);
  const budget = positive(o.budget, "--budget", false);
  const concurrency = positive(o.concurrency, "--concurrency", true) ?? suite.concurrency;
  const repeats = positive(o.repeats, "--repeats", true) ?? suite.repeats;
  const limit = positive(o.limit, "--limit", true) ?? (typeof suite.dataset === "object" && "limit" in suite.dataset ? suite.dataset.limit : undefined);
  const metadata = Object.fromEntries((o.meta ?? []).map((kv) => {
    const i = kv.indexOf("=");
    if (i < 1) throw new Error(`--meta ${kv}: expected key=value`);
    return [kv.slice(0, i), kv.slice(i + 1)];
  }));
  const admin = new AdminClient(c.url, c.token);
  const needs = needsOf(suite.evaluators);
  if ((suite.target.type === "gateway" || needs.judge) && !o.key) throw new Error("a virtual key is needed to call the gateway: pass --key or set KEEL_API_KEY");

  const ds = suite.dataset;
  const q = new URLSearchParams();
  if ("version" in ds && ds.version) q.set("version", String(ds.version));
  if ("split" in ds && ds.split) q.set("split", ds.split);
  if ("tag" in ds && ds.tag) q.set("tag", ds.tag);
  const fetched = await admin.call<{ version: number; data: DatasetItem[] }>("GET", `/api/v1/datasets/${encodeURIComponent(ds.name)}/items${q.size ? `?${q}` : ""}`);
  const items = limit ? fetched.data.slice(0, limit) : fetched.data;
  if (items.length === 0) throw new Error(`dataset ${ds.name}@${fetched.version} has no items${q.size ? " matching the selection" : ""}`);

  const abort = new AbortController();
  const gate = new RateGate(concurrency);
  // Calls are costed as the gateway's traces cost them: the suite's `prices`, else the price Keel charges.
  const resolvePrice = async (model: string): Promise<PriceConfig | null> =>
    suite.prices[model] ?? (await admin.call<{ data: Record<string, PriceConfig | null> }>("GET", `/api/v1/evals/prices?models=${encodeURIComponent(model)}`)).data[model] ?? null;
  const chat = o.key ? new GatewayChatClient({ url: c.url, key: o.key, gate, retries: suite.retries, timeoutMs: suite.timeout_ms, prices: new PriceTable(suite.prices), resolvePrice, signal: abort.signal }) : undefined;
  const target: Target = suite.target.type === "gateway" ? gatewayTarget(suite.target, chat!) : httpTarget(suite.target, gate, { retries: suite.retries, timeoutMs: suite.timeout_ms });
  const evaluators = buildEvaluators(suite.evaluators, { judge: needs.judge ? chat : undefined, embedder: needs.embedder ? getDefaultEmbedder() : undefined });
  const metrics: MetricSpec[] = evaluators.map((e) => ({ name: e.name, kind: e.kind, family: e.family, threshold: e.threshold, ...(e.fingerprint ? { fingerprint: e.fingerprint } : {}) }));

  let baseline: Map<string, string> | undefined;
  if (suite.baseline_run) {
    const { data } = await admin.call<{ data: ItemResult[] }>("GET", `/api/v1/evals/runs/${encodeURIComponent(suite.baseline_run)}/results`);
    baseline = new Map(data.filter((r) => r.repeat === 0 && r.output).map((r) => [r.item_id, r.output!.text]));
  }

  const config: RunConfig = {
    suite: suite.name, target: { description: target.description, fingerprint: target.fingerprint, config: redactHeaders(suite.target) },
    evaluators: suite.evaluators, metrics, thresholds: suite.thresholds, repeats, budget_usd: budget ?? null, baseline_run: suite.baseline_run ?? null,
  };
  const run = await admin.call<RunRecord>("POST", "/api/v1/evals/runs", { name: suite.name, dataset: ds.name, dataset_version: fetched.version, config, metadata });
  process.stderr.write(`run ${run.id}: ${items.length} items × ${repeats} repeat${repeats > 1 ? "s" : ""} → ${target.description}\n`);

  // Results go to Keel in batches: a crash loses at most one batch, and a huge run is not one request.
  let pending: ItemResult[] = [];
  let sending: Promise<unknown> = Promise.resolve();
  const flush = (): Promise<unknown> => {
    if (pending.length === 0) return sending;
    const batch = pending;
    pending = [];
    sending = sending.then(() => admin.call("POST", `/api/v1/evals/runs/${run.id}/results`, { results: batch }));
    return sending;
  };
  const onSigint = (): void => abort.abort(new Error("interrupted"));
  process.once("SIGINT", onSigint);
  let status: "completed" | "budget_exceeded" | "cancelled" | "failed" = "failed";
  try {
    const outcome = await runEval({
      items, repeats, target, evaluators, concurrency, budgetUsd: budget, baseline, signal: abort.signal,
      cache: o.cache && suite.cache ? new ApiOutputCache(admin) : undefined,
      progress: o.progress ? progressBar(process.stderr) : silentProgress,
      onResult: (r) => {
        pending.push(r);
        if (pending.length >= 50) void flush();
      },
    });
    status = outcome.status;
  } finally {
    process.off("SIGINT", onSigint);
    await flush();
    const done = await admin.call<RunRecord>("POST", `/api/v1/evals/runs/${run.id}/finish`, { status });
    if (o.json) process.stdout.write(`${JSON.stringify(done, null, 2)}\n`);
    else process.stdout.write(formatRun(done));
    if (status !== "completed") {
      process.stderr.write(status === "budget_exceeded" ? `stopped at the $${budget} budget: the run covers part of the dataset\n` : `run ${status}\n`);
      process.exitCode = 1;
    } else if (done.summary && !done.summary.passed) process.exitCode = 1;
  }
}

/** Header values in the stored config are masked: they often hold an endpoint's secret. */
function redactHeaders(t: unknown): unknown {
  const o = t as { headers?: Record<string, string> };
  if (!o.headers) return t;
  return { ...o, headers: Object.fromEntries(Object.keys(o.headers).map((k) => [k, "***"])) };
}
