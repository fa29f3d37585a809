import { carriedChunks, retrievedChunks } from "./knowledge/citations/call-sources.js";
import { parseCapturedBody } from "./observe/capture.js";
import type { TraceRecord } from "./observe/types.js";
import type { ChatMessage } from "./api/chat-types.js";
import { join } from "node:path";
import { registerAlertRoutes } from "./admin/alert-routes.js";
import { registerAuditRoutes } from "./admin/audit-routes.js";
import { registerCacheRoutes } from "./admin/cache-routes.js";
import { registerCalcRoutes } from "./admin/calc-routes.js";
import type { CacheService } from "./cache/cache-service.js";
import { createCache } from "./cache/create-cache.js";
import { cacheVerifier } from "./gateway/cache-verify-client.js";
import { registerIncidentRoutes } from "./admin/incident-routes.js";
import { registerAnnotateRoutes } from "./admin/annotate-routes.js";
import { registerDriftRoutes } from "./admin/drift-routes.js";
import { registerDoctorRoute } from "./admin/doctor-routes.js";
import { registerKnowledgeRoutes } from "./admin/knowledge-routes.js";
import { citationChecker } from "./knowledge/citations/guard-check.js";
import { KnowledgeService } from "./knowledge/knowledge-service.js";
import { documentScreen } from "./knowledge/screening.js";
import { routedCanaryCaller } from "./incidents/drift/canary-caller.js";
import { DriftCanary } from "./incidents/drift/drift-canary.js";
import { getDefaultEmbedder } from "./providers/embeddings/local-embedder.js";
import { registerOtlpRoutes } from "./admin/otlp-routes.js";
import { IncidentService } from "./incidents/incident-service.js";
import { AlertService } from "./alerts/alert-service.js";
import { WebhookNotifier } from "./alerts/notifier.js";
import { registerEvalApi } from "./admin/eval-api.js";
import { registerCredentialRoutes } from "./admin/credential-routes.js";
import { registerGuardRoutes } from "./admin/guard-routes.js";
import { registerGuardReviewRoutes } from "./admin/guard-review-routes.js";
import { GuardService } from "./guard/policy/guard-service.js";
import { routedGuardClient } from "./gateway/guard-model-client.js";
import { registerLimitsRoutes } from "./admin/limits-routes.js";
import { registerMeRoute } from "./admin/me-route.js";
import { registerMetricsRoute } from "./admin/metrics-routes.js";
import { registerSummaryRoutes } from "./admin/summary-routes.js";
import { registerPromptRoutes } from "./admin/prompt-routes.js";
import { registerAdminRoutes } from "./admin/routes.js";
import { registerTracePurgeRoute } from "./admin/trace-purge-routes.js";
import { callTextMasker } from "./observe/pii-record.js";
import { registerTargetRoutes } from "./admin/target-routes.js";
import { AuditLog } from "./audit/audit-log.js";
import { recordConfigChange } from "./audit/config-change.js";
import type { ResolvedConfig } from "./config/load.js";
import { CredentialService } from "./credentials/credential-service.js";
import { createEvals } from "./evals/eval-app.js";
import { ModelRegistry } from "./routing/model-registry.js";
import { registerGatewayRoutes } from "./gateway/routes.js";
import { AdminAuth } from "./keys/admin-token.js";
import { KeyService } from "./keys/key-service.js";
import { AdminRoles } from "./keys/roles.js";
import { createLimits, type LimitsLayer } from "./limits/create-limits.js";
import { createLogger, type Logger } from "./observe/log.js";
import { GatewayMetrics } from "./observe/metrics/gateway-metrics.js";
import { storedScrapeSources } from "./observe/metrics/stored-sources.js";
import { OtlpExporter } from "./observe/otel/otlp-exporter.js";
import { PriceTable } from "./observe/prices.js";
import { TraceWriter } from "./observe/trace-writer.js";
import { PromptService } from "./prompts/prompt-service.js";
import { ProviderRegistry } from "./providers/registry.js";
import { RoutingService } from "./routing/routing-service.js";
import { loadMasterKey } from "./secrets/master-key.js";
import { derivePiiHashKey, piiHasher, subjectDigest } from "./secrets/pii-hash.js";
import { startHttpServer } from "./server/http-server.js";
import { sendJson } from "./server/respond.js";
import { Router } from "./server/router.js";
import { registerUi } from "./server/ui-static.js";
import { openSqliteStores } from "./storage/sqlite-stores.js";
import { openPostgresStores } from "./storage/postgres-stores.js";
import { type ChangeFeed, LocalChangeFeed, RedisChangeFeed } from "./store/change-feed.js";
import { EngineScraper } from "./engines/engine-scraper.js";
import { engineTargets } from "./engines/engine-schema.js";
import { StoredResponses } from "./responses/stored-responses.js";

