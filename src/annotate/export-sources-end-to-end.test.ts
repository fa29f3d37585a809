/**
 * Exports from sources other than queues, end to end: traffic through the gateway (the official
 * openai SDK as the client), user feedback through the API, a pairwise eval run with `keel eval
 * run` (a `sim` target and a `sim` judge), then `keel data export --from …` with the share cap,
 * Parquet, stored records, `keel data exports`, `keel data diff` and `keel data audit`.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { parquetReadObjects } from "hyparquet";
import OpenAI from "openai";
import { killCliChildren, runCli } from "../testing/cli-process.js";
import { startTestKeel, type TestKeel } from "../testing/keel-fixture.js";

let keel: TestKeel;
let dir: string;
const cli = (...args: string[]): ReturnType<typeof runCli> => runCli([...args, "--url", keel.url, "--admin-token", keel.adminToken], { cwd: dir, env: { KEEL_API_KEY: keel.key } });
const PROMPTS = ["How do I rotate an API key?", "What is the refund window?", "Where are invoices?", "Is there an SLA?"];
const lines = (file: string): Record<string, any>[] => readFileSync(join(dir, file), "utf8").trim().split("\n").map((l) => JSON.parse(l));
let traces: { id: string; prompt: string }[] = [];

before(async () => {
  keel = await startTestKeel({
    providers: [
      // The target: a good answer (starts with GOOD) to #1, a poor one otherwise; a plain answer to support questions.
      { name: "sim-target", kind: "sim", rules: [{ match: "#1\\?", text: "GOOD: the answer to one." }, { match: "#\\d\\?", text: "meh." }, { match: ".", text: "Here is how it works." }] },
      // The judge prefers whichever answer starts with GOOD, in both orders; otherwise a tie.
      { name: "sim-judge", kind: "sim", rules: [{ match: "\\[ANSWER A\\]\\nGOOD", json: { reasoning: "A is right", winner: "A" } }, { match: "\\[ANSWER B\\]\\nGOOD", json: { reasoning: "B is right", winner: "B" } }, { match: ".", json: { winner: "tie" } }] },
    ],
    models: [{ name: "target", provider: "sim-target" }, { name: "judge", provider: "sim-judge" }],
  });
  dir = mkdtempSync(join(tmpdir(), "keel-export-sources-"));
  const client = new OpenAI({ apiKey: keel.key, baseURL: `${keel.url}/v1`, maxRetries: 0 });
  for (const p of PROMPTS) {
    const r = await client.chat.completions.create({ model: "target", messages: [{ role: "user", content: p }], max_tokens: 16 }).withResponse();
    traces.push({ id: r.response.headers.get("x-request-id")!, prompt: p });
  }
  traces = traces.filter((t) => t.id);
  assert.equal(traces.length, 4);
});
after(async () => {
  killCliChildren();
  await keel.close();
  rmSync(dir, { recursive: true, force: true });
});

const feedback = async (trace_id: string, body: Record<string, unknown>): Promise<void> => {
  const r = await keel.admin("POST", "/api/v1/feedback", { trace_id, ...body });
  assert.equal(r.status, 201, JSON.stringify(r.json));
};

test("feedback → KTO, SFT and DPO rows with user_feedback provenance; identical re-exports share a hash; diff; Parquet round-trips", async () => {
  const empty = await cli("data", "export", "--from", "feedback", "--format", "kto", "--out", "none.jsonl");
  assert.equal(empty.code, 1);
  assert.match(empty.err, /Export as kto from feedback has no qualifying rows \(feedback: 4 read, 0 rows; removed by feedback \(none on the trace\): 4\)/);

  await feedback(traces[0].id, { thumbs: "up" });
  await feedback(traces[1].id, { thumbs: "down" });
  await feedback(traces[2].id, { score: 0.9, correction: "Invoices are under Billing → Invoices." });
  const kto = await cli("data", "export", "--from", "feedback", "--format", "kto", "--out", "fb.jsonl", "--licence", "CC-BY-4.0");
  assert.equal(kto.code, 0, kto.err);
  const rows = lines("fb.jsonl");
  const prov = lines("fb.provenance.jsonl");
  // Newest trace first, as the trace listing reads them; a correction follows its trace's own row.
  assert.deepEqual(rows.map((r) => [r.prompt[0].content, r.completion[0].content, r.label]), [
    [traces[2].prompt, "Here is how it works.", true],
    [traces[2].prompt, "Invoices are under Billing → Invoices.", true],
    [traces[1].prompt, "Here is how it works.", false],
    [traces[0].prompt, "Here is how it works.", true],
  ]);
  assert.deepEqual(prov.map((p) => [p.origin, p.source, p.trace_ids[0], p.licence, p.from]), [
    ["user_feedback", "model_answer", traces[2].id, "CC-BY-4.0", "feedback"],
    ["user_feedback", "correction", traces[2].id, "CC-BY-4.0", "feedback"],
    ["user_feedback", "model_answer", traces[1].id, "CC-BY-4.0", "feedback"],
    ["user_feedback", "model_answer", traces[0].id, "CC-BY-4.0", "feedback"],
  ]);
  assert.deepEqual([prov[0].model, prov[0].target], ["target", "target"]);
  assert.match(prov[0].traced_at, /^\d{4}-\d\d-\d\dT/);
  const card = readFileSync(join(dir, "fb.card.md"), "utf8");
  assert.match(card, /Rows: 4/);
  assert.match(card, /`feedback`: 4 read, 4 rows; removed by feedback \(none on the trace\): 1/);
  assert.match(card, /Synthetic or LLM-judge rows: 0\.0% \(0 of 4\)/);
  const hash = /content sha256 ([0-9a-f]{64})/.exec(kto.out)![1];

  const sft = await cli("data", "export", "--from", "feedback", "--format", "sft", "--out", "fb-sft.jsonl");
  assert.equal(sft.code, 0, sft.err);
  assert.deepEqual(lines("fb-sft.jsonl").map((r) => r.messages.at(-1).content), ["Invoices are under Billing → Invoices.", "Here is how it works."]);
  const dpo = await cli("data", "export", "--from", "feedback", "--format", "dpo", "--out", "fb-dpo.jsonl");
  assert.equal(dpo.code, 0, dpo.err);
  assert.deepEqual(lines("fb-dpo.jsonl"), [{ prompt: [{ role: "user", content: traces[2].prompt }], chosen: [{ role: "assistant", content: "Invoices are under Billing → Invoices." }], rejected: [{ role: "assistant", content: "Here is how it works." }] }]);

  // The same rows again, now as Parquet: the same content hash, no new record; a reader gives back the JSONL rows.
  const pq = await cli("data", "export", "--from", "feedback", "--format", "kto", "--parquet", "--out", "fb.parquet", "--licence", "CC-BY-4.0");
  assert.equal(pq.code, 0, pq.err);
  assert.match(pq.out, new RegExp(`content sha256 ${hash}, same content as an earlier export`));
  const buf = readFileSync(join(dir, "fb.parquet"));
  assert.deepEqual(await parquetReadObjects({ file: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer }), rows);
  assert.match(readFileSync(join(dir, "fb.card.md"), "utf8"), /, Parquet/);

  // New feedback flips one answer and adds another: the diff by row key says so.
  await feedback(traces[1].id, { thumbs: "up" });
  await feedback(traces[3].id, { thumbs: "down" });
  const next = await cli("data", "export", "--from", "feedback", "--format", "kto", "--out", "fb2.jsonl", "--licence", "CC-BY-4.0");
  assert.equal(next.code, 0, next.err);
  const hash2 = /content sha256 ([0-9a-f]{64})/.exec(next.out)![1];
  const diff = await cli("data", "diff", hash, hash2);
  assert.equal(diff.code, 0, diff.err);
  assert.match(diff.out, /1 added, 0 removed, 1 changed, 3 unchanged/);
  assert.match(diff.out, new RegExp(`\\+ feedback:model_answer:${traces[3].id}`));
  assert.match(diff.out, new RegExp(`~ feedback:model_answer:${traces[1].id}`));

  const list = await cli("data", "exports", "--json");
  assert.equal(list.code, 0, list.err);
  const recs = JSON.parse(list.out) as { hash: string; sources: string[]; counts: { rows: number } }[];
  assert.equal(recs.filter((r) => r.hash === hash).length, 1);
  assert.deepEqual(recs.find((r) => r.hash === hash2)?.counts.rows, 5);
  const show = await cli("data", "exports", "show", hash, "--out", "again.jsonl");
  assert.equal(show.code, 0, show.err);
  assert.equal(readFileSync(join(dir, "again.jsonl"), "utf8"), readFileSync(join(dir, "fb.jsonl"), "utf8"));
  const log = await keel.admin("GET", "/api/v1/audit?action=annotate.exported");
  assert.ok(log.json.data.some((e: { after: { sha256: string; sources: string[] } }) => e.after.sha256 === hash2 && e.after.sources[0] === "feedback"));
  assert.equal((await keel.admin("GET", "/api/v1/annotate/exports/not-a-hash")).status, 400);
  assert.equal((await keel.admin("GET", `/api/v1/annotate/exports/${"0".repeat(64)}`)).status, 404);
});

test("pairwise eval run → judge-picked pairs with the judge's model and system_fingerprint; the share cap warns, --strict refuses; audit reads the share", async () => {
  assert.equal((await keel.admin("POST", "/api/v1/datasets", { name: "pw" })).status, 201);
  const items = [{ id: "q1", input: "What is #1?", expected: "meh reference." }, { id: "q2", input: "What is #2?", expected: "GOOD: the reference for two." }, { id: "q3", input: "What is #3?", expected: "meh too." }];
  assert.equal((await keel.admin("POST", "/api/v1/datasets/pw/items", { items })).status, 200);
  writeFileSync(join(dir, "pw.yaml"), `
name: pw
dataset: pw
target:
  type: gateway
  model: target
  messages: [{ role: user, content: "{{input}}" }]
evaluators:
  - { kind: judge_pairwise, name: pref, model: judge, criteria: "The better answer." }
repeats: 1
`);
  const run = await cli("eval", "run", "pw.yaml", "--json", "--no-progress");
  assert.ok(run.code === 0 || run.code === 1, run.err);
  const runId = (JSON.parse(run.out) as { id?: string; run?: { id: string } }).id ?? (JSON.parse(run.out) as { run: { id: string } }).run.id;

  const warned = await cli("data", "export", "--from", `pairwise:${runId}`, "--format", "dpo", "--out", "pw.jsonl");
  assert.equal(warned.code, 0, warned.err);
  assert.match(warned.err, /warning: 100\.0% of the rows \(2 of 2\) are LLM-judge or synthetic, above the maximum share 20\.0%/);
  const rows = lines("pw.jsonl");
  assert.deepEqual(rows, [
    { prompt: [{ role: "user", content: "What is #1?" }], chosen: [{ role: "assistant", content: "GOOD: the answer to one." }], rejected: [{ role: "assistant", content: "meh reference." }] },
    { prompt: [{ role: "user", content: "What is #2?" }], chosen: [{ role: "assistant", content: "GOOD: the reference for two." }], rejected: [{ role: "assistant", content: "meh." }] },
  ]);
  const prov = lines("pw.provenance.jsonl");
  assert.deepEqual(prov.map((p) => [p.origin, p.source, p.run, p.item, p.judge.system_fingerprint]), [["llm_judge", "judge_pair", runId, "q1", "sim-1"], ["llm_judge", "judge_pair", runId, "q2", "sim-1"]]);
  assert.equal(typeof prov[0].judge.model, "string");
  assert.equal(prov[0].trace_ids.length, 1);
  assert.equal(prov[0].model, "target");
  assert.match(prov[0].target, /target/);
  assert.equal(prov[0].route, "target");
  const card = readFileSync(join(dir, "pw.card.md"), "utf8");
  assert.match(card, /verdict \(tie or inconsistent\): 1/);
  assert.match(card, /Synthetic\/judge share above the maximum/);

  const refused = await cli("data", "export", "--from", `pairwise:${runId}`, "--format", "dpo", "--out", "x.jsonl", "--strict");
  assert.equal(refused.code, 1);
  assert.match(refused.err, /Export refused: 100\.0% of the rows \(2 of 2\) are LLM-judge or synthetic, above the maximum share 20\.0% \(--strict/);
  const allowed = await cli("data", "export", "--from", `pairwise:${runId}`, "--from", "feedback", "--format", "dpo", "--out", "mix.jsonl", "--strict", "--max-synthetic-share", "0.7");
  assert.equal(allowed.code, 0, allowed.err);
  assert.match(allowed.out, /synthetic\/judge share 66\.7%/);

  const audit = await cli("data", "audit", "pw.jsonl", "--offline", "--strict");
  assert.equal(audit.code, 1);
  assert.match(audit.out, /synthetic\/judge share: 100\.0% of 2 rows \(maximum 20\.0%\) — ABOVE the maximum/);
  const lenient = await cli("data", "audit", "pw.jsonl", "--offline", "--strict", "--max-synthetic-share", "1");
  assert.equal(lenient.code, 0, lenient.out);
});

test("datasets: synthetic items are synthetic rows with their generator; a dataset has no DPO pairs; rollouts are refused with the reason", async () => {
  assert.equal((await keel.admin("POST", "/api/v1/datasets", { name: "gen" })).status, 201);
  const items = [
    { id: "s1", input: "Say hi", expected: "Hi!", provenance: { source: "synthetic", generator_model: "gpt-x" } },
    { id: "h1", input: "Say bye", expected: "Bye!", provenance: { source: "human", author: "ann" } },
  ];
  assert.equal((await keel.admin("POST", "/api/v1/datasets/gen/items", { items })).status, 200);
  const r = await keel.admin("POST", "/api/v1/annotate/exports", { from: ["dataset:gen"], format: "sft", max_synthetic_share: 0.5 });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  const prov = r.json.provenance.trim().split("\n").map((l: string) => JSON.parse(l));
  assert.deepEqual(prov.map((p: Record<string, unknown>) => [p.item, p.origin, p.synthetic_model ?? null]), [["s1", "synthetic", "gpt-x"], ["h1", "human_generalist", null]]);
  assert.equal(r.json.synthetic_share, 0.5);
  assert.match(r.json.card, /Synthetic, generated by: gpt-x \(1\)/);
  const dpo = await keel.admin("POST", "/api/v1/annotate/exports", { from: ["dataset:gen"], format: "dpo" });
  assert.equal(dpo.status, 400);
  assert.match(dpo.json.error.message, /removed by pairing \(a dataset item has no rejected answer\): 2/);
  const rollout = await keel.admin("POST", "/api/v1/annotate/exports", { from: ["rollout:support"], format: "dpo" });
  assert.equal(rollout.status, 400);
  assert.match(rollout.json.error.message, /no per-item pairs/);
  const unknown = await keel.admin("POST", "/api/v1/annotate/exports", { from: ["pairwise:run_missing"], format: "dpo" });
  assert.equal(unknown.status, 404);
  const bad = await keel.admin("POST", "/api/v1/annotate/exports", { from: ["feedback"], format: "dpo", max_synthetic_share: 2 });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.param, "max_synthetic_share");
});
