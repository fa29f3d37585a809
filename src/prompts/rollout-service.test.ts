/**
 * Staged rollouts end to end, through a real Keel and the simulator: a version that routes to a
 * failing model is halted and rolled back by the statistics alone; a healthy one is promoted step
 * by step, sticky per user, and completes by moving the label.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startTestKeel, type TestKeel } from "../testing/keel-fixture.js";

let keel: TestKeel;
before(async () => {
  keel = await startTestKeel({
    // `flaky` answers half its calls with a 500: version B of the prompt routes there.
    providers: [{ name: "sim-flaky", kind: "sim", faults: { error_rate: 0.5, status: 500 } }],
    models: [{ name: "flaky", provider: "sim-flaky" }],
    prompts: { rollout: { evaluate_interval_ms: 25 } },
  });
});
after(async () => keel.close());

async function call(prompt: string, user: string): Promise<{ status: number; version: string | null }> {
  const res = await fetch(`${keel.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${keel.key}`, "content-type": "application/json", "x-keel-user": user },
    body: JSON.stringify({ prompt: { name: prompt, variables: { q: "Where is my parcel?" } } }),
  });
  await res.arrayBuffer();
  return { status: res.status, version: res.headers.get("x-keel-prompt-version") };
}

async function push(name: string, model: string, text: string, labels?: string[]): Promise<void> {
  const r = await keel.admin("POST", "/api/v1/prompts", { prompts: [{ name, type: "text", model, text, ...(labels ? { labels } : {}) }] });
  assert.ok(r.status < 300, JSON.stringify(r.json));
}

test("B routed to a failing model: halted and rolled back automatically, with the evidence on record", async () => {
  await push("answer", "sim", "Answer briefly: {{q}}", ["production"]);
  await push("answer", "flaky", "Answer in detail: {{q}}");
  const start = await keel.admin("POST", "/api/v1/prompts/answer/rollouts", { label: "production", to_version: 2, steps: [50, 100], min_samples: 30, reason: "try detail" });
  assert.equal(start.status, 201, JSON.stringify(start.json));
  assert.equal(start.json.percent, 50);

  let status: any = null;
  const seen = { a: 0, b: 0 };
  for (let round = 0; round < 40; round++) {
    const batch = await Promise.all(Array.from({ length: 20 }, (_, i) => call("answer", `user-${(round * 20 + i) % 400}`)));
    for (const r of batch) seen[r.version === "answer@2" ? "b" : "a"]++;
    status = (await keel.admin("GET", "/api/v1/prompts/answer/rollouts/production")).json;
    if (status.status !== "running") break;
  }
  assert.equal(status.status, "halted", `still ${status.status} after ${seen.a + seen.b} calls`);
  assert.ok(seen.b >= 30 && seen.a >= 30, "both arms served traffic before the halt");
  assert.ok(seen.a + seen.b <= 400, "halted within a few hundred calls");
  const why = status.outcome.metrics.find((m: { metric: string }) => m.metric === "error_rate");
  assert.equal(why.breached, true);
  assert.ok(why.b.value > 0.2 && why.a.value === 0, JSON.stringify(why));
  assert.ok(why.test.p < status.outcome.alphaPerTest);

  // Everyone is back on version 1 from the next request; the label never moved.
  const after = await Promise.all(Array.from({ length: 40 }, (_, i) => call("answer", `user-${i}`)));
  assert.ok(after.every((r) => r.version === "answer@1" && r.status === 200));
  assert.equal((await keel.admin("GET", "/api/v1/prompts/answer/labels")).json.data[0].version, 1);

  const halted = (await keel.admin("GET", "/api/v1/audit?action=prompt.rollout.halted")).json.data[0];
  assert.equal(halted.actor, "keel");
  assert.match(halted.reason, /automatic halt: version 2 is worse than 1 — error_rate: A 0/);
  assert.deepEqual([halted.before.status, halted.after.status], ["running", "halted"]);
  // Every call was traced with the version that served it.
  await keel.app.traces.flush();
  const traces = (await keel.admin("GET", "/api/v1/traces?limit=50")).json.data;
  assert.ok(traces.every((t: { prompt: { name: string; version: number } | null }) => t.prompt?.name === "answer"));
});

test("a healthy rollout: sticky per user, promoted step by step, completes by moving the label", async () => {
  await push("greet", "sim", "Hello {{q}}", ["production"]);
  await push("greet", "sim", "Hi there {{q}}");
  const start = await keel.admin("POST", "/api/v1/prompts/greet/rollouts", { to_version: 2, steps: [20, 60, 100], min_samples: 30 });
  assert.equal(start.status, 201);
  assert.equal((await keel.admin("POST", "/api/v1/prompts/greet/rollouts", { to_version: 2 })).status, 409, "one rollout per label");
  assert.equal((await keel.admin("PUT", "/api/v1/prompts/greet/labels/production", { version: 2 })).status, 409, "no manual moves under a rollout");

  const users = Array.from({ length: 100 }, (_, i) => `u${i}`);
  const first = new Map<string, string>();
  for (const u of users) first.set(u, (await call("greet", u)).version!);
  const onB = [...first.values()].filter((v) => v === "greet@2").length;
  assert.ok(onB > 5 && onB < 40, `${onB}% of users on B at the 20% step`);
  for (const u of users.slice(0, 30)) assert.equal((await call("greet", u)).version, first.get(u), "sticky per user");

  const promoted = await keel.admin("POST", "/api/v1/prompts/greet/rollouts/production/promote", { reason: "looks fine" });
  assert.equal(promoted.json.percent, 60);
  for (const u of users) if (first.get(u) === "greet@2") assert.equal((await call("greet", u)).version, "greet@2", "B stays B as the step grows");
  const status = (await keel.admin("GET", "/api/v1/prompts/greet/rollouts/production")).json;
  assert.ok(status.comparison.metrics.some((m: { metric: string }) => m.metric === "latency_ms"));
  assert.equal(status.comparison.verdict === "worse", false);

  const done = await keel.admin("POST", "/api/v1/prompts/greet/rollouts/production/promote", {});
  assert.equal(done.json.status, "completed");
  assert.equal((await call("greet", "anyone")).version, "greet@2");
  const actions = (await keel.admin("GET", "/api/v1/audit?target=greet@production&limit=20")).json.data.map((e: { action: string }) => e.action);
  assert.deepEqual(actions.slice(0, 4), ["prompt.rollout.completed", "prompt.label.set", "prompt.rollout.promoted", "prompt.rollout.started"]);
});

test("rolling back a label under rollout aborts the rollout: everyone on the old version at once", async () => {
  await push("rb2", "sim", "old {{q}}", ["production"]);
  await push("rb2", "sim", "new {{q}}");
  await keel.admin("POST", "/api/v1/prompts/rb2/rollouts", { to_version: 2, steps: [100] });
  // steps [100] completes at once: the label is on 2, and rollback walks it back.
  assert.equal((await call("rb2", "x")).version, "rb2@2");
  assert.deepEqual((await keel.admin("POST", "/api/v1/prompts/rb2/rollback", {})).json.via, "label");
  assert.equal((await call("rb2", "x")).version, "rb2@1");

  await keel.admin("POST", "/api/v1/prompts/rb2/rollouts", { to_version: 2, steps: [50, 100] });
  const r = await keel.admin("POST", "/api/v1/prompts/rb2/rollback", { reason: "stop" });
  assert.deepEqual([r.json.via, r.json.version], ["rollout", 1]);
  const versions = await Promise.all(Array.from({ length: 30 }, (_, i) => call("rb2", `v${i}`)));
  assert.ok(versions.every((v) => v.version === "rb2@1"));
  assert.equal((await keel.admin("GET", "/api/v1/prompts/rb2/rollouts/production")).json.status, "aborted");
});

test("scores for a call on a rollout count towards its arm", async () => {
  await push("scored", "sim", "a {{q}}", ["production"]);
  await push("scored", "sim", "b {{q}}");
  await keel.admin("POST", "/api/v1/prompts/scored/rollouts", { to_version: 2, steps: [50, 100] });
  const res = await fetch(`${keel.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${keel.key}`, "content-type": "application/json" },
    body: JSON.stringify({ prompt: { name: "scored", variables: { q: "?" } } }),
  });
  await res.arrayBuffer();
  const id = res.headers.get("x-request-id")!;
  const scored = await keel.admin("POST", "/api/v1/rollouts/scores", { trace_id: id, name: "helpfulness", value: 0.9 });
  assert.deepEqual(scored.json, { trace_id: id, counted: true });
  assert.equal((await keel.admin("POST", "/api/v1/rollouts/scores", { trace_id: "req_unknown", name: "x", value: 1 })).json.counted, false);
  const status = (await keel.admin("GET", "/api/v1/prompts/scored/rollouts/production")).json;
  const m = status.comparison.metrics.find((x: { metric: string }) => x.metric === "score:helpfulness");
  assert.equal(m.a.n + m.b.n, 1);
});
