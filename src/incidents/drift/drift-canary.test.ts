/**
 * The drift canary: pure scoring, then a simulator "model update" end to end — the same model
 * name starts answering differently (the sim behind it is swapped for one with other rules) and
 * the canary raises a change event and pages its owner; a model that did not change is not flagged.
 */
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { simOptionsSchema } from "../../providers/sim/options.js";
import { startSimServer, type SimServer } from "../../providers/sim/server.js";
import { startTestKeel } from "../../testing/keel-fixture.js";
import { comparePrompt, judgeModel, scoreShifts } from "./drift-compare.js";
import { driftConfigSchema } from "./drift-schema.js";
import { until } from "../../testing/until.js";

const T = { min_similarity: 0.9, max_drifted_share: 0, max_score_drop: 0.2 };

test("scoring: exact answers never drift; similarity below the threshold does; the share decides the model", () => {
  assert.deepEqual(comparePrompt("a", true, 0.1, T), { prompt: "a", exact: true, similarity: 1, drifted: false });
  assert.equal(comparePrompt("a", false, 0.95, T).drifted, false, "reworded but close");
  assert.equal(comparePrompt("a", false, 0.5, T).drifted, true);
  const prompts = [comparePrompt("a", true, 1, T), comparePrompt("b", false, 0.5, T), comparePrompt("c", true, 1, T), comparePrompt("d", true, 1, T)];
  assert.equal(judgeModel(prompts, T).drifted, true, "any one prompt at max_drifted_share 0");
  assert.equal(judgeModel(prompts, { ...T, max_drifted_share: 0.25 }).drifted, false, "a quarter is not more than a quarter");
  const v = judgeModel(prompts, T);
  assert.equal(v.exact_share, 0.75);
  assert.equal(v.mean_similarity, (3 + 0.5) / 4);
  assert.deepEqual(judgeModel([], T), { compared: 0, exact_share: null, mean_similarity: null, drifted_share: null, score_shifts: [], drifted: false });
});

test("scoring: an evaluator's mean score dropping by max_score_drop is a drift, even when the answers look alike", () => {
  const shifts = scoreShifts([
    { baseline: { correct: 1, polite: 1 }, current: { correct: 0, polite: 1 } },
    { baseline: { correct: 1 }, current: { correct: 0.6, new_metric: 0 } },
    { baseline: { correct: 1, polite: 1 }, current: { correct: 1 } },
  ]);
  assert.deepEqual(shifts, [{ name: "correct", baseline: 1, current: 1.6 / 3, n: 3 }, { name: "polite", baseline: 1, current: 1, n: 1 }], "only scores present on both sides");
  const similar = [comparePrompt("a", false, 0.97, T)];
  assert.equal(judgeModel(similar, T, shifts).drifted, true);
  assert.equal(judgeModel(similar, T, [{ name: "correct", baseline: 0.8, current: 0.6, n: 5 }]).drifted, true, "a drop of exactly max_score_drop counts");
  assert.equal(judgeModel(similar, T, [{ name: "correct", baseline: 0.8, current: 0.7, n: 5 }]).drifted, false);
});

test("config: off by default; a canary with models needs an owner and prompts", () => {
  assert.deepEqual(driftConfigSchema.parse(undefined).models, []);
  const noOwner = driftConfigSchema.safeParse({ models: ["m"], prompts: [{ id: "p", text: "hi" }] });
  assert.equal(noOwner.success, false);
  assert.deepEqual(noOwner.error!.issues.map((i) => i.path.join(".")), ["owner"]);
  assert.equal(driftConfigSchema.safeParse({ models: ["m"], owner: "o" }).error!.issues[0].path.join("."), "prompts");
  const judge = driftConfigSchema.safeParse({ models: ["m"], owner: "o", prompts: [{ id: "p", text: "hi" }], evaluators: [{ kind: "judge_rubric", model: "sim", criteria: "helpful" }] });
  assert.match(judge.error!.issues[0].message, /judge evaluators are not supported/);
});

function sim(answer: string): Promise<SimServer> {
  return startSimServer({ port: 0, host: "127.0.0.1", sim: simOptionsSchema.parse({ kind: "sim", rules: [{ match: "capital of France", text: answer }] }) });
}

/** The vendor's endpoint: forwards to whichever simulator currently serves the model. */
function vendor(target: () => string): Server {
  return createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (d: Buffer) => chunks.push(d));
    req.on("end", async () => {
      const up = await fetch(`${target()}${req.url}`, { method: req.method, headers: { "content-type": "application/json" }, body: Buffer.concat(chunks) });
      res.writeHead(up.status, { "content-type": up.headers.get("content-type") ?? "application/json" });
      res.end(Buffer.from(await up.arrayBuffer()));
    });
  });
}

