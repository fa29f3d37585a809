import { test } from "node:test";
import assert from "node:assert/strict";
import { cacheControl, cacheTtlHeader, decideCache } from "./cache-policy.js";
import { loadConfig } from "../config/load.js";
import { cacheConfigSchema } from "./cache-schema.js";
import { CacheSettingsTable, scopeOf } from "./cache-settings.js";

const table = new CacheSettingsTable(cacheConfigSchema.parse({ enabled: true, max_temperature: 0.2, routes: { open: { mode: "always", ttl_s: 10 }, off: { mode: "never" }, structured: { cache_json_schema: true } } }));
const none = { cacheControl: undefined, ttlS: null };

test("deterministic mode caches at or below the threshold; an absent temperature is OpenAI's default 1", () => {
  const s = table.for("sim", "sim");
  assert.equal(decideCache(s, none, { temperature: 0.2 }).read, true);
  assert.equal(decideCache(s, none, { temperature: 0.3 }).bypass, "temperature");
  assert.equal(decideCache(s, none, {}).bypass, "temperature");
  assert.equal(decideCache(s, none, { temperature: 0, n: 3 }).bypass, "n");
});

test("routes override the section: always, never, TTL, JSON schema", () => {
  assert.deepEqual(decideCache(table.for("open", "x"), none, { temperature: 1.5 }), { read: true, write: true, bypass: null, ttlS: 10 });
  assert.equal(decideCache(table.for("x", "off"), none, { temperature: 0 }).bypass, "mode-never", "the resolved name is looked up too");
  const rf = { temperature: 0, response_format: { type: "json_schema", json_schema: { name: "x", schema: {} } } };
  assert.equal(decideCache(table.for("sim", "sim"), none, rf).bypass, "json-schema");
  assert.equal(decideCache(table.for("structured", "x"), none, rf).bypass, null);
});

test("Cache-Control no-store and no-cache, and the TTL header", () => {
  const s = table.for("sim", "sim");
  assert.deepEqual(decideCache(s, { cacheControl: "no-store", ttlS: null }, { temperature: 0 }), { read: false, write: false, bypass: "no-store", ttlS: 3600 });
  assert.deepEqual(decideCache(s, { cacheControl: "max-age=0, No-Cache", ttlS: 5 }, { temperature: 0 }), { read: false, write: true, bypass: null, ttlS: 5 });
  assert.deepEqual(cacheControl("no-cache-please"), { noCache: false, noStore: false });
  assert.deepEqual(cacheTtlHeader("60", 100), { ttlS: 60, error: null });
  for (const bad of ["0", "-1", "101", "1.5", "abc", ""]) assert.match(cacheTtlHeader(bad, 100).error ?? "", /from 1 to 100/, bad);
});

test("scope: key by default; team when the key has one; global only when configured", () => {
  assert.equal(scopeOf("key", "key_a", "red"), "key:key_a");
  assert.equal(scopeOf("team", "key_a", "red"), "team:red");
  assert.equal(scopeOf("team", "key_a", null), "key:key_a", "a key without a team stays isolated");
  assert.equal(scopeOf("global", "key_a", "red"), "global");
});

test("config: nonsense settings fail with the key path", () => {
  const bad = (v: unknown): string => {
    const r = cacheConfigSchema.safeParse(v);
    assert.equal(r.success, false);
    return r.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
  };
  assert.match(bad({ ttl_s: -1 }), /^ttl_s: a TTL is at least 1 second/);
  assert.match(bad({ routes: { sim: { ttl_s: 0 } } }), /routes\.sim\.ttl_s/);
  assert.match(bad({ max_temperature: 3 }), /max_temperature/);
  assert.match(bad({ routes: { sim: { mode: "sometimes" } } }), /routes\.sim\.mode/);
  assert.match(bad({ backend: "disk" }), /backend/);
  assert.match(bad({ max_entry_bytes: 10 }), /max_entry_bytes/);
  assert.match(bad({ semantic: { threshold: 1.2 } }), /^semantic\.threshold: /);
  assert.match(bad({ routes: { faq: { semantic_threshold: -0.1 } } }), /^routes\.faq\.semantic_threshold: /);
  assert.match(bad({ semantic: { verify_sample: 1.5 } }), /^semantic\.verify_sample: /);
  assert.match(bad({ semantic: { verify_concurrency: 0 } }), /^semantic\.verify_concurrency: /);
  assert.match(bad({ semantic: { on_false_hit: "ignore" } }), /^semantic\.on_false_hit: /);
});

test("keel.yaml: a bad cache setting stops start-up naming its full path", () => {
  assert.throws(() => loadConfig({ inline: { cache: { enabled: true, ttl_s: -60 } }, env: {} }), /cache\.ttl_s/);
  assert.throws(() => loadConfig({ inline: { cache: { semantic: { threshold: 2 } } }, env: {} }), /cache\.semantic\.threshold/);
  assert.equal(loadConfig({ inline: {}, env: {} }).cache.enabled, false, "off by default");
});
