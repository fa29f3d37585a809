/** The /ui static handler: content types, cache headers, SPA fallback, no way out of the UI directory. */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startHttpServer } from "./http-server.js";
import { Router } from "./router.js";
import { registerUi } from "./ui-static.js";
import { silentLogger } from "../observe/log.js";

let base: string;
let dir: string;
let shutdown: () => Promise<void>;

before(async () => {
  const parent = mkdtempSync(join(tmpdir(), "keel-ui-"));
  dir = join(parent, "ui");
  mkdirSync(join(dir, "assets"), { recursive: true });
  writeFileSync(join(dir, "index.html"), "<!doctype html><title>Keel</title>");
  writeFileSync(join(dir, "assets", "index-abc123.js"), "console.log(1)");
  writeFileSync(join(dir, "assets", "index-abc123.css"), "body{}");
  writeFileSync(join(parent, "secret.txt"), "outside the UI dir");
  const router = new Router();
  assert.equal(registerUi(router, dir), true);
  const http = await startHttpServer(router, { port: 0, host: "127.0.0.1", log: silentLogger });
  base = http.url;
  shutdown = async () => {
    await http.shutdown(100);
    rmSync(parent, { recursive: true, force: true });
  };
});
after(() => shutdown());

test("hashed assets: their content type, cached for a year", async () => {
  const js = await fetch(`${base}/ui/assets/index-abc123.js`);
  assert.equal(js.status, 200);
  assert.equal(js.headers.get("content-type"), "text/javascript; charset=utf-8");
  assert.equal(js.headers.get("cache-control"), "public, max-age=31536000, immutable");
  assert.equal(js.headers.get("x-content-type-options"), "nosniff");
  assert.equal(await js.text(), "console.log(1)");
  const css = await fetch(`${base}/ui/assets/index-abc123.css`);
  assert.equal(css.headers.get("content-type"), "text/css; charset=utf-8");
});

test("index.html and client-side routes: HTML, revalidated every time, with a same-origin CSP", async () => {
  for (const path of ["/ui/", "/ui/index.html", "/ui/traces", "/ui/prompts/greet", "/ui/alerts/incidents/x"]) {
    const res = await fetch(`${base}${path}`);
    assert.equal(res.status, 200, path);
    assert.equal(res.headers.get("content-type"), "text/html; charset=utf-8", path);
    assert.equal(res.headers.get("cache-control"), "no-cache", path);
    assert.match(res.headers.get("content-security-policy") ?? "", /default-src 'self'/);
    assert.match(await res.text(), /<title>Keel/);
  }
  const bare = await fetch(`${base}/ui`, { redirect: "manual" });
  assert.equal(bare.status, 308);
  assert.equal(bare.headers.get("location"), "/ui/");
  const head = await fetch(`${base}/ui/traces`, { method: "HEAD" });
  assert.equal(head.status, 200);
});

test("a missing asset is a 404, not index.html served as JavaScript", async () => {
  assert.equal((await fetch(`${base}/ui/assets/index-old.js`)).status, 404);
  assert.equal((await fetch(`${base}/ui/favicon.png`)).status, 404);
});

test("no directory traversal, encoded or not", async () => {
  for (const path of ["/ui/..%2fsecret.txt", "/ui/%2e%2e/secret.txt", "/ui/assets/..%2f..%2fsecret.txt", "/ui/%2e%2e", "/ui/..%5csecret.txt", "/ui/a%00b"]) {
    const res = await fetch(`${base}${path}`);
    const body = await res.text();
    assert.ok(!body.includes("outside the UI dir"), path);
    assert.equal(res.status, 404, path);
  }
});

test("nothing is registered when the UI was not built", () => {
  assert.equal(registerUi(new Router(), join(tmpdir(), "keel-no-such-ui")), false);
});
