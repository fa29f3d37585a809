import type { ResolvedModel } from "./model-registry.js";
import type { PriceTable } from "../observe/prices.js";
import type { RequestFacts } from "./conditions.js";
import { type ProviderLookup, RouteExecutor } from "./executor.js";
import type { EngineKvLookup, EngineLoadLookup } from "./pick.js";
import { PromptBlocks } from "./prompt-blocks.js";
import type { RouteConfig } from "./route-schema.js";
import { type ModelLookup, type Route, RouteTable } from "./route-table.js";
import { type TargetSnapshot, TargetStates } from "./target-state.js";

/**
 * The routing layer as the gateway and the admin API see it, built once at start-up: which route
 * serves an admitted model (rules applied), the executor that calls it, and a snapshot of every
 * target's state for /api/v1/targets and the metrics layer.
 */
export class RoutingService {
  readonly executor: RouteExecutor;
  private readonly states = new TargetStates();
  private readonly table: RouteTable;

  /** `engineLoad` / `engineKv`: each target's engine-reported running + waiting and KV-cache usage when fresh (least-busy, prefix-affinity). */
  constructor(routes: readonly RouteConfig[], models: ModelLookup, prices: PriceTable, providers: ProviderLookup, engineLoad?: EngineLoadLookup, engineKv?: EngineKvLookup) {
    this.table = new RouteTable(routes, prices, this.states, models);
    this.executor = new RouteExecutor({ providers, blocks: new PromptBlocks(), ...(engineLoad ? { engineLoad } : {}), ...(engineKv ? { engineKv } : {}) });
  }

  /** The route that serves this call: the model's route, or the one its rules pick. */
  route(model: ResolvedModel, facts: RequestFacts): Route {
    return this.table.select(this.table.forModel(model), facts);
  }

  /** Every target's state now: in-flight, moving averages, breaker. A copy, safe to keep. */
  snapshot(): TargetSnapshot[] {
    return this.states.snapshot(performance.now());
  }
}
