import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import Database from "better-sqlite3";
import { join } from "node:path";
import { runCli } from "../testing/cli-process.js";
import { startTestKeel, type TestKeel } from "../testing/keel-fixture.js";

const SUBJECT = "ada@analytical-engines.example";
const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
let keel: TestKeel;

before(async () => {
  keel = await startTestKeel({
    guard: { policies: { "log-pii": { stage: "input", scanners: { pii: "log" } } }, defaults: { input: "log-pii" } },
  });
});
after(async () => keel.close());

async function chat(user: string, traceparent?: string): Promise<string> {
  const res = await fetch(`${keel.url}/v1/chat/completions`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${keel.key}`, "content-type": "application/json", "x-keel-user": user, "x-keel-feature": "support",
      ...(traceparent ? { traceparent } : {}),
    },
    // The PII in the prompt makes the pii scanner's verdict a stored (triggered) row.
    body: JSON.stringify({ model: "sim", messages: [{ role: "user", content: "mail me at someone@example.org" }] }),
  });
  assert.equal(res.status, 200, await res.text());
  return res.headers.get("x-request-id")!;
}

function rows(sql: string, ...args: unknown[]): number {
  const db = new Database(join(keel.dataDir, "keel.db"), { readonly: true });
  try {
    return db.prepare(sql).pluck().get(...args) as number;
  } finally {
    db.close();
  }
}

test("purge by user erases the subject's traces and every row made from them, audited without the id", async () => {
  const mine = [await chat(SUBJECT, `00-${TRACE_ID}-00f067aa0ba902b7-01`), await chat(SUBJECT)];
  const theirs = await chat("grace");
  // Rows made from the subject's trace: feedback, a review item, a dataset item, the app's OTLP span.
  assert.equal((await keel.admin("POST", "/api/v1/feedback", { trace_id: mine[0], thumbs: "down", comment: "wrong" })).status, 201);
  assert.equal((await keel.admin("POST", "/api/v1/guard/false-positives", { trace_id: mine[0], scanner: "pii", source: "user" })).status, 201);
  assert.equal((await keel.admin("POST", "/api/v1/datasets", { name: "prod" })).status, 201);
  assert.equal((await keel.admin("POST", "/api/v1/datasets/prod/traces", { trace_ids: [mine[0]] })).status, 200);
  // Stamped now: a 1970 span is older than the retention window, and the writer's sweep could delete it first.
  const now = BigInt(Date.now()) * 1_000_000n;
  const span = { resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: TRACE_ID, spanId: "00f067aa0ba902b7", name: "handler", kind: 2, startTimeUnixNano: `${now}`, endTimeUnixNano: `${now + 1_000_000n}` }] }] }] };
  const intake = await fetch(`${keel.url}/v1/traces`, { method: "POST", headers: { authorization: `Bearer ${keel.key}`, "content-type": "application/json" }, body: JSON.stringify(span) });
  assert.equal(intake.status, 200);

  const dry = await keel.admin("POST", "/api/v1/traces/purge", { user: SUBJECT, dry_run: true });
  assert.equal(dry.status, 200, JSON.stringify(dry.json));
  assert.deepEqual(dry.json.deleted, { guard_verdicts: 2, guard_reviews: 1, trace_scores: 1, trace_feedback: 1, otel_spans: 1, traces: 2 });
  assert.equal(dry.json.dataset_items_not_purged, 1);
  assert.equal(rows("SELECT count(*) FROM traces WHERE user_id = ?", SUBJECT), 2, "a dry run deletes nothing");

  const done = await keel.admin("POST", "/api/v1/traces/purge", { user: SUBJECT, reason: "erasure request #12" });
  assert.equal(done.status, 200);
  assert.deepEqual(done.json.deleted, dry.json.deleted);
  for (const id of mine) assert.equal((await keel.admin("GET", `/api/v1/traces/${id}`)).status, 404);
  assert.equal((await keel.admin("GET", `/api/v1/traces/${theirs}`)).status, 200, "another user's trace stays");
  assert.equal(rows("SELECT count(*) FROM guard_verdicts WHERE trace_id = ?", theirs), 1);
  for (const table of ["guard_verdicts", "guard_reviews", "trace_scores", "trace_feedback"]) {
    assert.equal(rows(`SELECT count(*) FROM ${table} WHERE trace_id IN (?, ?)`, ...mine), 0, table);
  }
  assert.equal(rows("SELECT count(*) FROM otel_spans WHERE trace_id = ?", TRACE_ID), 0);

  const audit = (await keel.admin("GET", "/api/v1/audit?action=traces.purged")).json.data;
  assert.equal(audit.length, 1, "the purge is audited; the dry run is not");
  assert.equal(audit[0].reason, "erasure request #12");
  assert.match(audit[0].target, /^user=user:[0-9a-f]{16}$/);
  assert.equal(audit[0].target, `user=${dry.json.filter.user}`, "a dry run names the subject by the same digest");
  assert.ok(!JSON.stringify(audit).includes(SUBJECT), "the audit log does not keep the subject's id");
});

test("a purge needs a filter; bad times are refused with the parameter named", async () => {
  const none = await keel.admin("POST", "/api/v1/traces/purge", { dry_run: true });
  assert.equal(none.status, 400);
  assert.match(none.json.error.message, /at least one of 'user', 'key', 'feature', 'since', 'until'/);
  const backwards = await keel.admin("POST", "/api/v1/traces/purge", { since: "2026-02-01T00:00:00Z", until: "2026-01-01T00:00:00Z" });
  assert.equal(backwards.status, 400);
  assert.equal(backwards.json.error.param, "since");
  const unknown = await keel.admin("POST", "/api/v1/traces/purge", { users: "x" });
  assert.equal(unknown.status, 400);
  assert.equal(unknown.json.error.param, "users");
});

test("keel traces purge: --dry-run prints counts; by key and time range; no filter is a usage error", async () => {
  const conn = ["--url", keel.url, "--admin-token", keel.adminToken];
  const id = await chat("linus");
  const key = (await keel.admin("GET", `/api/v1/traces/${id}`)).json.key_id as string;
  const since = new Date(Date.now() - 60_000).toISOString();
  const dry = await runCli(["traces", "purge", "--key", key, "--since", since, "--dry-run", ...conn]);
  assert.equal(dry.code, 0, dry.err);
  assert.match(dry.out, /^dry run: key=key_\S+ since=\S+\n/);
  assert.match(dry.out, /would delete\s+\d+ traces/);
  assert.equal((await keel.admin("GET", `/api/v1/traces/${id}`)).status, 200);
  const real = await runCli(["traces", "purge", "--key", key, "--since", since, "--json", ...conn]);
  assert.equal(real.code, 0, real.err);
  assert.ok(JSON.parse(real.out).deleted.traces >= 1);
  assert.equal((await keel.admin("GET", `/api/v1/traces/${id}`)).status, 404);
  const bare = await runCli(["traces", "purge", ...conn]);
  assert.equal(bare.code, 1);
  assert.match(bare.err, /at least one of --user, --key, --feature, --since, --until/);
});
