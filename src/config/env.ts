import { ConfigError } from "../errors/config-error.js";
import type { KeelConfig } from "./schema.js";
import { openaiOptionsSchema } from "../providers/openai/options.js";
import { anthropicOptionsSchema } from "../providers/anthropic/options.js";

/** The environment variables Keel reads — here and nowhere else. */
export interface KeelEnv {
  readonly all: Readonly<Record<string, string | undefined>>;
  readonly port?: number;
  readonly host?: string;
  readonly dataDir?: string;
  /** KEEL_STORE_URL: `sqlite` or a postgres:// URL (beats `store:` in keel.yaml). */
  readonly storeUrl?: string;
  /** KEEL_REDIS_URL: the shared Redis (beats `redis.url`). */
  readonly redisUrl?: string;
  readonly adminToken?: string;
  /** KEEL_EDITOR_TOKEN: the `editor` role on the admin API (prompts only; docs/prompts.md). */
  readonly editorToken?: string;
  readonly masterKey?: string;
  readonly logLevel: "debug" | "info" | "warn" | "error";
  readonly openaiApiKey?: string;
  readonly openaiBaseUrl?: string;
  readonly anthropicApiKey?: string;
  readonly anthropicBaseUrl?: string;
}

const LEVELS = ["debug", "info", "warn", "error"] as const;

export function readEnv(env: NodeJS.ProcessEnv): KeelEnv {
  const get = (k: string): string | undefined => {
    const v = env[k];
    return v === undefined || v === "" ? undefined : v;
  };
  let port: number | undefined;
  const p = get("KEEL_PORT");
  if (p !== undefined) {
    port = Number(p);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`KEEL_PORT: expected an integer 0–65535, got "${p}"`);
  }
  const level = get("KEEL_LOG_LEVEL") ?? "info";
  if (!(LEVELS as readonly string[]).includes(level)) throw new ConfigError(`KEEL_LOG_LEVEL: expected one of ${LEVELS.join(", ")}`);
  const adminToken = get("KEEL_ADMIN_TOKEN");
  if (adminToken !== undefined && adminToken.length < 16) throw new ConfigError("KEEL_ADMIN_TOKEN: must be at least 16 characters");
  const editorToken = get("KEEL_EDITOR_TOKEN");
  if (editorToken !== undefined && editorToken.length < 16) throw new ConfigError("KEEL_EDITOR_TOKEN: must be at least 16 characters");
  if (editorToken !== undefined && editorToken === adminToken) throw new ConfigError("KEEL_EDITOR_TOKEN: must differ from KEEL_ADMIN_TOKEN");
  return {
    all: { ...env },
    port,
    host: get("KEEL_HOST"),
    dataDir: get("KEEL_DATA_DIR"),
    storeUrl: get("KEEL_STORE_URL"),
    redisUrl: get("KEEL_REDIS_URL"),
    adminToken,
    editorToken,
    masterKey: get("KEEL_MASTER_KEY"),
    logLevel: level as KeelEnv["logLevel"],
    openaiApiKey: get("OPENAI_API_KEY"),
    openaiBaseUrl: get("OPENAI_BASE_URL"),
    anthropicApiKey: get("ANTHROPIC_API_KEY"),
    anthropicBaseUrl: get("ANTHROPIC_BASE_URL"),
  };
}

/**
 * Env beats file. Provider keys in the environment add a provider (and a `name/*` model) when the
 * file does not configure one by that name, so `OPENAI_API_KEY=… npm start` just works.
 */
export function applyEnv(config: KeelConfig, env: KeelEnv): KeelConfig {
  if (env.port !== undefined) config.server.port = env.port;
  if (env.host !== undefined) config.server.host = env.host;
  if (env.dataDir !== undefined) config.data_dir = env.dataDir;
  if (env.storeUrl !== undefined) {
    if (env.storeUrl !== "sqlite" && !/^postgres(?:ql)?:\/\/\S+$/i.test(env.storeUrl)) throw new ConfigError("KEEL_STORE_URL: expected \"sqlite\" or a postgres:// URL");
    config.store = env.storeUrl;
  }
  if (env.redisUrl !== undefined) {
    if (!/^rediss?:\/\/\S+$/.test(env.redisUrl)) throw new ConfigError("KEEL_REDIS_URL: expected a redis:// or rediss:// URL");
    config.redis.url = env.redisUrl;
  }
  if ((env.openaiApiKey || env.openaiBaseUrl) && !config.providers.some((p) => p.name === "openai")) {
    config.providers.push(openaiOptionsSchema.parse({ name: "openai", kind: "openai", base_url: env.openaiBaseUrl ?? "https://api.openai.com/v1", api_key: env.openaiApiKey }));
    config.models.push({ name: "openai/*", provider: "openai", aliases: [], type: "chat" });
  }
  if (env.anthropicApiKey && !config.providers.some((p) => p.name === "anthropic")) {
    config.providers.push(anthropicOptionsSchema.parse({ name: "anthropic", kind: "anthropic", base_url: env.anthropicBaseUrl ?? "https://api.anthropic.com", api_key: env.anthropicApiKey }));
    config.models.push({ name: "anthropic/*", provider: "anthropic", aliases: [], type: "chat" });
  }
  return config;
}

/** What the CLI's client commands read from the environment: where Keel is and the admin token. */
export function readCliEnv(env: NodeJS.ProcessEnv = process.env): { url: string; adminToken?: string; apiKey?: string; vars: Readonly<Record<string, string | undefined>> } {
  const port = env.KEEL_PORT || "4000";
  const host = env.KEEL_HOST || "127.0.0.1";
  return {
    url: env.KEEL_URL || `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    adminToken: env.KEEL_ADMIN_TOKEN || undefined,
    /** KEEL_API_KEY: the virtual key `keel eval run` calls the gateway with (targets and judges). */
    apiKey: env.KEEL_API_KEY || undefined,
    /** For `${NAME}` in eval suite files. */
    vars: { ...env },
  };
}
