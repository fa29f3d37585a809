/**
 * SIGKILL under load, then a restart on the same data dir: the store is not corrupt, and every
 * call that completed more than the documented bound (docs/traces.md: traces.flush_interval_ms,
 * 250 ms by default) plus a margin before the kill has its trace. The process is `keel start` from
 * source (the same main() as bin/keel.js; see testing/cli-process.ts) with the simulator provider.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { Agent, request } from "undici";
import { type CliProcess, killCliChildren, spawnCli } from "../testing/cli-process.js";
import { until } from "../testing/until.js";

after(killCliChildren);

const ADMIN = "keel-admin-crash-test-token-0123456789";
/** traces.flush_interval_ms's default: the documented bound on what a crash may lose. */
const FLUSH_BOUND_MS = 250;
/** For a noisy 2-core machine: an event loop late by this much is still not a lost trace. */
const MARGIN_MS = 1000;
const WORKERS = 8;

function start(dir: string): { p: CliProcess; url: Promise<string> } {
  const p = spawnCli(["start"], { cwd: dir, env: { KEEL_PORT: "0", KEEL_DATA_DIR: join(dir, "data"), KEEL_ADMIN_TOKEN: ADMIN } });
  const url = (async () => {
    let found: string | undefined;
    await until(() => (found = /listening on (http:\/\/\S+)/.exec(p.out())?.[1]) !== undefined, "keel to listen", 30_000);
    return found!;
  })();
  return { p, url };
}

async function call(agent: Agent, url: string, key: string): Promise<string | null> {
  const res = await request(`${url}/v1/chat/completions`, {
    method: "POST",
    dispatcher: agent,
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "sim", max_tokens: 8, messages: [{ role: "user", content: "crash me" }] }),
  });
  const body = await res.body.text();
  return res.statusCode === 200 && body.includes("chat.completion") ? String(res.headers["x-request-id"]) : null;
}

function integrity(db: Database.Database): string {
  return db.pragma("integrity_check", { simple: true }) as string;
}

test("SIGKILL during load: the store is intact and no trace older than the flush bound is lost; the restart serves", async () => {
  const dir = mkdtempSync(join(tmpdir(), "keel-crash-"));
  writeFileSync(join(dir, "keel.yaml"), "providers:\n  - name: sim\n    kind: sim\n");
  try {
    const first = start(dir);
    const url = await first.url;
    await until(() => /sk-keel-[\w-]+/.test(first.p.out()), "the first-run key");
    const key = /(sk-keel-[\w-]+)/.exec(first.p.out())![1];

    const agent = new Agent({ connections: WORKERS });
    const completed: { id: string; at: number }[] = [];
    let running = true;
    const workers = Array.from({ length: WORKERS }, async () => {
      while (running) {
        const id = await call(agent, url, key).catch(() => null);
        if (id !== null) completed.push({ id, at: Date.now() });
      }
    });
    // Load long enough that many calls are well past the bound when the kill lands.
    await until(() => completed.length >= 300 && Date.now() - completed[0].at > 3 * (FLUSH_BOUND_MS + MARGIN_MS), "load to build up", 60_000);
    const killedAt = Date.now();
    first.p.child.kill("SIGKILL");
    await first.p.exit;
    running = false;
    await Promise.all(workers);
    await agent.close();

    const db = new Database(join(dir, "data", "keel.db"));
    assert.equal(integrity(db), "ok");
    const has = db.prepare("SELECT 1 FROM traces WHERE id = ?");
    const old = completed.filter((c) => c.at < killedAt - FLUSH_BOUND_MS - MARGIN_MS);
    assert.ok(old.length >= 100, `enough calls completed before the bound (${old.length})`);
    const lost = old.filter((c) => has.get(c.id) === undefined);
    assert.deepEqual(lost, [], `${lost.length} of ${old.length} traces older than ${FLUSH_BOUND_MS}+${MARGIN_MS} ms lost`);
    const newest = db.prepare("SELECT COUNT(*) AS n FROM traces").get() as { n: number };
    db.close();

    // The restart opens the same file, serves, and traces again.
    const second = start(dir);
    const url2 = await second.url;
    const agent2 = new Agent();
    const id = await call(agent2, url2, key);
    assert.ok(id, "the restarted instance serves the same key");
    await agent2.close();
    second.p.child.kill("SIGTERM");
    assert.equal(await second.p.exit, 0);
    const after = new Database(join(dir, "data", "keel.db"), { readonly: true });
    assert.equal(integrity(after), "ok");
    assert.ok(after.prepare("SELECT 1 FROM traces WHERE id = ?").get(id), "the restart's own call is traced");
    assert.equal((after.prepare("SELECT COUNT(*) AS n FROM traces").get() as { n: number }).n, newest.n + 1);
    after.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
