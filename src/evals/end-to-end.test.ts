/**
 * Evaluation end to end: a real Keel (test fixture) with `sim` providers as the target and as the
 * judge (simulator rules emit the verdicts), driven through the admin API and the `keel` CLI.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestKeel, type TestKeel } from "../testing/keel-fixture.js";
import type { RunRecord } from "./runner/run-types.js";

/** 30 questions "answer #n?" whose expected answer is "An": enough items for a regression to be significant. */
const N = 30;
const IDS = Array.from({ length: N }, (_, i) => i + 1);
const PRICE = { input: 1, output: 2 };
const RUN_TS = join(import.meta.dirname, "../cli/run.ts");

let keel: TestKeel;
let dir: string;

/** The CLI as a child process (async: the fixture serves from this process's event loop). */
function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", import.meta.resolve("tsx"), RUN_TS, ...args], {
      env: { PATH: process.env.PATH ?? "", KEEL_URL: keel.url, KEEL_ADMIN_TOKEN: keel.adminToken, KEEL_API_KEY: keel.key },
      maxBuffer: 16 * 1024 * 1024,
    }, (err, out, errOut) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out, err: errOut }));
  });
}

before(async () => {
  keel = await startTestKeel({
    providers: [
      // The good target answers all but #1; the bad one only #1–#10.
      { name: "sim-good", kind: "sim", rules: [{ match: "#1\\?", text: "I do not know." }, ...IDS.map((n) => ({ match: `#${n}\\?`, text: `A${n}` }))] },
      { name: "sim-bad", kind: "sim", rules: [...IDS.slice(0, 10).map((n) => ({ match: `#${n}\\?`, text: `A${n}` })), { match: ".", text: "I am not sure." }] },
      // The judge: 5 for an answer of the form An, 1 otherwise.
      { name: "sim-judge", kind: "sim", rules: [{ match: "\\[ANSWER\\]\\nA\\d+\\n", json: { reasoning: "answers", score: 5 } }, { match: "\\[ANSWER\\]", json: { reasoning: "no answer", score: 1 } }] },
    ],
    models: [{ name: "good", provider: "sim-good", price: PRICE }, { name: "bad", provider: "sim-bad", price: PRICE }, { name: "judge", provider: "sim-judge", price: PRICE }],
    traces: { capture: "full" },
  });
  dir = mkdtempSync(join(tmpdir(), "keel-evals-"));
  const suite = (name: string, model: string): string => `
name: ${name}
dataset: capitals
target:
  type: gateway
  model: ${model}
  messages: [{ role: user, content: "What is the answer for #{{n}}?" }]
evaluators:
  - { kind: exact }
  - { kind: judge_rubric, name: judge, model: judge, criteria: "The answer gives the code asked for." }
thresholds: { exact: { mean: 0.8 } }
repeats: 2
concurrency: 3
`;
  writeFileSync(join(dir, "good.yaml"), suite("capitals-good", "good"));
  writeFileSync(join(dir, "bad.yaml"), suite("capitals-bad", "bad"));
  writeFileSync(join(dir, "capitals.csv"), ["id,n,expected,split,tags", ...IDS.map((n) => `q${n},${n},A${n},test,"codes,smoke"`)].join("\n"));
});
after(async () => keel.close());

let good: RunRecord;
let bad: RunRecord;

test("datasets: CLI import from CSV, versions, export as JSONL", async () => {
  const imp = await cli("datasets", "import", "capitals", join(dir, "capitals.csv"), "--create", "--note", "seed");
  assert.equal(imp.code, 0, imp.err);
  assert.match(imp.out, /capitals@1: 30 added/);
  const again = await cli("datasets", "import", "capitals", join(dir, "capitals.csv"));
  assert.match(again.out, /nothing changed/);
  const show = await keel.admin("GET", "/api/v1/datasets/capitals");
  assert.deepEqual([show.json.latest_version, show.json.item_count, show.json.versions[0].note], [1, 30, "seed"]);
  const exp = await cli("datasets", "export", "capitals", "--format", "jsonl");
  const items = exp.out.trim().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(items[0], { id: "q1", variables: { n: "1" }, expected: "A1", tags: ["codes", "smoke"], split: "test", provenance: { source: "human" } });
});

