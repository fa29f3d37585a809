/**
 * The system under test: `keel sim` as the upstream and `keel start` in front of it, each its own
 * process on loopback, Keel with a fresh data directory, traces on (the default), and a virtual key.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { request } from "undici";
import { atExit, type Child, freePort, spawnChild, waitHealthy } from "./processes.js";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BIN = join(ROOT, "bin", "keel.js");

export interface Stack {
  readonly sim: Child;
  readonly keel: Child;
  readonly simOrigin: string;
  readonly keelOrigin: string;
  /** A virtual key created through the admin API. */
  readonly key: string;
  readonly dataDir: string;
  readonly startupMs: { sim: number; keel: number };
  /** Stops Keel (SIGTERM: it flushes traces and, with --cpu-prof, writes its profile), then the sim. */
  stop(): Promise<void>;
  /** Removes the temporary data directory; call after any last look at it. */
  cleanup(): void;
}

export interface StackOptions {
  /** Extra node flags for the Keel process only, e.g. --cpu-prof. */
  keelNodeArgs?: readonly string[];
  /** Extra keel.yaml text appended as is (e.g. a `traces:` block). */
  extraYaml?: string;
}

/** Exits with a clear message when there is nothing to run: the benchmark never builds. */
export function requireBuild(): void {
  if (!existsSync(join(ROOT, "dist", "cli", "main.js"))) {
    process.stderr.write("bench: dist/ is missing — run `npm run build` first (the benchmark measures the compiled gateway).\n");
    process.exit(2);
  }
}

/** The parent's environment minus anything that would change Keel's behaviour behind the benchmark's back. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(KEEL_|OPENAI_|ANTHROPIC_)/.test(k) || k === "NODE_OPTIONS") continue;
    env[k] = v;
  }
  return env;
}

/** Node flags and environment for one Keel process only (bench/rss.ts: a heap probe, V8 flags). */
export interface KeelProcessOptions {
  nodeArgs?: readonly string[];
  env?: NodeJS.ProcessEnv;
}

/** One more Keel, from any checkout with dist/ built (`root`), in front of an already running sim: for A/B runs. */
export async function startKeel(
  root: string, simOrigin: string, extraYaml = "", proc: KeelProcessOptions = {},
): Promise<{ keel: Child; origin: string; key: string; dataDir: string; stop(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), "keel-bench-"));
  const pending = atExit(() => rmSync(dataDir, { recursive: true, force: true }));
  const port = await freePort();
  const configPath = join(dataDir, "keel.yaml");
  writeFileSync(configPath, configYaml(port, simOrigin, extraYaml));
  const adminToken = `bench-admin-${randomBytes(16).toString("hex")}`;
  const env = { ...cleanEnv(), KEEL_DATA_DIR: join(dataDir, "data"), KEEL_ADMIN_TOKEN: adminToken, KEEL_LOG_LEVEL: "warn", ...proc.env };
  const keel = spawnChild(`keel@${root}`, [...(proc.nodeArgs ?? []), join(root, "bin", "keel.js"), "start", "--config", configPath], env, root);
  const origin = `http://127.0.0.1:${port}`;
  try {
    await waitHealthy(origin, keel);
    const key = await createKey(origin, adminToken);
    return {
      keel, origin, key, dataDir,
      async stop() {
        await keel.stop(10_000);
        rmSync(dataDir, { recursive: true, force: true });
        pending.cancel();
      },
    };
  } catch (err) {
    await keel.stop(1000);
    throw err;
  }
}

function configYaml(port: number, simOrigin: string, extraYaml: string): string {
  return [
    "server:",
    "  host: 127.0.0.1",
    `  port: ${port}`,
    "providers:",
    "  - name: upstream-sim",
    "    kind: openai",
    `    base_url: ${simOrigin}/v1`,
    "models:",
    "  - name: bench",
    "    provider: upstream-sim",
    "    model: sim",
    extraYaml,
  ].join("\n");
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const simPort = await freePort();
  const sim = spawnChild("sim", [BIN, "sim", "--port", String(simPort), "--host", "127.0.0.1"], cleanEnv(), ROOT);
  const simOrigin = `http://127.0.0.1:${simPort}`;
  const dataDir = mkdtempSync(join(tmpdir(), "keel-bench-"));
  const removeDir = (): void => rmSync(dataDir, { recursive: true, force: true });
  const pending = atExit(removeDir);
  let keel: Child | undefined;
  try {
    const simStartup = await waitHealthy(simOrigin, sim);
    const keelPort = await freePort();
    const configPath = join(dataDir, "keel.yaml");
    writeFileSync(configPath, configYaml(keelPort, simOrigin, opts.extraYaml ?? ""));
    const adminToken = `bench-admin-${randomBytes(16).toString("hex")}`;
    const env = { ...cleanEnv(), KEEL_DATA_DIR: join(dataDir, "data"), KEEL_ADMIN_TOKEN: adminToken, KEEL_LOG_LEVEL: "warn" };
    keel = spawnChild("keel", [...(opts.keelNodeArgs ?? []), BIN, "start", "--config", configPath], env, ROOT);
    const keelOrigin = `http://127.0.0.1:${keelPort}`;
    const keelStartup = await waitHealthy(keelOrigin, keel);
    const key = await createKey(keelOrigin, adminToken);
    const k = keel;
    return {
      sim,
      keel: k,
      simOrigin,
      keelOrigin,
      key,
      dataDir,
      startupMs: { sim: simStartup, keel: keelStartup },
      async stop() {
        await k.stop(10_000);
        await sim.stop();
      },
      cleanup() {
        removeDir();
        pending.cancel();
      },
    };
  } catch (err) {
    await keel?.stop(1000);
    await sim.stop(1000);
    removeDir();
    pending.cancel();
    throw err;
  }
}

async function createKey(origin: string, adminToken: string): Promise<string> {
  const res = await request(`${origin}/api/v1/keys`, {
    method: "POST",
    headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "bench" }),
  });
  const text = await res.body.text();
  if (res.statusCode !== 201) throw new Error(`POST /api/v1/keys: HTTP ${res.statusCode}: ${text.slice(0, 500)}`);
  const key = (JSON.parse(text) as { key?: unknown }).key;
  if (typeof key !== "string" || !key.startsWith("sk-keel-")) throw new Error(`POST /api/v1/keys: no key in ${text.slice(0, 200)}`);
  return key;
}
