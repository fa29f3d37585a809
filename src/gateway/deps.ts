import type { CacheService } from "../cache/cache-service.js";
import type { ResolvedConfig } from "../config/load.js";
import type { GuardService } from "../guard/policy/guard-service.js";
import type { KeyService } from "../keys/key-service.js";
import type { LimitsLayer } from "../limits/create-limits.js";
import type { Logger } from "../observe/log.js";
import type { GatewayMetrics } from "../observe/metrics/gateway-metrics.js";
import type { OtlpExporter } from "../observe/otel/otlp-exporter.js";
import type { TraceWriter } from "../observe/trace-writer.js";
import type { PromptService } from "../prompts/prompt-service.js";
import type { StoredResponses } from "../responses/stored-responses.js";
import type { ProviderRegistry } from "../providers/registry.js";
import type { RoutingService } from "../routing/routing-service.js";
import type { ModelRegistry } from "../routing/model-registry.js";

/** What the data plane needs, passed in once at start-up (no module reaches for globals). */
export interface GatewayDeps {
  readonly config: ResolvedConfig;
  readonly keys: KeyService;
  readonly models: ModelRegistry;
  readonly providers: ProviderRegistry;
  /** Route choice and the attempt loop (retries, failover, breakers) around provider calls. */
  readonly routing: RoutingService;
  /** The prompt registry: requests naming a prompt are rendered from it (absent: such requests are refused). */
  readonly prompts?: PromptService;
  /** Rate limits, budgets and the spend ledger (docs/limits.md). */
  readonly limits: LimitsLayer;
  /** Guardrail policies (docs/guardrails.md); absent: no screening. */
  readonly guard?: GuardService;
  readonly traces: TraceWriter;
  /** Stored Responses API responses (`previous_response_id`, GET/DELETE /v1/responses/{id}); absent: none are kept. */
  readonly responses?: StoredResponses;
  /** Prometheus metrics, fed from trace finalisation; absent (metrics.enabled: false): nothing is counted. */
  readonly metrics?: GatewayMetrics;
  /** OTLP/HTTP span export of every call (otel.export.endpoint); absent: nothing is exported. */
  readonly otel?: OtlpExporter;
  /** The response cache (docs/cache.md); absent (cache.enabled: false): nothing is cached. */
  readonly cache?: CacheService;
  readonly log: Logger;
  /** Epoch ms when this instance started (reported as models' `created`). */
  readonly startedAt: number;
}