test("eval run: sim target and sim judge through the gateway; results stored; thresholds met", async () => {
  const r = await cli("eval", "run", join(dir, "good.yaml"), "--json");
  assert.equal(r.code, 0, r.err);
  good = JSON.parse(r.out);
  assert.equal(good.status, "completed");
  assert.match(r.err, /run run_\S+: 30 items × 2 repeats → model good/);
  assert.match(r.err, /\[#+\] 60\/60\s+100%/, "the progress bar, piped: plain lines");
  const s = good.summary!;
  assert.deepEqual([s.items, s.results, s.target_errors, s.passed], [30, 60, 0, true]);
  const exact = s.metrics.find((m) => m.name === "exact")!;
  const judge = s.metrics.find((m) => m.name === "judge")!;
  assert.equal(exact.mean, 29 / 30);
  assert.equal(judge.mean, 29 / 30, "rating 5 → 1, rating 1 → 0");
  assert.equal(judge.repeat_variance, 0, "the sim judge is deterministic");
  assert.ok(good.cost_usd > 0, "target and judge calls are priced");
  const results = await keel.admin("GET", `/api/v1/evals/runs/${good.id}/results`);
  const q1 = results.json.data.find((x: { item_id: string }) => x.item_id === "q1");
  assert.equal(q1.output.text, "I do not know.");
  assert.match(q1.output.request_id, /^req_/, "each result links to the gateway trace of its call");
  assert.deepEqual([q1.scores.judge.rating, q1.scores.judge.explanation], [1, "no answer"]);
  const traces = await keel.admin("GET", "/api/v1/traces?feature=keel-eval&limit=1000");
  assert.equal(traces.json.data.length, 120, "60 target and 60 judge calls, traced as feature keel-eval");
  const traced = traces.json.data.reduce((sum: number, t: { cost_usd: number }) => sum + t.cost_usd, 0);
  assert.ok(Math.abs(good.cost_usd - traced) < 1e-9, `the run costs what the gateway's traces say: ${good.cost_usd} vs ${traced}`);
  const show = await cli("eval", "show", good.id);
  assert.match(show.out, /exact\s+exact\s+30\s+0\.967/);
});

test("eval run again: target outputs come from the cache; a worse target fails its threshold", async () => {
  const again = await cli("eval", "run", join(dir, "good.yaml"), "--json", "--no-progress");
  assert.equal(JSON.parse(again.out).summary.cached_outputs, 60);
  const r = await cli("eval", "run", join(dir, "bad.yaml"), "--json", "--no-progress", "--meta", "git_sha=abc123");
  assert.equal(r.code, 1, "thresholds not met: non-zero exit");
  bad = JSON.parse(r.out);
  assert.equal(bad.summary!.metrics.find((m) => m.name === "exact")!.mean, 10 / 30);
  assert.deepEqual(bad.metadata, { git_sha: "abc123" });
});

test("a registered prompt version as the target: the gateway renders it from each item's variables", async () => {
  const push = await keel.admin("POST", "/api/v1/prompts", {
    prompts: [{ name: "codes", type: "chat", model: "good", labels: ["production"], messages: [{ role: "user", content: "What is the answer for #{{n}}?" }] }],
  });
  assert.equal(push.status, 201, JSON.stringify(push.json));
  writeFileSync(join(dir, "prompt.yaml"), "name: codes-prompt\ndataset: capitals\ntarget: { type: gateway, prompt: { name: codes, label: production } }\nevaluators: [{ kind: exact }]\n");
  const r = await cli("eval", "run", join(dir, "prompt.yaml"), "--json", "--no-progress");
  assert.equal(r.code, 0, r.err);
  const run = JSON.parse(r.out) as RunRecord;
  assert.equal(run.config.target.description, "prompt codes@production");
  const res = await keel.admin("GET", `/api/v1/evals/runs/${run.id}/results`);
  assert.equal(run.summary!.metrics[0].mean, 29 / 30, JSON.stringify(res.json.data[0]));
  assert.ok(run.cost_usd > 0, "priced by the served model");
  const t = await keel.admin("GET", `/api/v1/traces?feature=keel-eval&limit=1`);
  const trace = await keel.admin("GET", `/api/v1/traces/${t.json.data[0].id}`);
  assert.deepEqual(trace.json.prompt, { name: "codes", version: 1, label: "production" }, "the trace records which prompt version served");
});

test("--budget stops the run at the cost cap", async () => {
  const r = await cli("eval", "run", join(dir, "good.yaml"), "--json", "--no-progress", "--no-cache", "--budget", "0.0000001", "--concurrency", "1");
  assert.equal(r.code, 1);
  const run = JSON.parse(r.out) as RunRecord;
  assert.equal(run.status, "budget_exceeded");
  assert.equal(run.summary!.results, 1, "one task dispatched, then the cap was reached");
  assert.match(r.err, /stopped at the \$1e-7 budget/);
});

test("compare: paired deltas with bootstrap CIs and McNemar", async () => {
  const c = await keel.admin("GET", `/api/v1/evals/compare?baseline=${good.id}&candidate=${bad.id}`);
  const exact = c.json.metrics.find((m: { name: string }) => m.name === "exact");
  // #1: wrong in good, right in bad (+1); #11–#30: right in good, wrong in bad (−1 each)
  assert.ok(Math.abs(exact.delta - (1 - 20) / 30) < 1e-12);
  assert.equal(exact.paired, 30);
  assert.ok(exact.ci[1] < 0);
  assert.equal(exact.mean_verdict, "regression");
  assert.deepEqual([exact.pass.regressions, exact.pass.improvements], [20, 1]);
  // exact McNemar: 2 · P(X ≤ 1), X ~ Bin(21, ½) = 2 · 22 / 2²¹
  assert.ok(Math.abs(exact.pass.p_value - 44 / 2 ** 21) < 1e-15);
  assert.equal(exact.pass.verdict, "regression");
  const out = await cli("eval", "compare", good.id, bad.id);
  assert.match(out.out, /exact\s+30\s+0\.967\s+0\.333\s+-0\.633/);
});

test("gate: fails on a regression and writes JUnit and Markdown; an uncalibrated judge cannot gate", async () => {
  const junit = join(dir, "gate.xml");
  const md = join(dir, "gate.md");
  const r = await cli("eval", "gate", bad.id, "--baseline", good.id, "--junit", junit, "--markdown", md);
  assert.equal(r.code, 1, r.out + r.err);
  assert.match(r.out, /FAIL\s+exact\s+threshold_mean\s+mean 0\.333 < 0\.8/);
  assert.match(r.out, /FAIL\s+exact\s+regression_mean/);
  assert.match(r.out, /skip\s+judge\s+calibration\s+judge never calibrated against expert ratings; this judge cannot gate a release/);
  assert.ok(existsSync(junit) && existsSync(md));
  assert.match(readFileSync(junit, "utf8"), /<failure message="mean 0\.333 &lt; 0\.8" type="threshold_mean"\/>/);
  assert.match(readFileSync(md, "utf8"), /## Keel eval gate: ❌ failed/);
  const ok = await cli("eval", "gate", good.id, "--baseline", good.id);
  assert.equal(ok.code, 0, ok.out);
});

test("calibration: a judge agreeing with experts is calibrated and may gate; disagreeing experts uncalibrate it", async () => {
  const agree = IDS.flatMap((n) => ["ann", "bob"].map((rater) => ({ id: `q${n}`, rater, score: n === 1 ? 1 : 5 })));
  assert.equal((await keel.admin("PUT", "/api/v1/evals/ratings/experts", { ratings: agree })).status, 200);
  const cal = await keel.admin("POST", "/api/v1/evals/calibrations", { run_id: good.id, metric: "judge", ratings_set: "experts", min_items: 5 });
  assert.equal(cal.status, 201, JSON.stringify(cal.json));
  assert.deepEqual([cal.json.calibrated, cal.json.kappa, cal.json.n], [true, 1, 30]);
  assert.equal(cal.json.inter_annotator.mean_pairwise_kappa.value, 1);
  const strict = await cli("eval", "gate", good.id, "--strict-calibration");
  assert.equal(strict.code, 0, strict.out);
  assert.match(strict.out, /ok\s+judge\s+calibration\s+calibrated: quadratic kappa 1\.000/);

  const disagree = IDS.map((n) => ({ id: `q${n}`, score: n % 2 ? 1 : 5 }));
  await keel.admin("PUT", "/api/v1/evals/ratings/skeptics", { ratings: disagree });
  const r = await cli("eval", "calibrate", good.id, "--metric", "judge", "--ratings", "skeptics", "--min-items", "5");
  assert.equal(r.code, 1);
  assert.match(r.out, /UNCALIBRATED — quadratic kappa .* is below the required 0\.8/);
  const blocked = await cli("eval", "gate", good.id, "--strict-calibration");
  assert.equal(blocked.code, 1);
  assert.match(blocked.out, /FAIL\s+judge\s+calibration\s+uncalibrated/);
});

test("keel eval agreement --json reproduces Wikipedia's Cohen's kappa example (κ = 0.4)", async () => {
  const a: string[] = [];
  const b: string[] = [];
  let i = 0;
  for (const [ra, rb, n] of [[1, 1, 20], [1, 0, 5], [0, 1, 10], [0, 0, 15]]) {
    for (let k = 0; k < n; k++, i++) {
      a.push(JSON.stringify({ id: `p${i}`, score: ra }));
      b.push(JSON.stringify({ id: `p${i}`, score: rb, rater: "B" }));
    }
  }
  writeFileSync(join(dir, "a.jsonl"), a.join("\n"));
  writeFileSync(join(dir, "b.jsonl"), b.join("\n"));
  const r = await cli("eval", "agreement", join(dir, "a.jsonl"), join(dir, "b.jsonl"), "--json");
  assert.equal(r.code, 0, r.err);
  const out = JSON.parse(r.out);
  assert.equal(out.agreement.n, 50);
  assert.ok(Math.abs(out.agreement.kappa.unweighted.value - 0.4) < 1e-12);
  assert.equal(out.agreement.kappa.unweighted.ci.length, 2);
  assert.ok(out.agreement.krippendorff_alpha.nominal.value !== null);
  assert.deepEqual(out.agreement.confusion.counts, [[15, 10], [5, 20]]);
});

test("online evaluation: a rule samples production traces, a judge behind a stored credential scores them; feedback by key or admin", async () => {
  assert.equal((await keel.admin("PUT", "/api/v1/credentials/eval-judge", { value: keel.key })).status, 200);
  const rule = await keel.admin("POST", "/api/v1/evals/online-rules", {
    name: "codes", sample_rate: 1, filter: { model: "good" }, judge_credential: "eval-judge",
    evaluators: [{ kind: "contains", name: "says_a2", values: ["A2"] }, { kind: "judge_rubric", name: "judge", model: "judge", criteria: "Gives the code." }],
  });
  assert.equal(rule.status, 201, JSON.stringify(rule.json));
  const call = async (q: string, key = keel.key): Promise<string> => {
    const res = await fetch(`${keel.url}/v1/chat/completions`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify({ model: "good", messages: [{ role: "user", content: q }] }) });
    assert.equal(res.status, 200);
    return res.headers.get("x-request-id")!;
  };
  const second = await call("What is the answer for #2?");
  const first = await call("What is the answer for #1?");
  const stats = await keel.admin("POST", "/api/v1/evals/online/run");
  assert.deepEqual([stats.json.matched, stats.json.scored], [2, 4], JSON.stringify(stats.json));
  const fr = await keel.admin("GET", `/api/v1/scores?trace_id=${second}`);
  assert.deepEqual(fr.json.data.map((s: { name: string; score: number }) => [s.name, s.score]), [["says_a2", 1], ["judge", 1]]);
  const es = await keel.admin("GET", `/api/v1/scores?trace_id=${first}`);
  assert.deepEqual(es.json.data.map((s: { name: string; score: number }) => [s.name, s.score]), [["says_a2", 0], ["judge", 0]]);
  assert.equal((await keel.admin("POST", "/api/v1/evals/online/run")).json.scored, 0, "the judge's own calls are not evaluated");

  const feedback = (auth: string | null, body: unknown) => fetch(`${keel.url}/api/v1/feedback`, { method: "POST", headers: { ...(auth ? { authorization: `Bearer ${auth}` } : {}), "content-type": "application/json" }, body: JSON.stringify(body) });
  const mine = await feedback(keel.key, { trace_id: first, thumbs: "down", correction: "A1" });
  assert.equal(mine.status, 201);
  assert.equal(((await mine.json()) as { key_id: string }).key_id.startsWith("key_"), true);
  const other = (await keel.admin("POST", "/api/v1/keys", { name: "other" })).json.key as string;
  assert.equal((await feedback(other, { trace_id: first, thumbs: "up" })).status, 404, "another key's trace looks like no trace");
  assert.equal((await feedback(keel.adminToken, { trace_id: second, score: 0.9, comment: "good" })).status, 201);
  assert.equal((await feedback(null, { trace_id: second, thumbs: "up" })).status, 401);
  assert.equal((await feedback(keel.key, { trace_id: second })).status, 400);
  const summary = await keel.admin("GET", "/api/v1/scores/summary?group_by=model");
  const judgeRow = summary.json.data.find((r: { name: string }) => r.name === "judge");
  assert.deepEqual([judgeRow.group, judgeRow.count, judgeRow.mean], ["good", 2, 0.5]);
  assert.ok(summary.json.data.some((r: { name: string; count: number }) => r.name === "user_feedback" && r.count === 2));

  const added = await keel.admin("POST", "/api/v1/datasets/capitals/traces", { trace_ids: [first], tags: ["from-prod"] });
  assert.equal(added.status, 200, JSON.stringify(added.json));
  const items = await keel.admin("GET", "/api/v1/datasets/capitals/items?tag=from-prod");
  assert.deepEqual(items.json.data[0].provenance, { source: "production", trace_id: first });
  assert.equal(items.json.data[0].expected, "I do not know.", "the production answer, to be reviewed");
});

test("admin API validation: names the field; unknown runs and datasets are 404", async () => {
  assert.equal((await keel.admin("GET", "/api/v1/evals/runs/run_nope")).status, 404);
  assert.equal((await keel.admin("GET", "/api/v1/datasets/nope/items")).status, 404);
  const bad = await keel.admin("POST", "/api/v1/datasets/capitals/items", { items: [{ input: "x", provenance: { source: "synthetic" } }] });
  assert.deepEqual([bad.status, bad.json.error.param], [400, "items[0].provenance.generator_model"]);
  assert.equal((await keel.admin("POST", `/api/v1/evals/runs/${good.id}/results`, { results: [] })).status, 400);
  assert.equal((await keel.admin("POST", `/api/v1/evals/runs/${good.id}/finish`, { status: "completed" })).json.error.message, `Run ${good.id} is already completed.`);
  assert.equal((await fetch(`${keel.url}/api/v1/evals/runs`)).status, 401);
});
