/**
 * Prefix-affinity routing, measured in simulation (issue 3, sections 3 and 7): N replicas with
 * the simulator's prefix-cache model, T tenants with long private prefixes and short questions in
 * bursts, and five routing policies over the same requests. Virtual time, so the run is
 * deterministic for a seed and takes seconds. `npm run bench:routing` (with routing-cost.ts).
 *
 * The regime is the one routing is for: each replica's cache holds about three tenants' prefixes
 * (600 blocks ≈ 9 600 tokens), the pool's caches together about all of them. A sensitivity table
 * follows the main one: other load factors, and caches big enough that placement matters less.
 *
 * Env: SIM_REPLICAS (8), SIM_TENANTS (24), SIM_REQUESTS (20000), SIM_RPS (mean requests/s, 16),
 * SIM_CACHE_BLOCKS (per replica, 600), SIM_LOAD_FACTOR (1.25), SIM_SEED (1).
 * A measurement, not a test: it prints the table and how it compares with the targets.
 */
import { percentile } from "./stats.js";
import { type ReplicaModel, runCluster, type SimMetrics } from "./routing/cluster.js";
import { makeRouter, POLICIES, type Policy, ROUTE_NAME } from "./routing/routers.js";
import { buildWorkload, type WorkloadSettings } from "./routing/workload.js";

function env(name: string, fallback: number): number {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name}: expected a positive number`);
  return v;
}

const meanBurst = 4;
const workload: WorkloadSettings = {
  tenants: env("SIM_TENANTS", 24),
  requests: env("SIM_REQUESTS", 20_000),
  burstsPerSecond: env("SIM_RPS", 16) / meanBurst,
  meanBurstSize: meanBurst,
  burstGapMs: 40,
  zipfS: 1,
  systemWords: 150,
  documentWords: 2600,
  outputTokens: [32, 160],
  seed: env("SIM_SEED", 1),
};
// a mid-size model on one GPU: ~10k prefill tokens/s, 20 ms per output token
const model: ReplicaModel = {
  replicas: env("SIM_REPLICAS", 8),
  cacheBlocks: env("SIM_CACHE_BLOCKS", 600),
  blockTokens: 16,
  ttftMs: 20,
  prefillUsPerToken: 100,
  itlMs: 20,
};
const loadFactor = env("SIM_LOAD_FACTOR", 1.25);
const warmup = Math.floor(workload.requests / 10);

const t0 = performance.now();
const reqs = buildWorkload(workload, model.blockTokens, ROUTE_NAME);
const buildMs = performance.now() - t0;
const promptTokens = reqs.reduce((a, r) => a + r.promptTokens, 0) / reqs.length;
const spanS = (reqs.at(-1)!.arrivalMs - reqs[0].arrivalMs) / 1000;

const results = new Map<Policy, SimMetrics>();
for (const p of POLICIES) results.set(p, runCluster(reqs, model, makeRouter(p, model, loadFactor, workload.seed), warmup));

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const ms = (x: number): string => x.toFixed(0);
console.log(`\nPrefix-affinity simulation: ${model.replicas} replicas × ${model.cacheBlocks} cache blocks of ${model.blockTokens} tokens, ` +
  `${workload.tenants} tenants (Zipf s=${workload.zipfS}), ${reqs.length} requests over ${spanS.toFixed(0)} s virtual ` +
  `(${(reqs.length / spanS).toFixed(1)} req/s in bursts of ~${meanBurst}), mean prompt ${promptTokens.toFixed(0)} tokens, ` +
  `prefill ${model.prefillUsPerToken} µs/token, TTFT base ${model.ttftMs} ms, ITL ${model.itlMs} ms, load factor ${loadFactor}; ` +
  `first ${warmup} requests are warm-up.\n`);
console.log("| policy | prefix-cache hit rate (tokens) | × round-robin | load imbalance (time-avg max/mean) | at arrivals (max/mean) | TTFT p50 ms | TTFT p95 ms | replicas per tenant |");
console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
const rr = results.get("round-robin")!.hitRate;
for (const [p, m] of results) {
  const sorted = [...m.ttftMs].sort((a, b) => a - b);
  console.log(`| ${p} | ${pct(m.hitRate)} | ${(m.hitRate / rr).toFixed(2)} | ${m.imbalance.toFixed(2)} | ${m.peakImbalance.toFixed(2)} | ` +
    `${ms(percentile(sorted, 50))} | ${ms(percentile(sorted, 95))} | ${m.replicasPerTenant.toFixed(1)} |`);
}
const pa = results.get("prefix-affinity")!;
const oracle = results.get("oracle")!;
console.log("\nTargets (issue 3): hit rate ≥ 2× round-robin, within 10% of the oracle, imbalance ≤ 1.3");
console.log(`  hit rate vs round-robin: ${(pa.hitRate / rr).toFixed(2)}× ${pa.hitRate >= 2 * rr ? "(met)" : "(NOT met)"}`);
console.log(`  hit rate vs oracle (exact cache contents, queued prefills included; same load bound): ${pct(pa.hitRate / oracle.hitRate)} of it ${pa.hitRate >= 0.9 * oracle.hitRate ? "(met)" : "(NOT met)"}`);
console.log(`  load imbalance, time-averaged: ${pa.imbalance.toFixed(2)} ${pa.imbalance <= 1.3 ? "(met)" : "(NOT met)"}; at arrivals: ${pa.peakImbalance.toFixed(2)}`);

console.log("\nSensitivity (same requests): prefix-affinity against round-robin");
console.log("| variant | round-robin hit rate | prefix-affinity hit rate | × | imbalance time-avg / at arrivals | TTFT p95 ms |");
console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
const variants: [string, ReplicaModel, number][] = [
  [`load factor 1.1`, model, 1.1],
  [`load factor 1.5`, model, 1.5],
  [`caches ×2.7 (${Math.round(model.cacheBlocks * 2.67)} blocks)`, { ...model, cacheBlocks: Math.round(model.cacheBlocks * 2.67) }, loadFactor],
];
for (const [label, m, lf] of variants) {
  const base = runCluster(reqs, m, makeRouter("round-robin", m, lf, workload.seed), warmup);
  const v = runCluster(reqs, m, makeRouter("prefix-affinity", m, lf, workload.seed), warmup);
  const p95 = percentile([...v.ttftMs].sort((a, b) => a - b), 95);
  console.log(`| ${label} | ${pct(base.hitRate)} | ${pct(v.hitRate)} | ${(v.hitRate / base.hitRate).toFixed(2)} | ${v.imbalance.toFixed(2)} / ${v.peakImbalance.toFixed(2)} | ${ms(p95)} |`);
}
console.log(`\n(workload built in ${(buildMs / 1000).toFixed(1)} s, everything in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
