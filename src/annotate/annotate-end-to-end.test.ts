import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import OpenAI from "openai";
import { krippendorffAlpha } from "../evals/stats/krippendorff.js";
import { killCliChildren, runCli } from "../testing/cli-process.js";
import { startTestKeel, type TestKeel } from "../testing/keel-fixture.js";

let keel: TestKeel;
let dir: string;
const PROMPTS = ["How do I rotate an API key?", "What is the refund window for annual plans?", "Summarise our uptime policy in one line."];
const cli = (...args: string[]): ReturnType<typeof runCli> => runCli([...args, "--url", keel.url, "--admin-token", keel.adminToken], { cwd: dir });

before(async () => {
  keel = await startTestKeel();
  dir = mkdtempSync(join(tmpdir(), "keel-annotate-"));
  const client = new OpenAI({ apiKey: keel.key, baseURL: `${keel.url}/v1`, maxRetries: 0 });
  // Each prompt twice with different seeds: two answers to the same prompt, so DPO has pairs.
  for (const p of PROMPTS) for (const seed of [1, 2]) await client.chat.completions.create({ model: "sim", messages: [{ role: "user", content: p }], max_tokens: 16, seed });
});
after(async () => {
  killCliChildren();
  await keel.close();
  rmSync(dir, { recursive: true, force: true });
});

const spec = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  name,
  filter: { route: "sim", limit: 50 },
  rubric: { dimensions: [{ name: "quality", scale: { kind: "ordinal", min: 1, max: 5 }, pass: 4 }, { name: "tone", scale: { kind: "nominal", labels: ["ok", "rude"] } }], critique: "optional" },
  reviewers: [{ name: "ann", expertise: "expert" }, { name: "bob", expertise: "generalist" }],
  reviewers_per_item: 2,
  licence: "CC-BY-4.0",
  ...extra,
});

type Item = { id: string; trace_id: string; input: { role: string; content: string }[]; output: string };

/** Labels every item by both reviewers through the API; `score(i, reviewer)` gives quality. */
async function labelAll(queue: string, score: (i: number, r: "ann" | "bob") => number): Promise<Item[]> {
  const seen: Item[] = [];
  for (const r of ["ann", "bob"] as const) {
    for (;;) {
      const n = await keel.admin("GET", `/api/v1/annotate/queues/${queue}/next?reviewer=${r}`);
      assert.equal(n.status, 200);
      if (!n.json.item) break;
      const item = n.json.item as Item;
      let i = seen.findIndex((s) => s.id === item.id);
      if (i < 0) i = seen.push(item) - 1;
      const res = await keel.admin("POST", `/api/v1/annotate/queues/${queue}/items/${item.id}/labels`, { reviewer: r, values: { quality: score(i, r), tone: "ok" } });
      assert.equal(res.status, 201, JSON.stringify(res.json));
    }
  }
  return seen;
}

