/** Alerts raised outside the evaluator (the drift canary) share listing, ack and silence with rules, but are never evaluated as rules. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { KeelError } from "../errors/errors.js";
import { silentLogger } from "../observe/log.js";
import { openMemorySqlite } from "../storage/sqlite.js";
import { AlertService, type AlertSource } from "./alert-service.js";
import type { Notifier } from "./notifier.js";
import { alertsConfigSchema } from "./rule-schema.js";
import { SqliteAlertStore } from "./sqlite-alert-store.js";
import { initialState } from "./state-machine.js";

const source: AlertSource = {
  alertSource: "drift",
  alertRules: () => [{ name: "drift.gpt", owner: "team-models", metric: "drift_similarity", slice: { model: "gpt" }, window_s: 3600, notify: { log: true } }],
};

function service() {
  const store = new SqliteAlertStore(openMemorySqlite());
  const notified: string[] = [];
  const notifier: Notifier = { notify: async (r) => { notified.push(r.name); return "not_sent"; } };
  const cfg = alertsConfigSchema.parse({ rules: [{ name: "errors", owner: "sre", metric: "error_rate", threshold: { op: ">", value: 0.1 }, notify: { log: true } }] });
  let reads = 0;
  const alerts = new AlertService(cfg, store, () => { reads++; return undefined; }, notifier, silentLogger);
  return { alerts, store, notified, reads: () => reads };
}

test("a drift alert cannot be acked until its source is attached; then it is listed, acked and silenced like a rule", async () => {
  const { alerts, store, reads } = service();
  store.putState("drift.gpt", { ...initialState(1), status: "firing", episode: 1, value: 0.4, baseline: 0.9, samples: 3 });
  assert.throws(() => alerts.ack("drift.gpt", "alice"), (e: unknown) => e instanceof KeelError && e.code === "not_found", "before: 404, as the API answered");
  alerts.attach(source);
  assert.deepEqual(alerts.rules().map((v) => [v.rule.name, v.source, v.rule.owner, v.state.status]), [["errors", "config", "sre", "ok"], ["drift.gpt", "drift", "team-models", "firing"]]);
  assert.equal(alerts.ack("drift.gpt", "alice").state.ackedBy, "alice");
  assert.equal(store.state("drift.gpt")!.ackedBy, "alice", "stored where the canary steps it, so its next firing clears it");
  assert.equal(alerts.silence("drift.gpt", 5000).state.silencedUntil, 5000);
  assert.throws(() => alerts.delete("drift.gpt"), (e: unknown) => e instanceof KeelError && e.code === "conflict");
  assert.throws(() => alerts.put({ name: "drift.gpt", owner: "x", metric: "requests", threshold: { op: ">", value: 1 }, notify: { log: true } }), (e: unknown) => e instanceof KeelError && e.code === "conflict");
  await alerts.evaluate(10_000);
  assert.equal(reads(), 1, "only the rule is evaluated; the canary steps its own alert");
  assert.equal(store.state("drift.gpt")!.status, "firing");
});
