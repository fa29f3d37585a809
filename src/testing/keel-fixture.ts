import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type KeelApp, startKeel, type StartOptions } from "../app.js";
import { loadConfig } from "../config/load.js";
import { type Logger, silentLogger } from "../observe/log.js";

export interface TestKeel {
  app: KeelApp;
  url: string;
  /** The first-run virtual key. */
  key: string;
  adminToken: string;
  dataDir: string;
  admin(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }>;
  close(): Promise<void>;
}

export const TEST_ADMIN_TOKEN = "keel-admin-test-token-0123456789";

/** A real Keel on a random loopback port with its own data dir — what the tests talk to over HTTP. */
export async function startTestKeel(inline: Record<string, unknown> = {}, env: Record<string, string> = {}, opts: Omit<StartOptions, "log"> & { log?: Logger } = {}): Promise<TestKeel> {
  const dataDir = mkdtempSync(join(tmpdir(), "keel-test-"));
  const config = loadConfig({
    inline: { ...inline, server: { port: 0, ...(inline.server as object | undefined) }, traces: { flush_interval_ms: 10, ...(inline.traces as object | undefined) } },
    env: { KEEL_DATA_DIR: dataDir, KEEL_ADMIN_TOKEN: TEST_ADMIN_TOKEN, ...env },
  });
  const app = await startKeel(config, { ...opts, log: opts.log ?? silentLogger });
  return {
    app,
    url: app.url,
    key: app.firstRun.key!,
    adminToken: TEST_ADMIN_TOKEN,
    dataDir,
    async admin(method, path, body) {
      const res = await fetch(`${app.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, json: text ? JSON.parse(text) : null };
    },
    async close() {
      await app.shutdown();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