export interface KeelApp {
  readonly url: string;
  readonly config: ResolvedConfig;
  /** Secrets created by this start — printed once by `keel start`, never stored in plaintext. */
  readonly firstRun: { adminToken?: string; key?: string };
  readonly traces: TraceWriter;
  readonly keys: KeyService;
  /** Routing state: `routing.snapshot()` is what /api/v1/targets and metrics read. */
  readonly routing: RoutingService;
  readonly prompts: PromptService;
  readonly audit: AuditLog;
  shutdown(): Promise<void>;
}

const HOUR = 3_600_000;

export interface StartOptions {
  log?: Logger;
  /** Tests only: the read worker waits while this buffer's first Int32 is 0 (a deliberately slow read). */
  readGate?: SharedArrayBuffer;
}

/** The composition root: opens the store, builds every domain service once, and serves. */
export async function startKeel(config: ResolvedConfig, opts: StartOptions = {}): Promise<KeelApp> {
  const log = opts.log ?? createLogger(config.logLevel);
  // Before anything is opened: a bad key stops start-up with nothing to clean up.
  const masterKey = loadMasterKey({ envValue: config.masterKey, dataDir: config.dataDir });
  const piiKey = derivePiiHashKey(masterKey);
  let limits: LimitsLayer | null = null;
  let cache: CacheService | null = null;
  let feed: ChangeFeed | null = null;
  // The one place a backend is chosen: everything below sees store interfaces only (decision 0018).
  // Trace writes, retention and analytics run on their own threads and connections (decision 0010).
  const stores = config.store === "sqlite"
    ? openSqliteStores({
      dataDir: config.dataDir, pruneBatchRows: config.traces.prune_batch_rows, readGate: opts.readGate, readNice: config.traces.read_worker_nice,
      maxBodyChars: config.traces.max_body_chars, piiHashKey: piiKey.toString("hex"),
      onWorkerError: (what, err) => log.error(`${what} worker failed`, { error: String(err) }),
    })
    : openPostgresStores({
      url: config.store, poolMax: config.postgres.pool_max, callTimeoutMs: config.postgres.call_timeout_ms,
      connectTimeoutMs: config.postgres.connect_timeout_ms, migrate: config.postgres.migrate_on_start, migrateTimeoutMs: config.postgres.migrate_timeout_ms,
      pruneBatchRows: config.traces.prune_batch_rows, maxBodyChars: config.traces.max_body_chars, piiHashKey: piiKey.toString("hex"),
    });
  const { traceWrites, traceReads } = stores;
  try {
    const settings = stores.settings;
    const { auth, created: adminToken } = AdminAuth.init(settings, config.adminToken);
    const credentials = new CredentialService(stores.credentials, masterKey);
    const keys = new KeyService(stores.keys);
    // Viewer keys read the admin API (GET/HEAD) and the dashboard; the admin token does the rest.
    auth.acceptViewers((authorization) => keys.viewerFor(authorization));
    const roles = new AdminRoles(auth, config.editorToken);
    // Every change to prompts, labels, rollouts, keys, credentials and config lands here, hash-chained.
    const audit = new AuditLog(stores.audit);
    recordConfigChange(audit, settings, config);
    let firstKey: string | undefined;
    if (!settings.get("initialized_at")) {
      const first = keys.create({ name: "default" });
      firstKey = first.key;
      audit.record({ actor: "keel", role: null, action: "key.created", targetType: "key", target: first.view.id, after: first.view, reason: "first start" });
      settings.set("initialized_at", new Date().toISOString());
    }

    const { verdicts, guardReviews, traces: traceStore } = stores;
    const traces = new TraceWriter(traceWrites, {
      batchSize: config.traces.batch_size,
      flushIntervalMs: config.traces.flush_interval_ms,
      maxQueue: config.traces.max_queue,
      onError: (err) => log.error("trace write failed", { error: String(err) }),
    });
    // Responses API responses: written after the answer is out, the newest read from memory (decision 0026).
    const responses = new StoredResponses(stores.responses, (err) => log.error("stored response write failed", { error: String(err) }), stores.sinks.responses);
    let pruning: Promise<void> | null = null;
    let closing = false;
    const prune = (): void => {
      const before = Date.now() - config.traces.retention_days * 24 * HOUR;
      // A false-positive review item keeps its counts, but not text its trace no longer holds.
      guardReviews.expireExcerptsBefore(before);
      // Stored Responses API responses are kept as long as traces (decision 0026).
      void responses.prune(before).catch((err) => { if (!closing) log.error("stored response retention failed", { error: String(err) }); });
      // Bounded steps in the writer worker; one pass at a time.
      pruning ??= traceWrites.prune({ before, rollupsBefore: Date.now() - config.traces.rollup_retention_days * 24 * HOUR })
        .then((deleted) => { if (deleted.traces > 0) log.info("pruned old traces", deleted); })
        .catch((err) => { if (!closing) log.error("trace retention failed", { error: String(err) }); })
        .finally(() => (pruning = null));
    };
    prune();
    const pruneTimer = setInterval(prune, HOUR);
    pruneTimer.unref();
    // Rows stored before rollups existed (migration 13) are rolled up in the background, newest first.
    // Shutdown does not wait for it: each step is its own transaction, and the next start resumes.
    void traceWrites.backfill().catch((err) => { if (!closing) log.error("rollup backfill failed", { error: String(err) }); });

    const providers = new ProviderRegistry(config.providers, (name) => credentials.reveal(name), (msg) => log.warn(msg));
    const prices = new PriceTable(config.prices);
    const models = new ModelRegistry(config.models, prices, config.routes);
    // Engine figures are scraped off the request path; least-busy reads their fresh queue lengths.
    const engines = new EngineScraper(engineTargets(config.routes));
    const routing = new RoutingService(config.routes, (name) => models.resolve(name), prices, providers, (id) => engines.load(id), (id) => engines.kvUsage(id));
    limits = await createLimits({
      limits: config.limits, budgets: config.budgets, redis: config.redis, spendStore: stores.spend, spendSink: stores.sinks.spend, budgetEvents: stores.budgetEvents, log,
      keyLimits: (id) => keys.get(id)?.limits ?? null, requestTimeoutMs: config.server.request_timeout_ms,
    });
    cache = await createCache(config.cache, { dataDir: config.dataDir, redis: config.redis, embedder: getDefaultEmbedder(), onError: (what, err) => log.warn(what, { error: String(err) }) });
    // The semantic index refills from the backend in the background; until then its lookups are misses.
    void cache?.restoreSemantic(Date.now()).then((n) => { if (n > 0) log.info("semantic cache index restored", { vectors: n }); });
    const prompts = new PromptService(stores.prompts, audit, config.prompts, { log });
    prompts.rollouts.startTimer();
    // Several instances on one PostgreSQL: a change made here is published once it has committed
    // (a microtask runs after the synchronous write and its transaction); the others re-read that
    // snapshot from the store, and everything after a feed outage (docs/scale-out.md).
    feed = config.store === "sqlite" ? new LocalChangeFeed() : await RedisChangeFeed.connect(config.redis, (err) => log.warn("change feed", { error: String(err) }));
    const f = feed;
    keys.onChanged(() => queueMicrotask(() => f.publish("keys")));
    prompts.onChanged((names) => queueMicrotask(() => f.publish("prompts", [...new Set(names)])));
    f.onChange((c) => {
      if (c.kind === "keys") keys.reload();
      else if (c.kind === "prompts") prompts.reload(c.names);
    });
    // Providers built from a stored credential are rebuilt when it changes on any instance.
    credentials.onChanged((names) => queueMicrotask(() => f.publish("credentials", names)));
    const refreshCredentials = (names: readonly string[]): void => {
      for (const n of names) void providers.refreshCredential(n).catch((err) => log.warn("provider rebuild after a credential change failed", { credential: n, error: String(err) }));
    };
    f.onChange((c) => {
      if (c.kind === "credentials") refreshCredentials(c.names ?? providers.credentialNames());
    });
    f.onResync(() => {
      keys.reload();
      prompts.reload();
      refreshCredentials(providers.credentialNames());
    });
    // Entries made with a prompt version die when a label moves off it (replaced or rolled back).
    if (cache) {
      const c = cache;
      prompts.registry.onLabelMove((m) => {
        if (m.from !== null) void c.purge({ prompt: `${m.name}@${m.from}` }).catch((err) => log.warn("cache purge after a prompt label move failed", { error: String(err) }));
      });
    }
    let ready = false;

    const router = new Router();
    router.add("GET", "/healthz", (_req, res) => sendJson(res, 200, { status: "ok" }));
    router.add("GET", "/readyz", (_req, res) => sendJson(res, ready ? 200 : 503, { status: ready ? "ready" : "not_ready" }));
    // Model-based guard scanners call models through routing, never through the gateway (no recursion).
    const guard = new GuardService(config.guard, {
      models: routedGuardClient({ models, routing, providers, record: (r) => traces.record(r) }),
      // `metrics` is built just below; the scanner counts only at request time.
      citations: citationChecker({ spans: stores.spans, store: stores.knowledge, observe: (r) => metrics?.citations.observe(r) }),
    });
    // The online false-hit estimate re-asks through routing, like the guard's model calls (docs/cache.md).
    if (cache?.semantic && config.cache.semantic.verify_sample > 0) cache.verifier = cacheVerifier(config.cache, cache, { models, routing, record: (r) => traces.record(r), onError: (what, err) => log.warn(what, { error: String(err) }) });
    const metrics = config.metrics.enabled
      ? new GatewayMetrics(config.metrics, {
        ...storedScrapeSources({ scores: stores.evals.scores, budgetEvents: stores.budgetEvents }, config.metrics.eval_window_s),
        targets: () => routing.snapshot(),
        traceWriter: () => ({ written: traces.written, dropped: traces.dropped, pending: traces.pending }),
        ...(cache?.verifier ? { cacheVerified: () => cache!.verifier!.counts } : {}),
        ...(guard.memo.enabled ? { guardMemo: () => guard.memo } : {}),
      })
      : undefined;
    if (metrics) registerMetricsRoute(router, metrics, config.metrics.require_auth ? auth : null);
    const otelEndpoint = config.otel.export.endpoint;
    const otel = otelEndpoint ? new OtlpExporter({ ...config.otel.export, endpoint: otelEndpoint }, log) : undefined;
    registerGatewayRoutes(router, { config, keys, models, providers, routing, limits, guard, prompts, traces, responses, metrics, otel, log, startedAt: Date.now(), ...(cache ? { cache } : {}) });
    registerCacheRoutes(router, auth, cache, audit);
    registerAdminRoutes(router, { auth, keys, traceStore, traceWriter: traces, traceReads, audit });
    registerTracePurgeRoute(router, { auth, purge: (filter, dryRun) => traceWrites.purge(filter, dryRun), flushTraces: () => traces.flush(), audit, subject: (user) => subjectDigest(piiKey, user) });
    registerCredentialRoutes(router, auth, credentials, providers, audit);
    registerPromptRoutes(router, roles, prompts);
    registerMeRoute(router, roles);
    registerAuditRoutes(router, auth, audit);
    engines.start();
    registerTargetRoutes(router, auth, routing, engines);
    registerCalcRoutes(router, { auth, engines, listTraces: (f) => traceReads.list(f), flushTraces: () => traces.flush() });
    registerSummaryRoutes(router, auth, traceReads, () => traces.flush());
    const alertStore = stores.alerts;
    const notifier = new WebhookNotifier(log, (name) => credentials.reveal(name), alertStore, config.alerts.delivery);
    const driftStore = stores.drift;
    const drift = new DriftCanary(config.drift, driftStore, routedCanaryCaller(models, routing), getDefaultEmbedder(), { store: alertStore, notifier }, log);
    const incidents = new IncidentService(stores.incidents, traceStore, audit, (q) => stores.summaries.summary({ since: q.since, until: q.until, by: q.by, where: q.slice, maxRows: 200_000 }).data, (since, until) => drift.changes(since, until));
    const alerts = new AlertService(
      config.alerts, alertStore,
      async (slice, since, until) => {
        await traces.flush();
        return (await traceReads.summary({ since, until, where: slice, maxRows: 200_000 })).data[0];
      },
      notifier, log, incidents,
    );
    alerts.attach(drift);
    alerts.useEngines(engines);
    // Rules are read from the store on every pass; a change elsewhere triggers a pass here now
    // rather than at the next interval.
    alerts.onChanged(() => queueMicrotask(() => f.publish("alerts")));
    f.onChange((c) => {
      if (c.kind === "alerts") void alerts.evaluate().catch((err) => log.error("alert evaluation failed", { error: String(err) }));
    });
    if (metrics) alerts.useRetrieval(() => metrics.retrieval.totals());
    registerDriftRoutes(router, auth, drift, driftStore);
    registerAlertRoutes(router, auth, alerts);
    registerIncidentRoutes(router, auth, incidents, () => traces.flush());
    registerOtlpRoutes(router, { auth, keys, spans: stores.spans, traces: traceStore, maxBodyBytes: config.server.max_body_bytes, flushTraces: () => traces.flush(), capture: config.capture, piiHasher: piiHasher(piiKey) });
    registerLimitsRoutes(router, auth, keys, limits);
    registerGuardRoutes(router, { auth, keys, guard, verdicts, traceWriter: traces, reviews: guardReviews });
    registerGuardReviewRoutes(router, { auth, reviews: guardReviews, traceStore, traceWriter: traces, audit });
    registerAnnotateRoutes(router, {
      auth, annotations: stores.annotations, traceStore, scores: stores.evals.scores, flushTraces: () => traces.flush(), audit,
      spans: stores.spans, chunks: (k) => stores.knowledge.getChunks(k), runs: stores.evals.runs, datasets: stores.evals.datasets,
    });
    // Online RAG evaluators score a live answer against what its call retrieved: Keel's retrieval
    // spans under the call's trace (text read back from the knowledge store), else documents the
    // request carried (numbered context, file-search results).
    const contextOf = (t: TraceRecord): readonly string[] | undefined => {
      const spans = t.traceId ? retrievedChunks(stores.spans.byTrace(t.traceId), stores.knowledge) : [];
      const req = spans.length > 0 ? undefined : (parseCapturedBody(t.requestBody) as { messages?: ChatMessage[] } | undefined);
      const chunks = spans.length > 0 ? spans : req?.messages ? carriedChunks(req.messages) : [];
      return chunks.length > 0 ? chunks.map((c) => c.text) : undefined;
    };
    const evals = createEvals({ stores: stores.evals, traceStore, traces, credentials, settings, requestTimeoutMs: config.server.request_timeout_ms, log, models, contextOf });
    // Ingestion runs on its own serial queue, off the request path (docs/knowledge.md).
    const knowledge = new KnowledgeService({
      store: stores.knowledge, embedder: getDefaultEmbedder(), config: config.knowledge,
      screen: config.knowledge.screening ? documentScreen() : null,
      indexDir: join(config.dataDir, "knowledge-index"),
      onIndexReady: (store, how, chunks, ms) => log.info(`vector index ${how}`, { store, chunks, ms: Math.round(ms) }),
      onError: (what, err) => log.error(`${what} failed`, { error: String(err) }),
    });
    // Each instance keeps its own vector indexes over the shared chunks: a change made here makes the
    // others add or drop the difference (docs/scale-out.md).
    knowledge.onChanged((ids) => queueMicrotask(() => f.publish("knowledge", ids)));
    const refreshKnowledge = (ids: readonly string[]): void => {
      void knowledge.refresh(ids).catch((err) => log.warn("vector index refresh after a change elsewhere failed", { error: String(err) }));
    };
    f.onChange((c) => {
      if (c.kind === "knowledge") refreshKnowledge(c.names ?? knowledge.indexedStores());
    });
    f.onResync(() => refreshKnowledge(knowledge.indexedStores()));
    registerKnowledgeRoutes(router, { auth, keys, knowledge, config: config.knowledge, audit, metrics: metrics?.retrieval, spans: stores.spans });
    registerEvalApi(router, evals, { auth, keys, traceStore, traceWriter: traces, maskText: callTextMasker(config.capture, piiHasher(piiKey)) });
    registerDoctorRoute(router, auth);
    // The dashboard at /ui, when `npm run build` built it; it reads the admin APIs above.
    if (!registerUi(router)) log.debug("dashboard not built; /ui is not served");

    const http = await startHttpServer(router, {
      port: config.server.port, host: config.server.host, log,
      limits: { headersTimeoutMs: config.server.headers_timeout_ms, bodyTimeoutMs: config.server.body_timeout_ms, maxHeaderBytes: config.server.max_header_bytes },
    });
    ready = true;
    evals.start(http.url);
    alerts.start();
    drift.start();
    knowledge.start();
    let stopping: Promise<void> | null = null;
    return {
      url: http.url,
      config,
      firstRun: { adminToken, key: firstKey },
      traces,
      keys,
      routing,
      prompts,
      audit,
      shutdown(): Promise<void> {
        stopping ??= (async () => {
          ready = false;
          clearInterval(pruneTimer);
          await http.shutdown(config.server.shutdown_grace_ms);
          engines.stop();
          await alerts.close();
          await drift.close();
          await knowledge.close();
          await notifier.close();
          prompts.close();
          await evals.close();
          await traces.close();
          await responses.close();
          // Before the writer stops: the ledger's last upserts go through it.
          await limits?.close();
          closing = true;
          await traceWrites.close();
          await traceReads.close();
          await otel?.close();
          await cache?.close();
          await feed?.close();
          await providers.close();
          await stores.close();
        })();
        return stopping;
      },
    };
  } catch (err) {
    await limits?.close();
    await cache?.close();
    await feed?.close();
    await stores.close();
    throw err;
  }
}
