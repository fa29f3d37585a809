import type { PriceConfig } from "../observe/price-schema.js";
import type { ResolvedModel } from "./model-registry.js";
import type { PriceTable } from "../observe/prices.js";
import { type CompiledRule, compileRule, firstMatch, type RequestFacts } from "./conditions.js";
import {
  breakerSchema, prefixAffinitySchema, retrySchema, type BreakerConfig, type PrefixAffinityConfig, type RetryConfig,
  type RouteConfig, type Strategy, type TimeoutsConfig,
} from "./route-schema.js";
import type { TargetState, TargetStates } from "./target-state.js";

/** One target of a route, with the route's defaults folded in. */
export interface RouteTarget {
  /** `provider/model`: the x-keel-target header, the trace, the key of its shared state. */
  readonly id: string;
  readonly provider: string;
  readonly model: string;
  readonly weight: number;
  readonly priority: number;
  readonly timeouts: TimeoutsConfig;
  readonly price: PriceConfig | null;
  readonly state: TargetState;
}

/** A route resolved once at start-up (or on first use, for a wildcard model's name). */
export interface Route {
  readonly name: string;
  readonly type: "chat" | "embeddings";
  readonly strategy: Strategy;
  readonly targets: readonly RouteTarget[];
  readonly retry: RetryConfig;
  /** When false, breakers still count this route's outcomes but never stop its calls. */
  readonly breakerEnabled: boolean;
  readonly prefix: PrefixAffinityConfig;
  readonly deadlineMs: number | undefined;
  readonly rules: readonly CompiledRule[];
}

// A `models:` entry is a route with one target that behaves as before routes existed: one
// attempt, no breaker stopping calls, no timeouts of its own. Retries are a route's opt-in.
const SINGLE_RETRY: RetryConfig = Object.freeze(retrySchema.parse({ max_attempts: 1 }));
const SINGLE_BREAKER: BreakerConfig = Object.freeze(breakerSchema.parse({ enabled: false }));
const SINGLE_PREFIX: PrefixAffinityConfig = Object.freeze(prefixAffinitySchema.parse({}));
const MAX_MEMO = 10_000;

export type ModelLookup = (name: string) => ResolvedModel | null;

/** Public names → routes: the `routes:` section, and every `models:` entry as a one-target route. */
export class RouteTable {
  private readonly byName = new Map<string, Route>();
  private readonly memo = new Map<string, Route>();

  constructor(
    routes: readonly RouteConfig[],
    private readonly prices: PriceTable,
    private readonly states: TargetStates,
    private readonly models: ModelLookup,
  ) {
    for (const r of routes) {
      const route = this.compile(r);
      for (const n of [r.name, ...r.aliases]) this.byName.set(n, route);
    }
  }

  /** The route serving an admitted model: a configured route, else the model as a one-target route. */
  forModel(m: ResolvedModel): Route {
    const hit = this.byName.get(m.name) ?? this.memo.get(m.name);
    if (hit) return hit;
    const target = this.target(m.provider, m.upstream, 1, 0, {}, m.price, SINGLE_BREAKER);
    const route: Route = Object.freeze({
      name: m.name, type: m.type, strategy: "failover", targets: [target], retry: SINGLE_RETRY, breakerEnabled: false,
      prefix: SINGLE_PREFIX, deadlineMs: undefined, rules: [],
    });
    if (this.memo.size < MAX_MEMO) this.memo.set(m.name, route);
    return route;
  }

  /** Applies the route's rules once: the first match names the route that serves the call. */
  select(route: Route, facts: RequestFacts): Route {
    if (route.rules.length === 0) return route;
    const name = firstMatch(route.rules, facts);
    if (name === null) return route;
    const next = this.byName.get(name);
    if (next) return next;
    const m = this.models(name);
    // load-time checks make this unreachable; serving the asked route beats failing the call
    return m ? this.forModel(m) : route;
  }

  private compile(r: RouteConfig): Route {
    const targets = r.targets.map((t) => {
      const model = t.model ?? r.name;
      return this.target(t.provider, model, t.weight, t.priority, { ...r.timeouts, ...t.timeouts }, t.price ?? this.prices.lookup(model), r.breaker);
    });
    return Object.freeze({
      name: r.name, type: r.type, strategy: r.strategy, targets, retry: r.retry, breakerEnabled: r.breaker.enabled,
      prefix: r.prefix_affinity, deadlineMs: r.deadline_ms, rules: r.rules.map(compileRule),
    });
  }

  private target(
    provider: string, model: string, weight: number, priority: number, timeouts: TimeoutsConfig, price: PriceConfig | null, breaker: BreakerConfig,
  ): RouteTarget {
    const state = this.states.get(provider, model, breaker);
    return Object.freeze({ id: state.id, provider, model, weight, priority, timeouts: Object.freeze(timeouts), price, state });
  }
}