test("traffic → queue → two reviewers → agreement → DPO export checked row by row → audit finds eval contamination", async () => {
  writeFileSync(join(dir, "queue.json"), JSON.stringify(spec("support", { min_agreement: 0.6 })));
  const made = await cli("annotate", "queues", "--create", "queue.json");
  assert.equal(made.code, 0, made.err);
  assert.match(made.out, /created queue support: 6 items from 6 traces scanned/);

  const bad = await keel.admin("POST", "/api/v1/annotate/queues/support/items/it_0/labels", { reviewer: "ann", values: { quality: 7, tone: "ok" } });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.param, "values.quality");
  assert.match(bad.json.error.message, /allowed: integers 1\.\.5/);
  const stranger = await keel.admin("POST", "/api/v1/annotate/queues/support/items/it_0/labels", { reviewer: "eve", values: { quality: 3, tone: "ok" } });
  assert.match(stranger.json.error.message, /not a reviewer of queue support; its reviewers are: ann, bob/);

  // Item i: the first answer of each prompt is good (5), the second poor (1); bob is off by one on two items.
  const plan = (i: number, r: "ann" | "bob"): number => (i % 2 === 0 ? 5 : 1) - (r === "bob" && (i === 1 || i === 2) ? (i === 1 ? -1 : 1) : 0);
  const items = await labelAll("support", plan);
  assert.equal(items.length, 6);
  const q = await keel.admin("GET", "/api/v1/annotate/queues/support");
  assert.deepEqual(q.json.states, { pending: 0, in_review: 0, done: 6, skipped: 0 });

  const ag = await keel.admin("GET", "/api/v1/annotate/queues/support/agreement?resamples=200");
  const quality = ag.json.dimensions.find((d: { dimension: string }) => d.dimension === "quality");
  assert.equal(quality.alpha.value, krippendorffAlpha(items.map((_, i) => [plan(i, "ann"), plan(i, "bob")]), "ordinal").value);
  assert.ok(quality.alpha_ci.low <= quality.alpha.value && quality.alpha_ci.high >= quality.alpha.value - 1e-9);
  assert.equal(ag.json.pairs.find((p: { dimension: string }) => p.dimension === "quality").n, 6);
  const bobVsExperts = ag.json.reviewers.find((r: { reviewer: string; dimension: string }) => r.reviewer === "bob" && r.dimension === "quality");
  assert.equal(bobVsExperts.agreement.value, 4 / 6);
  // Everyone said "ok": alpha is undefined for tone, so the overall is too, and min_agreement is not met.
  assert.equal(ag.json.overall, null);
  assert.equal(ag.json.meets_threshold, false);
  const text = await cli("annotate", "agreement", "support");
  assert.equal(text.code, 0, text.err);
  assert.match(text.out, /NOT met \(export needs --force\)/);

  const refused = await cli("data", "export", "--queue", "support", "--format", "dpo", "--out", "support.jsonl");
  assert.equal(refused.code, 1);
  assert.match(refused.err, /below its min_agreement 0\.6; export refused/);
  const exp = await cli("data", "export", "--queue", "support", "--format", "dpo", "--out", "support.jsonl", "--force");
  assert.equal(exp.code, 0, exp.err);
  const rows = readFileSync(join(dir, "support.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
  const prov = readFileSync(join(dir, "support.provenance.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
  assert.equal(rows.length, 3);
  assert.equal(prov.length, 3);
  for (const [k, row] of rows.entries()) {
    const good = items.find((it) => it.trace_id === prov[k].trace_ids[0])!;
    const poor = items.find((it) => it.trace_id === prov[k].trace_ids[1])!;
    assert.deepEqual(row, { prompt: [{ role: "user", content: good.input[0].content }], chosen: [{ role: "assistant", content: good.output }], rejected: [{ role: "assistant", content: poor.output }] });
    assert.equal(good.input[0].content, poor.input[0].content);
    assert.equal(prov[k].origin, "human_expert");
    assert.equal(prov[k].licence, "CC-BY-4.0");
    assert.equal(prov[k].model, "sim");
  }
  const card = readFileSync(join(dir, "support.card.md"), "utf8");
  const log = await keel.admin("GET", "/api/v1/audit?action=annotate.exported");
  assert.equal(log.status, 200, JSON.stringify(log.json));
  const entry = log.json.data.find((e: { after: { format: string } }) => e.after.format === "dpo");
  assert.equal(entry.after.sha256, createHash("sha256").update(readFileSync(join(dir, "support.jsonl"))).digest("hex"));
  assert.equal(entry.after.forced, true);
  assert.match(entry.actor, /^cli/);
  assert.match(card, /Exported below the agreement threshold \(forced\)/);
  assert.match(card, /Rows: 3/);

  const balanced = await keel.admin("GET", "/api/v1/annotate/queues/support/export?format=openai-dpo&force=true&balance=true");
  assert.equal(balanced.status, 200, JSON.stringify(balanced.json));
  assert.match(balanced.json.card, /Length-balanced: \d+ pairs dropped/);
  const shares = balanced.json.jsonl.trim().split("\n").map((l: string) => JSON.parse(l)).map((r: { preferred_output: { content: string }[]; non_preferred_output: { content: string }[] }) => Math.sign(r.preferred_output[0].content.length - r.non_preferred_output[0].content.length));
  assert.equal(shares.filter((x: number) => x > 0).length, shares.filter((x: number) => x < 0).length);
  const kto = await keel.admin("GET", "/api/v1/annotate/queues/support/export?format=kto&force=true");
  assert.deepEqual(kto.json.jsonl.trim().split("\n").map((l: string) => JSON.parse(l).label), items.map((_, i) => plan(i, "ann") >= 4));

  // A golden dataset holding one of the prompts: the audit lists the rows that leak it.
  assert.equal((await keel.admin("POST", "/api/v1/datasets", { name: "golden" })).status, 201);
  assert.equal((await keel.admin("POST", "/api/v1/datasets/golden/items", { items: [{ id: "g1", input: PROMPTS[1], expected: "30 days" }] })).status, 200);
  const audit = await cli("data", "audit", "support.jsonl", "--json");
  assert.equal(audit.code, 0, audit.err);
  const rep = JSON.parse(audit.out);
  assert.equal(rep.rows, 3);
  assert.equal(rep.format, "dpo");
  assert.deepEqual(rep.contamination.map((c: { dataset: string; item: string; kind: string }) => [c.dataset, c.item, c.kind]), [["golden", "g1", "exact"]]);
  assert.equal(rep.length_bias.pairs, 3);
  const strict = await cli("data", "audit", "support.jsonl", "--strict");
  assert.equal(strict.code, 1);
});

test("bad queue input is refused precisely; an empty filter says so; unknown queues are 404", async () => {
  const none = await keel.admin("POST", "/api/v1/annotate/queues", spec("none", { filter: { route: "no-such-model" } }));
  assert.equal(none.status, 400);
  assert.match(none.json.error.message, /No traces match the queue's filter/);
  const sampled = await keel.admin("POST", "/api/v1/annotate/queues", spec("tiny", { filter: { route: "sim", sample: 0.0001 } }));
  assert.equal(sampled.status, 400);
  assert.match(sampled.json.error.message, /sample: 6/);
  const many = await keel.admin("POST", "/api/v1/annotate/queues", spec("x", { reviewers_per_item: 3 }));
  assert.equal(many.status, 400);
  assert.match(many.json.error.message, /reviewers_per_item exceeds the number of reviewers/);
  assert.equal((await keel.admin("GET", "/api/v1/annotate/queues/missing/agreement")).status, 404);
  // Negative feedback on one call: a queue of the calls users disliked holds just it.
  const traces = await keel.admin("GET", "/api/v1/traces?limit=1");
  const disliked = traces.json.data[0].id as string;
  assert.equal((await keel.admin("POST", "/api/v1/feedback", { trace_id: disliked, thumbs: "down" })).status, 201);
  const neg = await keel.admin("POST", "/api/v1/annotate/queues", spec("disliked", { filter: { route: "sim", feedback: "negative" } }));
  assert.equal(neg.status, 201, JSON.stringify(neg.json));
  assert.equal(neg.json.queue.items, 1);
  assert.equal(neg.json.build.excluded.feedback, 5);
  assert.equal((await keel.admin("GET", "/api/v1/annotate/queues/disliked/next?reviewer=bob")).json.item.trace_id, disliked);
  const lowScore = await keel.admin("POST", "/api/v1/annotate/queues", spec("low", { filter: { route: "sim", score_below: { name: "faithfulness", value: 0.5 } } }));
  assert.match(lowScore.json.error.message, /score_below: 6/);
  // A skipped item is never served and takes no labels; the name is taken once.
  assert.equal((await keel.admin("POST", "/api/v1/annotate/queues", spec("skips", { filter: { route: "sim", limit: 2 } }))).status, 201);
  assert.equal((await keel.admin("POST", "/api/v1/annotate/queues", spec("skips"))).status, 409);
  assert.equal((await keel.admin("POST", "/api/v1/annotate/queues/skips/items/it_0/skip")).json.state, "skipped");
  assert.equal((await keel.admin("GET", "/api/v1/annotate/queues/skips/next?reviewer=ann")).json.item.id, "it_1");
  const late = await keel.admin("POST", "/api/v1/annotate/queues/skips/items/it_0/labels", { reviewer: "ann", values: { quality: 3, tone: "ok" } });
  assert.equal(late.status, 409);
  const listed = await cli("annotate", "queues");
  assert.equal(listed.code, 0, listed.err);
  assert.match(listed.out, /skips\s+2\s+1\s+0\s+0\s+1/);
  const fmt = await keel.admin("GET", "/api/v1/annotate/queues/support/export?format=parquet");
  assert.equal(fmt.status, 400);
  assert.equal(fmt.json.error.param, "format");
});