test("a silent model update under the same name is caught by the canary; an unchanged model is not", async () => {
  const before = await sim("Paris is the capital of France.");
  const after = await sim("I cannot help with geography questions, but here is a pancake recipe: flour, eggs, milk.");
  let current = before;
  const up = vendor(() => current.url);
  await new Promise<void>((r) => up.listen(0, "127.0.0.1", r));
  const payloads: Record<string, unknown>[] = [];
  const hook = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => { payloads.push(JSON.parse(body)); res.end(); });
  });
  await new Promise<void>((r) => hook.listen(0, "127.0.0.1", r));
  const keel = await startTestKeel({
    providers: [
      { name: "vendor", kind: "openai", base_url: `http://127.0.0.1:${(up.address() as AddressInfo).port}/v1`, api_key: "sk-vendor-000000000000000000" },
      { name: "sim-steady", kind: "sim", rules: [{ match: "capital of France", text: "Paris is the capital of France." }] },
    ],
    models: [{ name: "vendor-model", provider: "vendor" }, { name: "steady", provider: "sim-steady" }],
    drift: {
      models: ["vendor-model", "steady"],
      prompts: [{ id: "capital", text: "What is the capital of France?", expected: "Paris" }, { id: "prose", text: "Describe the sea in a few words." }],
      evaluators: [{ kind: "contains", name: "knows_paris" }],
      owner: "team-models",
      notify: { webhook: { url: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/`, secret_credential: "hook" } },
    },
  });
  try {
    await keel.admin("PUT", "/api/v1/credentials/hook", { value: "drift-secret" });
    const run = async (): Promise<Record<string, { status: string; drifted: boolean; exact_share: number | null; mean_similarity: number | null; score_shifts: unknown[] }>> => {
      const r = await keel.admin("POST", "/api/v1/drift/run");
      assert.equal(r.status, 200, JSON.stringify(r.json));
      return Object.fromEntries(r.json.data.map((m: { model: string }) => [m.model, m]));
    };
    let r = await run();
    assert.deepEqual([r["vendor-model"].status, r.steady.status], ["baseline", "baseline"]);
    r = await run();
    assert.deepEqual([r["vendor-model"].status, r.steady.status], ["stable", "stable"], "temperature 0, same answers");
    assert.equal(r["vendor-model"].exact_share, 1);

    current = after; // the vendor ships a new model under the same name
    r = await run();
    assert.equal(r["vendor-model"].status, "drifted");
    assert.equal(r["vendor-model"].exact_share, 0.5, "the prose prompt did not change");
    assert.ok(r["vendor-model"].mean_similarity! < 0.9, String(r["vendor-model"].mean_similarity));
    assert.deepEqual(r["vendor-model"].score_shifts, [{ name: "knows_paris", baseline: 1, current: 0, n: 1 }], "the evaluator saw it too");
    assert.equal(r.steady.status, "stable");
    assert.equal(r.steady.drifted, false);

    const changes = (await keel.admin("GET", "/api/v1/changes?since=1h")).json.data.filter((c: { action: string }) => c.action === "model.drift.detected");
    assert.equal(changes.length, 1);
    assert.equal(changes[0].target, "vendor-model");
    assert.equal(changes[0].kind, "model");
    await until(() => payloads.length >= 1, "the firing webhook");
    assert.equal(payloads.length, 1);
    assert.equal(payloads[0].type, "alert.firing");
    assert.equal(payloads[0].owner, "team-models");
    assert.equal(payloads[0].rule, "drift.vendor-model");
    assert.deepEqual(payloads[0].slice, { model: "vendor-model" });

    // Drift alerts are listed, acked and silenced like rules (they are not rules: not deletable here).
    const listed = (await keel.admin("GET", "/api/v1/alerts")).json.data.filter((v: { source: string }) => v.source === "drift");
    assert.deepEqual(listed.map((v: { rule: { name: string; owner: string; metric: string }; state: { status: string } }) => [v.rule.name, v.rule.owner, v.rule.metric, v.state.status]), [
      ["drift.vendor-model", "team-models", "drift_similarity", "firing"],
      ["drift.steady", "team-models", "drift_similarity", "ok"],
    ]);
    const acked = await keel.admin("POST", "/api/v1/alerts/drift.vendor-model/ack");
    assert.equal(acked.status, 200, JSON.stringify(acked.json));
    assert.equal(acked.json.state.ackedBy, "admin");
    assert.equal(acked.json.state.status, "firing");
    assert.equal((await keel.admin("GET", "/api/v1/alerts/drift.vendor-model")).json.state.ackedBy, "admin");
    const silenced = await keel.admin("POST", "/api/v1/alerts/drift.vendor-model/silence", { duration_s: 600 });
    assert.equal(silenced.status, 200);
    assert.ok(silenced.json.state.silencedUntil > Date.now());
    assert.equal((await keel.admin("POST", "/api/v1/alerts/drift.vendor-model/silence", { duration_s: 0 })).status, 200, "lifted again");
    assert.equal((await keel.admin("DELETE", "/api/v1/alerts/drift.vendor-model")).status, 409);
    const clash = await keel.admin("POST", "/api/v1/alerts", { name: "drift.steady", owner: "x", metric: "requests", threshold: { op: ">", value: 1 }, notify: { log: true } });
    assert.equal(clash.status, 409, "an API rule cannot take a drift alert's name");

    r = await run();
    assert.equal(r["vendor-model"].status, "stable", "the new answers are the new baseline");
    await until(() => payloads.length >= 2, "the resolution webhook");
    assert.equal(payloads.length, 2);
    assert.equal(payloads[1].type, "alert.resolved");
    const notes = (await keel.admin("GET", "/api/v1/alerts/notifications?rule=drift.vendor-model")).json.data;
    assert.deepEqual(notes.map((n: { type: string }) => n.type), ["alert.resolved", "alert.firing"]);
    const history = (await keel.admin("GET", "/api/v1/drift?drifted=true")).json.data;
    assert.deepEqual(history.map((h: { model: string }) => h.model), ["vendor-model"]);
  } finally {
    await keel.close();
    await before.close();
    await after.close();
    up.close();
    hook.close();
  }
});
