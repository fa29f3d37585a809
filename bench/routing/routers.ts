/**
 * The policies the simulation compares. Least-busy and prefix-affinity are Keel's own: a route
 * compiled from config like any other and decided by `pickTarget`, the function the gateway's
 * executor calls, over TargetStates whose in-flight counts the simulation keeps as the executor
 * would. Round-robin is the cache-blind baseline; the oracles know each replica's real cache.
 */
import { loadConfig } from "../../src/config/load.js";
import { ModelRegistry } from "../../src/routing/model-registry.js";
import { PriceTable } from "../../src/observe/prices.js";
import { Rng } from "../../src/random/rng.js";
import { pickTarget } from "../../src/routing/pick.js";
import type { Strategy } from "../../src/routing/route-schema.js";
import { type Route, RouteTable } from "../../src/routing/route-table.js";
import { chooseTarget, lowest, type TargetView } from "../../src/routing/strategies.js";
import { TargetStates } from "../../src/routing/target-state.js";
import type { ReplicaModel, Replica, SimRouter } from "./cluster.js";

export const POLICIES = ["round-robin", "least-busy", "prefix-affinity", "oracle", "oracle-unbounded"] as const;
export type Policy = (typeof POLICIES)[number];

export const ROUTE_NAME = "llama";

/** A route over `n` replicas, built the way Keel builds one from keel.yaml. */
export function simRoute(strategy: Strategy, model: ReplicaModel, loadFactor: number): Route {
  const providers = Array.from({ length: model.replicas }, (_, i) => ({ name: `replica-${i}`, kind: "sim" }));
  const config = loadConfig({
    inline: {
      providers, sim: false,
      routes: [{
        name: ROUTE_NAME, strategy, targets: providers.map((p) => ({ provider: p.name })),
        prefix_affinity: { block_tokens: model.blockTokens, lru_blocks: model.cacheBlocks, load_factor: loadFactor },
      }],
    },
    env: {},
  });
  const prices = new PriceTable();
  const models = new ModelRegistry(config.models, prices, config.routes);
  const table = new RouteTable(config.routes, prices, new TargetStates(), (n) => models.resolve(n));
  return table.forModel(models.resolve(ROUTE_NAME)!);
}

const NO_EXCLUSIONS = { tried: new Set<number>(), ruledOut: new Set<number>() };

export function makeRouter(policy: Policy, model: ReplicaModel, loadFactor: number, seed: number): SimRouter {
  const rng = new Rng(seed);
  const random = (): number => rng.next();
  if (policy === "round-robin") {
    let next = 0;
    return { route: () => next++ % model.replicas, done: () => {} };
  }
  if (policy === "least-busy" || policy === "prefix-affinity") {
    const route = simRoute(policy, model, loadFactor);
    return {
      route(req) {
        const pick = pickTarget(route, NO_EXCLUSIONS, { now: 0, random, blockHashes: req.blockHashes, maxCoolingMs: 0 })!;
        route.targets[pick.index].state.inFlight++;
        return pick.index;
      },
      done(i) {
        route.targets[i].state.inFlight--;
      },
    };
  }
  // the oracles read the replicas' real caches (and what their queues are about to add to them)
  // instead of the router's record of what it sent where
  const views = (replicas: readonly Replica[]): TargetView[] =>
    replicas.map((r) => ({ weight: 1, priority: 0, inFlight: r.inFlight, latencyMs: null, available: true }));
  if (policy === "oracle") {
    return {
      route(req, replicas) {
        const matched = replicas.map((r) => expectedMatch(r, req.blockHashes));
        return chooseTarget("prefix-affinity", views(replicas), { random, matchedBlocks: matched, promptBlocks: req.blockHashes.length, loadFactor });
      },
      done: () => {},
    };
  }
  // greedy: the longest real match wins, whatever the load (ties: least busy)
  return {
    route(req, replicas) {
      const all = replicas.map((_, i) => i);
      const matched = replicas.map((r) => expectedMatch(r, req.blockHashes));
      return lowest(all, (i) => -matched[i] * 1e6 + replicas[i].inFlight, random);
    },
    done: () => {},
  };
}

/**
 * Leading blocks a replica will hold when a request sent there now starts its prefill: its cache
 * now, plus the prompts queued or in prefill before it (they enter the cache first, FIFO).
 */
function expectedMatch(r: Replica, hashes: readonly number[]): number {
  let best = r.cache.matchedBlocks(hashes);
  const ahead = r.prefilling ? [r.prefilling, ...r.queue] : r.queue;
  for (const p of ahead) {
    let i = 0;
    while (i < hashes.length && i < p.blockHashes.length && p.blockHashes[i] === hashes[i]) i++;
    if (i > best) best = i;
  }
  return best;
}
