import { registerCredentialRoutes } from "./admin/credential-routes.js";
import { registerAdminRoutes } from "./admin/routes.js";
import type { ResolvedConfig } from "./config/load.js";
import { CredentialService } from "./credentials/credential-service.js";
import { SqliteCredentialStore } from "./credentials/credential-store.js";
import { ModelRegistry } from "./gateway/model-registry.js";
import { registerGatewayRoutes } from "./gateway/routes.js";
import { AdminAuth } from "./keys/admin-token.js";
import { KeyService } from "./keys/key-service.js";
import { SqliteKeyStore } from "./keys/sqlite-key-store.js";
import { createLogger, type Logger } from "./observe/log.js";
import { PriceTable } from "./observe/prices.js";
import { SqliteTraceStore } from "./observe/sqlite-trace-store.js";
import { TraceWriter } from "./observe/trace-writer.js";
import { ProviderRegistry } from "./providers/registry.js";
import { loadMasterKey } from "./secrets/master-key.js";
import { startHttpServer } from "./server/http-server.js";
import { sendJson } from "./server/respond.js";
import { Router } from "./server/router.js";
import { SqliteSettingsStore } from "./store/settings-store.js";
import { openSqlite } from "./store/sqlite.js";

export interface KeelApp {
  readonly url: string;
  readonly config: ResolvedConfig;
  /** Secrets created by this start — printed once by `keel start`, never stored in plaintext. */
  readonly firstRun: { adminToken?: string; key?: string };
  readonly traces: TraceWriter;
  readonly keys: KeyService;
  shutdown(): Promise<void>;
}

const HOUR = 3_600_000;

/** The composition root: opens the store, builds every domain service once, and serves. */
export async function startKeel(config: ResolvedConfig, opts: { log?: Logger } = {}): Promise<KeelApp> {
  const log = opts.log ?? createLogger(config.logLevel);
  const db = openSqlite(config.dataDir);
  try {
    const settings = new SqliteSettingsStore(db);
    const { auth, created: adminToken } = AdminAuth.init(settings, config.adminToken);
    const credentials = new CredentialService(new SqliteCredentialStore(db), loadMasterKey({ envValue: config.masterKey, dataDir: config.dataDir }));
    const keys = new KeyService(new SqliteKeyStore(db));
    let firstKey: string | undefined;
    if (!settings.get("initialized_at")) {
      firstKey = keys.create({ name: "default" }).key;
      settings.set("initialized_at", new Date().toISOString());
    }

    const traceStore = new SqliteTraceStore(db);
    const traces = new TraceWriter(traceStore, {
      batchSize: config.traces.batch_size,
      flushIntervalMs: config.traces.flush_interval_ms,
      maxQueue: config.traces.max_queue,
      onError: (err) => log.error("trace write failed", { error: String(err) }),
    });
    const prune = (): void => {
      const n = traceStore.deleteBefore(Date.now() - config.traces.retention_days * 24 * HOUR);
      if (n > 0) log.info("pruned old traces", { deleted: n });
    };
    prune();
    const pruneTimer = setInterval(prune, HOUR);
    pruneTimer.unref();

    const providers = new ProviderRegistry(config.providers, (name) => credentials.reveal(name), (msg) => log.warn(msg));
    const models = new ModelRegistry(config.models, new PriceTable(config.prices));
    let ready = false;

    const router = new Router();
    router.add("GET", "/healthz", (_req, res) => sendJson(res, 200, { status: "ok" }));
    router.add("GET", "/readyz", (_req, res) => sendJson(res, ready ? 200 : 503, { status: ready ? "ready" : "not_ready" }));
    registerGatewayRoutes(router, { config, keys, models, providers, traces, log, startedAt: Date.now() });
    registerAdminRoutes(router, { auth, keys, traceStore, traceWriter: traces });
    registerCredentialRoutes(router, auth, credentials, providers);

    const http = await startHttpServer(router, { port: config.server.port, host: config.server.host, log });
    ready = true;
    let stopping: Promise<void> | null = null;
    return {
      url: http.url,
      config,
      firstRun: { adminToken, key: firstKey },
      traces,
      keys,
      shutdown(): Promise<void> {
        stopping ??= (async () => {
          ready = false;
          clearInterval(pruneTimer);
          await http.shutdown(config.server.shutdown_grace_ms);
          traces.close();
          await providers.close();
          db.close();
        })();
        return stopping;
      },
    };
  } catch (err) {
    db.close();
    throw err;
  }
}
