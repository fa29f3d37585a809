import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseDocument } from "yaml";
import type { z } from "zod";
import { configSchema, type KeelConfig } from "./schema.js";
import type { ProviderConfig } from "../providers/provider-schema.js";
import type { ModelConfig } from "../routing/model-schema.js";
import { applyEnv, type KeelEnv, readEnv } from "./env.js";
import { ConfigError } from "../errors/config-error.js";
import { simOptionsSchema } from "../providers/sim/options.js";
import { localEmbeddingsOptionsSchema } from "../providers/embeddings/options.js";
import { checkRouteReferences } from "../routing/route-references.js";

export { ConfigError };

/** The one config object every module reads; built once at start-up, then frozen. */
export interface ResolvedConfig extends Omit<KeelConfig, "data_dir"> {
  readonly dataDir: string;
  readonly configPath: string | null;
  readonly adminToken: string | undefined;
  readonly editorToken: string | undefined;
  readonly masterKey: string | undefined;
  readonly logLevel: "debug" | "info" | "warn" | "error";
}

export const LOCAL_EMBEDDINGS_MODEL = "universal-sentence-encoder-lite";

export interface LoadOptions {
  /** Path given with --config; must exist. Without it, ./keel.yaml is read when present. */
  configPath?: string;
  cwd?: string;
  /** Defaults to process.env — the only place Keel reads it. */
  env?: NodeJS.ProcessEnv;
  /** Inline config (tests, embedding Keel in another program); used instead of a file. */
  inline?: unknown;
}

export function loadConfig(opts: LoadOptions = {}): ResolvedConfig {
  const cwd = opts.cwd ?? process.cwd();
  const env = readEnv(opts.env ?? process.env);
  let raw: unknown = {};
  let file: string | null = null;
  if (opts.inline !== undefined) {
    raw = opts.inline;
  } else {
    file = opts.configPath ? resolve(cwd, opts.configPath) : resolve(cwd, "keel.yaml");
    if (!existsSync(file)) {
      if (opts.configPath) throw new ConfigError(`${opts.configPath}: file not found`);
      file = null;
    } else {
      raw = parseYaml(file, readFileSync(file, "utf8"));
    }
  }
  const label = file ?? (opts.inline !== undefined ? "inline config" : "defaults");
  const expanded = expandEnvRefs(raw ?? {}, env.all, label, []);
  const parsed = configSchema.safeParse(expanded);
  if (!parsed.success) throw new ConfigError(formatZodError(label, parsed.error));
  const config = applyEnv(parsed.data, env);
  addBuiltIns(config);
  checkReferences(config, label);
  const { data_dir, ...rest } = config;
  return deepFreeze({
    ...rest,
    dataDir: resolve(cwd, data_dir),
    configPath: file,
    adminToken: env.adminToken,
    editorToken: env.editorToken,
    masterKey: env.masterKey,
    logLevel: env.logLevel,
  });
}

function parseYaml(file: string, text: string): unknown {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const where = e.linePos ? `:${e.linePos[0].line}:${e.linePos[0].col}` : "";
    throw new ConfigError(`${file}${where}: invalid YAML: ${e.message.split("\n")[0]}`);
  }
  return doc.toJS();
}

/** `${NAME}` in any string is replaced by the environment variable; a missing one is an error naming the key path. */
function expandEnvRefs(value: unknown, env: Readonly<Record<string, string | undefined>>, file: string, path: (string | number)[]): unknown {
  if (typeof value === "string") {
    return value.replace(/\$\{([A-Z_][A-Z0-9_]*)\}/gi, (_, name: string) => {
      const v = env[name];
      if (v === undefined) throw new ConfigError(`${file}: ${formatPath(path)}: environment variable ${name} is not set`);
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => expandEnvRefs(v, env, file, [...path, i]));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = expandEnvRefs(v, env, file, [...path, k]);
    return out;
  }
  return value;
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(root)";
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join("");
}

export function formatZodError(file: string, error: z.ZodError): string {
  const lines = error.issues.slice(0, 10).map((i) => `  ${formatPath(i.path)}: ${i.message}`);
  return `${file}: invalid configuration\n${lines.join("\n")}`;
}

/** The simulator (`sim`) and the offline embedder are always there unless turned off, so a fresh install serves without a network. */
function addBuiltIns(config: KeelConfig): void {
  // a route may take a built-in name (e.g. serve `sim` from several replicas)
  const names = new Set([...config.models.map((m) => m.name), ...config.routes.flatMap((r) => [r.name, ...r.aliases])]);
  if (config.sim && !config.providers.some((p) => p.name === "sim")) {
    config.providers.push(simOptionsSchema.parse({ name: "sim", kind: "sim" }));
  }
  if (config.sim && !names.has("sim")) config.models.push(model("sim", "sim", "chat"));
  if (!config.providers.some((p) => p.kind === "local-embeddings")) {
    config.providers.push(localEmbeddingsOptionsSchema.parse({ name: "local", kind: "local-embeddings" }));
  }
  const local = config.providers.find((p) => p.kind === "local-embeddings")!;
  if (!names.has(LOCAL_EMBEDDINGS_MODEL)) {
    const m = model(LOCAL_EMBEDDINGS_MODEL, local.name, "embeddings");
    m.aliases = ["local-embeddings"];
    config.models.push(m);
  }
}

function model(name: string, provider: string, type: ModelConfig["type"]): ModelConfig {
  return { name, provider, aliases: [], type };
}

function checkReferences(config: KeelConfig, file: string): void {
  const providers = new Map<string, ProviderConfig>();
  config.providers.forEach((p, i) => {
    if (providers.has(p.name)) throw new ConfigError(`${file}: providers[${i}].name: duplicate provider name "${p.name}"`);
    providers.set(p.name, p);
  });
  const seen = new Set<string>();
  config.models.forEach((m, i) => {
    if (!providers.has(m.provider)) {
      throw new ConfigError(`${file}: models[${i}].provider: unknown provider "${m.provider}" (known: ${[...providers.keys()].join(", ")})`);
    }
    for (const n of [m.name, ...m.aliases]) {
      if (seen.has(n)) throw new ConfigError(`${file}: models[${i}]: duplicate model name or alias "${n}"`);
      seen.add(n);
    }
  });
  checkRouteReferences(config.routes, config.models, new Set(providers.keys()), file);
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === "object" && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

export type { KeelEnv };
