import type { Route } from "./route-table.js";
import { chooseTarget, type TargetView } from "./strategies.js";

/**
 * One routing decision against live state: read each target's state into a TargetView, let the
 * route's strategy choose, and relax the constraints step by step when nothing qualifies:
 *
 *   1. targets this request has not tried, whose breaker lets calls through and that are not
 *      cooling down after an upstream Retry-After;
 *   2. then targets already tried (a retry: the caller backs off first);
 *   3. then targets still cooling down (a retry waits out the Retry-After; a first call does not).
 *
 * Targets whose breaker is open, or that the request has ruled out, are never chosen.
 */

export interface Exclusions {
  /** Targets this request has already called. */
  readonly tried: ReadonlySet<number>;
  /** Targets this request will not call again (a Retry-After longer than it may wait). */
  readonly ruledOut: ReadonlySet<number>;
}

export interface Pick {
  readonly index: number;
  readonly retry: boolean;
  /** ms the target's Retry-After still asks for (step 3), else 0. */
  readonly coolingMs: number;
}

/**
 * `provider/model` → requests its engine reports running + waiting, or null when it has no engine
 * or its figures are stale. Given by whoever owns the scraper (app.ts), so routing never imports it.
 */
export type EngineLoadLookup = (targetId: string) => number | null;
/** An engine's fresh KV-cache usage, 0–1, or null. */
export type EngineKvLookup = (targetId: string) => number | null;

export interface PickInput {
  readonly now: number;
  readonly random: () => number;
  /** prefix-affinity: the prompt's block hashes. */
  readonly blockHashes?: readonly number[];
  /** Step 3 ignores a cool-down longer than this. */
  readonly maxCoolingMs: number;
  /** least-busy and prefix-affinity: the engines' own load; read only for those strategies. */
  readonly engineLoad?: EngineLoadLookup;
  /** least-busy and prefix-affinity: the engines' KV-cache usage. */
  readonly engineKv?: EngineKvLookup;
}

class View implements TargetView {
  weight = 1;
  priority = 0;
  inFlight = 0;
  engineLoad: number | null = null;
  engineKv: number | null = null;
  latencyMs: number | null = null;
  available = false;
}

export function pickTarget(route: Route, ex: Exclusions, input: PickInput): Pick | null {
  const { now } = input;
  const n = route.targets.length;
  const engineAware = route.strategy === "least-busy" || route.strategy === "prefix-affinity";
  const engineLoad = engineAware ? input.engineLoad : undefined;
  const engineKv = engineAware ? input.engineKv : undefined;
  const views = new Array<View>(n);
  const healthy = new Array<boolean>(n);
  for (let i = 0; i < n; i++) {
    const t = route.targets[i];
    const s = t.state;
    const v = new View();
    v.weight = t.weight;
    v.priority = t.priority;
    v.inFlight = s.inFlight;
    if (engineLoad !== undefined) v.engineLoad = engineLoad(t.id);
    if (engineKv !== undefined) v.engineKv = engineKv(t.id);
    v.latencyMs = s.ttft.read(now) ?? s.latency.read(now);
    views[i] = v;
    healthy[i] = !ex.ruledOut.has(i) && (!route.breakerEnabled || s.breaker.allows(now));
  }
  let matched: number[] | undefined;
  const hashes = input.blockHashes;
  if (route.strategy === "prefix-affinity" && hashes && hashes.length > 0) {
    matched = new Array<number>(n);
    for (let i = 0; i < n; i++) matched[i] = route.targets[i].state.prefix(route.prefix.lru_blocks).matchedBlocks(hashes);
  }
  const decide = (): number =>
    chooseTarget(route.strategy, views, {
      random: input.random, matchedBlocks: matched, promptBlocks: hashes?.length ?? 0, loadFactor: route.prefix.load_factor,
    });

  for (let step = 1; step <= 3; step++) {
    for (let i = 0; i < n; i++) {
      const s = route.targets[i].state;
      const cooling = s.notBefore - now;
      views[i].available =
        healthy[i] && (step >= 2 || !ex.tried.has(i)) && (step === 3 ? cooling <= input.maxCoolingMs : cooling <= 0);
    }
    const index = decide();
    if (index >= 0) {
      const cooling = Math.max(0, route.targets[index].state.notBefore - now);
      if (matched && hashes) route.targets[index].state.prefix(route.prefix.lru_blocks).insert(hashes);
      return { index, retry: ex.tried.has(index), coolingMs: cooling };
    }
  }
  return null;
}
