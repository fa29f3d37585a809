/** `keel cache stats|purge|calibrate` as a user runs them: against a live Keel, and locally on a pairs file. */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../testing/cli-process.js";
import { startTestKeel, type TestKeel } from "../testing/keel-fixture.js";

let keel: TestKeel;
let dir: string;
before(async () => {
  keel = await startTestKeel({ cache: { enabled: true, backend: "memory" } });
  dir = mkdtempSync(join(tmpdir(), "keel-cache-cli-"));
});
after(async () => {
  await keel.close();
  rmSync(dir, { recursive: true, force: true });
});

const env = (): Record<string, string> => ({ KEEL_URL: keel.url, KEEL_ADMIN_TOKEN: keel.adminToken });

test("stats counts a miss and a hit; purge by route deletes the entry and needs a filter", async () => {
  const call = () => fetch(`${keel.url}/v1/chat/completions`, { method: "POST", headers: { authorization: `Bearer ${keel.key}`, "content-type": "application/json" }, body: JSON.stringify({ model: "sim", temperature: 0, messages: [{ role: "user", content: "cli cache" }] }) }).then((r) => r.text());
  await call();
  await new Promise((r) => setTimeout(r, 50));
  await call();
  const stats = await runCli(["cache", "stats", "--json"], { env: env() });
  assert.equal(stats.code, 0, stats.err);
  const s = JSON.parse(stats.out);
  assert.equal(s.backend, "memory");
  assert.equal(s.entries, 1);
  assert.equal(s.hits, 1);
  assert.equal(s.misses, 1);
  const none = await runCli(["cache", "purge"], { env: env() });
  assert.equal(none.code, 1);
  assert.match(none.err, /give at least one of --route/);
  const p = await runCli(["cache", "purge", "--route", "sim", "--reason", "cli test"], { env: env() });
  assert.equal(p.code, 0, p.err);
  assert.match(p.out, /deleted 1 cached answer/);
});

test("calibrate rejects a bad file or target with the line and field, and prints a curve and a verdict", async () => {
  const bad = join(dir, "bad.jsonl");
  writeFileSync(bad, '{"a": "x", "b": "y", "duplicate": true}\n{"a": "x", "b": 3, "duplicate": false}\n');
  const r = await runCli(["cache", "calibrate", bad]);
  assert.equal(r.code, 1);
  assert.match(r.err, /line 2: "b" must be a non-empty string/);
  const t = await runCli(["cache", "calibrate", bad, "--target-false-hit-rate", "2"]);
  assert.match(t.err, /between 0 and 1/);
  const good = join(dir, "good.jsonl");
  writeFileSync(good, ['{"a": "How do I reset my password?", "b": "How can I reset my password?", "duplicate": true}', '{"a": "Do you ship to Canada?", "b": "Do you ship to Japan?", "duplicate": false}'].join("\n"));
  const j = await runCli(["cache", "calibrate", good, "--json"]);
  assert.equal(j.code, 0, j.err);
  const c = JSON.parse(j.out);
  assert.equal(c.pairs, 2);
  assert.equal(c.curve.length, 51);
  assert.equal(c.chosen, null, "two pairs cannot show a 0.5% false-hit rate");
  assert.ok(c.curve[0].hits >= 1);
});

test("calibrate --per-entry compares one global threshold with per-entry thresholds on the same replay", async () => {
  // Written for this test: one entry falsely matched three times, one truly matched twice.
  const file = join(dir, "per-entry.jsonl");
  const line = (a: string, b: string, duplicate: boolean) => JSON.stringify({ a, b, duplicate });
  writeFileSync(file, [
    line("Do you ship to Canada?", "Do you ship to Japan?", false), line("How do I reset my password?", "How can I reset my password?", true),
    line("Do you ship to Canada?", "Do you ship to Japan?", false), line("How do I reset my password?", "How can I reset my password?", true),
    line("Do you ship to Canada?", "Do you ship to Japan?", false),
  ].join("\n"));
  const bad = await runCli(["cache", "calibrate", file, "--per-entry", "--audit-share", "0"]);
  assert.match(bad.err, /--audit-share must be a number in \(0, 1\]/);
  const j = await runCli(["cache", "calibrate", file, "--per-entry", "--json"]);
  assert.equal(j.code, 0, j.err);
  const c = JSON.parse(j.out);
  assert.equal(c.per_entry.audit_share, 1);
  const low = c.per_entry.comparison.find((r: { threshold: number }) => r.threshold === 0.8);
  assert.equal(low.global.falseHits, 3, "one global threshold serves the same false hit every time");
  assert.equal(low.perEntry.falseHits, 1, "the audited first one raises the entry, and the next two miss");
  assert.equal(low.perEntry.hits - low.perEntry.falseHits, low.global.hits - low.global.falseHits, "the true hits stay");
  const t = await runCli(["cache", "calibrate", file, "--per-entry"]);
  assert.match(t.out, /global threshold vs per-entry thresholds/);
});
