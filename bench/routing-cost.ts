/**
 * Routing decision cost per strategy at 32 targets (issue 3, section 7; target ≤ 20 µs). Measures
 * `pickTarget` — the whole decision the executor makes per attempt: reading 32 targets' live
 * state into views, breaker checks, the strategy, and for prefix-affinity matching the prompt's
 * blocks against 32 LRUs and recording the choice — plus the strategy alone over ready views, and
 * separately the per-request prompt hashing prefix-affinity needs. `npm run bench:routing`.
 *
 * Env: COST_TARGETS (32), COST_ITERATIONS (200000). A measurement, not a test.
 */
import type { ChatRequest } from "../src/api/chat-types.js";
import { loadConfig } from "../src/config/load.js";
import { ModelRegistry } from "../src/routing/model-registry.js";
import { PriceTable } from "../src/observe/prices.js";
import { Rng } from "../src/random/rng.js";
import { pickTarget } from "../src/routing/pick.js";
import { PromptBlocks } from "../src/routing/prompt-blocks.js";
import { STRATEGIES, type Strategy } from "../src/routing/route-schema.js";
import { type Route, RouteTable } from "../src/routing/route-table.js";
import { chooseTarget, type TargetView } from "../src/routing/strategies.js";
import { TargetStates } from "../src/routing/target-state.js";
import { percentile } from "./stats.js";

const N = Number(process.env.COST_TARGETS ?? 32);
const ITER = Number(process.env.COST_ITERATIONS ?? 200_000);
const ROUNDS = 5;
const rng = new Rng(1);
const random = (): number => rng.next();

function route(strategy: Strategy): Route {
  const providers = Array.from({ length: N }, (_, i) => ({ name: `t${i}`, kind: "sim" }));
  const config = loadConfig({
    inline: { providers, sim: false, routes: [{ name: "r", strategy, targets: providers.map((p, i) => ({ provider: p.name, weight: 1 + (i % 4), priority: i < N - 4 ? 0 : 1 })) }] },
    env: {},
  });
  const prices = new PriceTable();
  const models = new ModelRegistry(config.models, prices, config.routes);
  const r = new RouteTable(config.routes, prices, new TargetStates(), (n) => models.resolve(n)).forModel(models.resolve("r")!);
  // live-looking state: some load, latency samples, a few targets' breakers open
  r.targets.forEach((t, i) => {
    t.state.inFlight = Math.floor(random() * 20);
    for (let k = 0; k < 5; k++) t.state.ttft.update(50 + random() * 500, k * 10);
    if (i % 11 === 5) for (let k = 0; k < 10; k++) t.state.breaker.onFailure("normal", 0);
  });
  return r;
}

/**
 * Block-hash chains like PromptBlocks makes (the index only compares numbers): `tenants` prefixes
 * of `blocks` blocks, each asked with `queries` different last blocks.
 */
function chains(tenants: number, queries: number, blocks: number): number[][] {
  const out: number[][] = [];
  for (let t = 0; t < tenants; t++) {
    const prefix = Array.from({ length: blocks }, () => Math.floor(random() * 2 ** 53));
    for (let q = 0; q < queries; q++) out.push([...prefix, Math.floor(random() * 2 ** 53)]);
  }
  // interleave tenants, as concurrent traffic would
  return out.map((h, i) => ({ h, k: (i % queries) * tenants + Math.floor(i / queries) })).sort((a, b) => a.k - b.k).map((x) => x.h);
}

