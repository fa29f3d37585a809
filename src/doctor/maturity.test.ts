import assert from "node:assert/strict";
import { test } from "node:test";
import { startTestKeel } from "../testing/keel-fixture.js";
import { runCli } from "../testing/cli-process.js";
import { assess, type Evidence } from "./maturity.js";

/** A deployment that passes every criterion; tests take one away at a time. */
const full: Evidence = {
  windowDays: 7, requests: 1000, costUsd: 12.5, promptVersionShare: 0.95, featureShare: 0.9, userShare: 0.5, cacheHitShare: 0.3,
  evalRuns: 4, gatedEvalRuns: 2, onlineRules: 2, onlineScores24h: 50, alertRules: 3, alertRulesWithOwner: 3, firingUnacked: 0,
  targets: 3, rollouts: 1, guardScreened: 1000, guardBlocks: 4, guardFprMeasured: true, auditOk: true, auditChecked: 40,
  models: [{ model: "gpt-4o", requests: 750, lastFingerprintChange: Date.UTC(2026, 11, 1), canary: true }, { model: "claude", requests: 250, lastFingerprintChange: null, canary: false }],
};

test("the level is the highest whose checks and every lower level's pass", () => {
  assert.equal(assess(full).level, 4);
  assert.equal(assess({ ...full, auditOk: false }).level, 3);
  assert.equal(assess({ ...full, rollouts: 0 }).level, 2);
  // A level-4 practice does not lift a deployment that misses a level-2 check.
  const r = assess({ ...full, promptVersionShare: 0.5 });
  assert.equal(r.level, 1);
  assert.deepEqual(r.nextSteps.map((s) => s.id), ["prompt_registry"]);
  assert.equal(assess({ ...full, requests: 0 }).level, 0);
  // The 80% line is inclusive; an unowned rule or an unacknowledged firing alert fails level 2.
  assert.equal(assess({ ...full, promptVersionShare: 0.8 }).level, 4);
  assert.equal(assess({ ...full, alertRulesWithOwner: 2 }).level, 1);
  assert.equal(assess({ ...full, firingUnacked: 1 }).level, 1);
});

test("next steps are the first three failing checks above the level, lowest level first", () => {
  const r = assess({ ...full, evalRuns: 0, onlineScores24h: 0, targets: 1, guardBlocks: 0, auditChecked: 0 });
  assert.equal(r.level, 0);
  assert.deepEqual(r.nextSteps.map((s) => `${s.level}:${s.id}`), ["1:some_evals", "2:online_evals", "3:routing_failover"]);
  assert.ok(r.nextSteps.every((s) => s.step.length > 20));
});

test("the supply chain lists models by traffic share with canary coverage", () => {
  const r = assess(full);
  assert.deepEqual(r.supplyChain, [
    { model: "gpt-4o", share: 0.75, lastFingerprintChange: "2026-12-01T00:00:00.000Z", canary: true },
    { model: "claude", share: 0.25, lastFingerprintChange: null, canary: false },
  ]);
  assert.deepEqual(r.modelsWithoutCanary, ["claude"]);
});

test("keel doctor reads a live instance: level 0 without evals, level 1 once online scores exist; --min-level fails CI", async () => {
  const k = await startTestKeel();
  try {
    const chat = async (): Promise<void> => {
      const r = await fetch(`${k.url}/v1/chat/completions`, {
        method: "POST", headers: { authorization: `Bearer ${k.key}`, "content-type": "application/json", "x-keel-feature": "support" },
        body: JSON.stringify({ model: "sim", messages: [{ role: "user", content: "hi" }], max_tokens: 5 }),
      });
      assert.equal(r.status, 200, await r.text());
    };
    await chat();
    await chat();
    const conn = ["--url", k.url, "--admin-token", k.adminToken];
    const first = await runCli(["doctor", "--json", ...conn]);
    assert.equal(first.code, 0, first.err);
    const r0 = JSON.parse(first.out);
    assert.equal(r0.level, 0);
    const by = (id: string): { status: string; evidence: string } => r0.criteria.find((c: { id: string }) => c.id === id);
    assert.equal(by("traffic_traced").status, "pass");
    assert.match(by("traffic_traced").evidence, /^2 calls/);
    assert.equal(by("cost_known").status, "pass");
    assert.equal(by("some_evals").status, "fail");
    assert.equal(by("cost_attribution").status, "pass");
    assert.equal(by("audit_trail").status, "pass");
    assert.equal(r0.nextSteps[0].id, "some_evals");
    assert.deepEqual(r0.supplyChain.map((m: { model: string; share: number; canary: boolean }) => [m.model, m.share, m.canary]), [["sim", 1, false]]);
    const gate = await runCli(["doctor", "--min-level", "1", ...conn]);
    assert.equal(gate.code, 1);
    assert.match(gate.out, /Maturity level 0 \(ad hoc\)/);
    assert.match(gate.err, /level 0 is below --min-level 1/);

    const rule = await k.admin("POST", "/api/v1/evals/online-rules", { name: "mentions", sample_rate: 1, evaluators: [{ kind: "regex", name: "mentions", pattern: "." }] });
    assert.ok(rule.status < 300, JSON.stringify(rule.json));
    await chat();
    const tick = await k.admin("POST", "/api/v1/evals/online/run");
    assert.equal(tick.status, 200, JSON.stringify(tick.json));
    const second = await runCli(["doctor", "--json", "--min-level", "1", ...conn]);
    assert.equal(second.code, 0, second.err);
    const r1 = JSON.parse(second.out);
    assert.equal(r1.level, 1);
    assert.equal(r1.nextSteps[0].id, "prompt_registry");
    // GET /api/v1/doctor: the same report, from the same reads run in process; a viewer key may read it.
    const api = await k.admin("GET", "/api/v1/doctor");
    assert.equal(api.status, 200, JSON.stringify(api.json));
    const { window_days, ...report } = api.json;
    assert.equal(window_days, 7);
    assert.deepEqual(report, r1);
    const viewer = await k.admin("POST", "/api/v1/keys", { name: "dash", role: "viewer" });
    const asViewer = await fetch(`${k.url}/api/v1/doctor?window=30`, { headers: { authorization: `Bearer ${viewer.json.key}` } });
    assert.equal(asViewer.status, 200);
    assert.equal(((await asViewer.json()) as { window_days: number }).window_days, 30);
    const badWindow = await k.admin("GET", "/api/v1/doctor?window=0");
    assert.equal(badWindow.status, 400);
    assert.equal(badWindow.json.error.param, "window");
    assert.equal((await fetch(`${k.url}/api/v1/doctor`)).status, 401);
    const bad = await runCli(["doctor", "--window", "0", ...conn]);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /--window must be a number of days in \[1, 365\], got "0"/);
  } finally {
    await k.close();
  }
});
