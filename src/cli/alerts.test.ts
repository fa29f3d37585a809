import assert from "node:assert/strict";
import { test } from "node:test";
import { startTestKeel } from "../testing/keel-fixture.js";
import { durationS } from "./alerts.js";
import { runCli } from "../testing/cli-process.js";


test("silence durations", () => {
  assert.equal(durationS("30m"), 1800);
  assert.equal(durationS("0s"), 0);
  assert.throws(() => durationS("soon"), /expected a duration/);
});

test("keel alerts list | ack | silence", async () => {
  const k = await startTestKeel({ alerts: { interval_s: 3600, rules: [{ name: "slow", owner: "sre@example.com", metric: "latency_p95_ms", threshold: { op: ">", value: 5000 }, notify: { log: true } }] } });
  try {
    const conn = ["--url", k.url, "--admin-token", k.adminToken];
    const list = await runCli(["alerts", "list", ...conn]);
    assert.equal(list.code, 0, list.err);
    assert.match(list.out, /RULE\s+STATE\s+OWNER\s+METRIC/);
    assert.match(list.out, /^slow\s+OK\s+sre@example\.com\s+latency_p95_ms\s+all\s+300s/m);
    const ack = await runCli(["alerts", "ack", "slow", ...conn]);
    assert.match(ack.out, /Acknowledged slow \(ok\) as \S+/);
    const sil = await runCli(["alerts", "silence", "slow", "--for", "2h", ...conn]);
    assert.match(sil.out, /Silenced slow until \d{4}-/);
    const json = JSON.parse((await runCli(["alerts", "list", "--json", ...conn])).out);
    assert.ok(json.data[0].state.silencedUntil > Date.now());
    const missing = await runCli(["alerts", "ack", "nope", ...conn]);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /No alert rule "nope"/);
  } finally {
    await k.close();
  }
});
