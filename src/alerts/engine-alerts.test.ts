/** Alert rules on scraped engine figures: owned and bounded like every rule, fired from the sim's vLLM page. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { EngineScraper } from "../engines/engine-scraper.js";
import { silentLogger } from "../observe/log.js";
import { simOptionsSchema } from "../providers/sim/options.js";
import { startSimServer } from "../providers/sim/server.js";
import { openMemorySqlite } from "../storage/sqlite.js";
import { AlertService } from "./alert-service.js";
import { judgeEngines } from "./evaluate.js";
import type { Notifier } from "./notifier.js";
import { alertRuleSchema, alertsConfigSchema } from "./rule-schema.js";
import { SqliteAlertStore } from "./sqlite-alert-store.js";

const draft = { name: "draft-overhead", owner: "ml-infra", metric: "engine_spec_acceptance_rate", threshold: { op: "<", value: 0.5 }, notify: { log: true } };
const kv = { name: "kv-pressure", owner: "ml-infra", metric: "engine_kv_cache_usage", engine: { target: "sim/sim-1", with_preemptions: true }, threshold: { op: ">", value: 0.95 }, notify: { log: true } };

test("engine rules: an owner is required; threshold only; per target, not per slice; min_samples defaults to one engine", () => {
  const { owner: _o, ...noOwner } = draft;
  assert.deepEqual(alertRuleSchema.safeParse(noOwner).error?.issues[0].path, ["owner"]);
  assert.deepEqual(alertRuleSchema.safeParse({ ...draft, threshold: undefined, change: { direction: "down", by: 0.2 } }).error?.issues[0].path, ["change"]);
  assert.deepEqual(alertRuleSchema.safeParse({ ...draft, slice: { model: "x" } }).error?.issues[0].path, ["slice"]);
  assert.deepEqual(alertRuleSchema.safeParse({ ...draft, metric: "error_rate", engine: {} }).error?.issues[0].path, ["engine"]);
  assert.equal(alertRuleSchema.safeParse({ ...kv, engine: { target: "x".repeat(600) } }).success, false);
  assert.equal(alertRuleSchema.safeParse({ ...draft, metric: "engine_gpu_temperature" }).success, false);
  assert.equal(alertRuleSchema.parse(draft).min_samples, 1);
  assert.equal(alertRuleSchema.parse({ ...draft, metric: "error_rate", threshold: { op: ">", value: 0.1 } }).min_samples, 20, "trace rules keep their default");
});

test("judging: any engine breaching breaches; with_preemptions needs preemptions; stale engines are no data", () => {
  const figures = (kvUsage: number, preemptions: number | null) => ({ running: 1, waiting: 0, kvUsage, prefixHitRate: null, ttftP50Ms: null, ttftP95Ms: null, itlP50Ms: null, itlP95Ms: null, generationTokensPerS: null, preemptions, specAcceptanceRate: null, specMeanAcceptanceLength: null, specDraftLength: null });
  const state: Record<string, ReturnType<typeof figures> | null> = { a: figures(0.5, 0), b: figures(0.99, 0), c: null };
  const reader = { targets: () => Object.keys(state), fresh: (t: string) => state[t] ?? null };
  const any = alertRuleSchema.parse({ ...kv, engine: {} });
  assert.deepEqual(judgeEngines(any, reader), { kind: "breached", value: 0.99, baseline: null, samples: 2 });
  const withPre = alertRuleSchema.parse({ ...kv, engine: { with_preemptions: true } });
  assert.deepEqual(judgeEngines(withPre, reader), { kind: "clear", value: 0.99, baseline: null, samples: 2 });
  state.b = figures(0.99, 3);
  assert.equal(judgeEngines(withPre, reader).kind, "breached");
  assert.deepEqual(judgeEngines(alertRuleSchema.parse({ ...kv, engine: { target: "c" } }), reader), { kind: "no_data", samples: 0 });
});

test("fired from the sim's scraped /metrics: low draft acceptance, and a full KV cache with preemptions; resolves when the preemptions stop", async () => {
  // 8 blocks of 16 tokens, a draft model of 4 tokens accepted with α = 0.3.
  const sim = await startSimServer({ port: 0, host: "127.0.0.1", sim: simOptionsSchema.parse({ kind: "sim", models: ["sim-1"], prefix_cache_blocks: 8, speculative: { draft_tokens: 4, acceptance: 0.3 } }) });
  try {
    let now = 1_000_000;
    const scraper = new EngineScraper(new Map([["sim/sim-1", { kind: "vllm", metrics_url: `${sim.url}/metrics`, interval_ms: 1000, timeout_ms: 2000 }]]), undefined, () => now);
    const notified: string[] = [];
    const notifier: Notifier = { notify: async (r, p) => { notified.push(`${r.name}:${p.type}`); return "not_sent"; } };
    const alerts = new AlertService(alertsConfigSchema.parse({ rules: [draft, kv] }), new SqliteAlertStore(openMemorySqlite()), () => undefined, notifier, silentLogger);
    alerts.useEngines(scraper);
    const status = (name: string): string => alerts.get(name).state.status;

    await scraper.tick();
    await alerts.evaluate(now);
    assert.equal(status("draft-overhead"), "ok", "no drafts yet: no data");
    assert.equal(alerts.get("kv-pressure").state.value, 0);

    // A 600-token prompt needs more blocks than the cache has: the engine preempts, the cache is full.
    const res = await fetch(`${sim.url}/v1/chat/completions`, {
      method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "sim-1", messages: [{ role: "user", content: "a long support ticket about sourdough starters ".repeat(80) }], max_tokens: 60 }),
    });
    assert.equal(res.status, 200, await res.text());
    now += 1000;
    await scraper.tick();
    const f = scraper.fresh("sim/sim-1")!;
    assert.equal(f.kvUsage, 1);
    assert.equal(f.preemptions, 1);
    assert.ok(f.specAcceptanceRate! < 0.2, String(f.specAcceptanceRate));
    await alerts.evaluate(now);
    assert.equal(status("draft-overhead"), "firing");
    assert.equal(status("kv-pressure"), "firing");
    assert.deepEqual(notified.sort(), ["draft-overhead:alert.firing", "kv-pressure:alert.firing"]);

    // Next scrape: the cache is still full but nothing was preempted; no new drafts (the lifetime acceptance keeps that one firing).
    now += 1000;
    await scraper.tick();
    await alerts.evaluate(now);
    assert.equal(status("kv-pressure"), "resolved");
    assert.equal(status("draft-overhead"), "firing");
    assert.ok(notified.includes("kv-pressure:alert.resolved"));

    // A stale engine is no data, never a resolution.
    await sim.close();
    now += 10_000;
    await scraper.tick();
    assert.equal(scraper.fresh("sim/sim-1"), null);
    await alerts.evaluate(now);
    assert.equal(status("draft-overhead"), "firing");
  } finally {
    await sim.close().catch(() => undefined);
  }
});