/** CPU µs of this process (user + system): unlike wall time, not inflated while other work holds the cores. */
function cpuUs(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/** Median over rounds of the mean CPU µs per call. */
function measure(fn: (i: number) => void): number {
  for (let i = 0; i < ITER / 10; i++) fn(i);
  const rounds: number[] = [];
  for (let k = 0; k < ROUNDS; k++) {
    const t0 = cpuUs();
    for (let i = 0; i < ITER; i++) fn(i);
    rounds.push((cpuUs() - t0) / ITER);
  }
  return percentile(rounds.sort((a, b) => a - b), 50);
}

const blocks = new PromptBlocks();
const none = { tried: new Set<number>(), ruledOut: new Set<number>() };
console.log(`\nRouting decision cost at ${N} targets: CPU µs per decision, median of ${ROUNDS} rounds × ${ITER} decisions (Node ${process.version})\n`);
console.log("| strategy | pickTarget µs/decision (state → views → choice) | chooseTarget alone µs |");
console.log("| --- | ---: | ---: |");
let sink = 0;
const PROMPT_BLOCKS = 256; // a 4k-token prompt
for (const s of STRATEGIES) {
  const r = route(s);
  const hashes = s === "prefix-affinity" ? chains(64, 16, PROMPT_BLOCKS) : [[]];
  const full = measure((i) => {
    const t = r.targets[i % N].state;
    t.inFlight = (t.inFlight + 1) % 20; // state moves between decisions, as it would
    sink += pickTarget(r, none, { now: 100, random, blockHashes: hashes[i % hashes.length], maxCoolingMs: 0 })!.index;
  });
  const views: TargetView[] = r.targets.map((t) => ({ weight: t.weight, priority: t.priority, inFlight: t.state.inFlight, latencyMs: t.state.ttft.read(100), available: true }));
  const matched = s === "prefix-affinity" ? r.targets.map((t) => t.state.prefix(r.prefix.lru_blocks).matchedBlocks(hashes[0])) : undefined;
  const alone = measure(() => {
    sink += chooseTarget(s, views, { random, matchedBlocks: matched, promptBlocks: PROMPT_BLOCKS, loadFactor: 1.25 });
  });
  console.log(`| ${s}${s === "prefix-affinity" ? ` (64 tenants' ${PROMPT_BLOCKS}-block prefixes, new last block each time)` : ""} | ${full.toFixed(2)} | ${alone.toFixed(2)} |`);
}
{
  // the worst case: every prompt is new, so all its blocks are recorded at the chosen target
  const r = route("prefix-affinity");
  const fresh = chains(4000, 1, PROMPT_BLOCKS);
  let i = 0;
  const t0 = cpuUs();
  for (; i < fresh.length; i++) sink += pickTarget(r, none, { now: 100, random, blockHashes: fresh[i], maxCoolingMs: 0 })!.index;
  console.log(`| prefix-affinity, every prompt new (${PROMPT_BLOCKS} blocks recorded per decision) | ${((cpuUs() - t0) / i).toFixed(2)} | |`);
}

// prompt hashing: once per request, for prefix-affinity routes only
const doc = Array.from({ length: 4000 }, (_, i) => `clause${i % 211} applies`).join(" ");
const req = (q: string): ChatRequest => ({ model: "r", messages: [{ role: "system", content: doc }, { role: "user", content: q }] });
const tokens = blocks.hashes(req("warm"), 16, "r").length * 16;
const warmHits: number[] = [];
for (let i = 0; i < 2000; i++) {
  const t0 = cpuUs();
  sink += blocks.hashes(req(`question number ${i}`), 16, "r").length;
  warmHits.push(cpuUs() - t0);
}
const cold: number[] = [];
for (let i = 0; i < 50; i++) {
  const fresh = new PromptBlocks();
  const t0 = cpuUs();
  sink += fresh.hashes(req(`q${i}`), 16, "r").length;
  cold.push(cpuUs() - t0);
}
const med = (xs: number[]): number => percentile(xs.sort((a, b) => a - b), 50);
console.log(`\nPrompt hashing for prefix-affinity (~${tokens}-token prompt, once per request): ` +
  `${med(warmHits).toFixed(1)} µs when its long messages were seen before (memoised tokens), ${med(cold).toFixed(0)} µs cold (tokenising everything).`);
if (sink === 42) console.log(""); // keeps the work observable
