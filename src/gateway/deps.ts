import type { ResolvedConfig } from "../config/load.js";
import type { KeyService } from "../keys/key-service.js";
import type { Logger } from "../observe/log.js";
import type { TraceWriter } from "../observe/trace-writer.js";
import type { ProviderRegistry } from "../providers/registry.js";
import type { ModelRegistry } from "./model-registry.js";

/** What the data plane needs, passed in once at start-up (no module reaches for globals). */
export interface GatewayDeps {
  readonly config: ResolvedConfig;
  readonly keys: KeyService;
  readonly models: ModelRegistry;
  readonly providers: ProviderRegistry;
  readonly traces: TraceWriter;
  readonly log: Logger;
  /** Epoch ms when this instance started (reported as models' `created`). */
  readonly startedAt: number;
}
