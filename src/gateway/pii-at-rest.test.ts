/**
 * Personal data at rest (docs/privacy.md): under the default `capture.pii: mask` no raw value of
 * any class the PII scanner knows is anywhere Keel keeps or sends data — not in the SQLite file,
 * its WAL, the rows decoded (bodies are stored DEFLATE-packed, so a byte search alone would prove
 * nothing), the logs, the OTLP export or the span store — for chat (JSON and streamed), tool-call
 * arguments, embeddings, metadata, feedback and OTLP intake. With `keep` they are stored, and the
 * trace says so.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { createLogger } from "../observe/log.js";
import { unpackJson } from "../observe/packed-json.js";
import { startTestKeel, type TestKeel } from "../testing/keel-fixture.js";

const PII = {
  card: "4111 1111 1111 1111",
  iban: "GB82 WEST 1234 5698 7654 32",
  ssn: "123-45-6789",
  nino: "AB 12 34 56 C",
  sin: "046 454 286",
  dni: "12345678Z",
  email: "ada.lovelace@analytical-engines.example",
  phone: "(415) 555-0132",
  person: "Siiri Lahtinen",
  address: "221B Baker Street, London NW1 6XE",
};
const RAW = Object.values(PII);
const PROMPT = `PII check: card ${PII.card}, IBAN ${PII.iban}, SSN ${PII.ssn}, NI number ${PII.nino}, SIN: ${PII.sin}, DNI ${PII.dni}, `
  + `mail ${PII.email}, call ${PII.phone}, my name is ${PII.person}, ship to ${PII.address}`;
const ANSWER = `Refund to card ${PII.card} and IBAN ${PII.iban} for ${PII.email}; my name is ${PII.person}, phone ${PII.phone}.`;

function simConfig(extra: Record<string, unknown>): Record<string, unknown> {
  // No personal data in the config itself: it is recorded in the audit log, and the test searches the whole store.
  return {
    providers: [{ name: "pii-sim", kind: "sim" }],
    models: [{ name: "pii", provider: "pii-sim" }, { name: "hashed", provider: "pii-sim" }],
    // The default input policy logs PII (for false positives): logging must not mean storing.
    guard: { policies: { "log-pii": { stage: "input", scanners: { pii: "log" } } }, defaults: { input: "log-pii" } },
    ...extra,
  };
}

/** A tool the simulator must call, whose arguments (generated from the schema) are the personal data. */
const REFUND_TOOL = {
  tools: [{ type: "function", function: { name: "refund", parameters: { type: "object", additionalProperties: false, required: ["card", "iban", "holder", "ssn", "to"], properties: {
    card: { const: PII.card }, iban: { const: PII.iban }, holder: { const: `my name is ${PII.person}` }, ssn: { const: `SSN ${PII.ssn}` }, to: { const: PII.address },
  } } } }],
  tool_choice: "required",
};

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** Every cell of every table as text, packed bodies unpacked: what the store holds, decoded. */
function decodedStore(dataDir: string): string {
  const db = new Database(join(dataDir, "keel.db"), { readonly: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
    const out: string[] = [];
    for (const t of tables) {
      for (const row of db.prepare(`SELECT * FROM "${t}"`).raw().all() as unknown[][]) {
        for (const cell of row) out.push(Buffer.isBuffer(cell) ? (cell[0] === 1 ? unpackJson(cell) ?? "" : cell.toString("latin1")) : String(cell));
      }
    }
    return out.join("\n");
  } finally {
    db.close();
  }
}

interface World {
  keel: TestKeel;
  logs: string[];
  exported: Buffer[];
  collector: Server;
  upstream: Server;
}

/** A Keel with a capturing OTLP collector, an OpenAI-compatible embeddings upstream and a debug logger. */
async function startWorld(capture: Record<string, unknown>): Promise<World> {
  const exported: Buffer[] = [];
  const collector = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => { exported.push(Buffer.concat(chunks)); res.writeHead(200, { "content-type": "application/json" }).end("{}"); });
  });
  const upstream = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ object: "list", model: "embed", data: [{ object: "embedding", index: 0, embedding: [0.1, 0.2] }], usage: { prompt_tokens: 3, total_tokens: 3 } }));
    });
  });
  await new Promise<void>((r) => collector.listen(0, "127.0.0.1", r));
  await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
  const logs: string[] = [];
  const config = simConfig({ capture });
  (config.providers as unknown[]).push({ name: "emb", kind: "openai", base_url: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1` });
  (config.models as unknown[]).push({ name: "embed", provider: "emb", type: "embeddings" });
  config.otel = { export: { endpoint: `http://127.0.0.1:${(collector.address() as AddressInfo).port}/v1/traces`, flush_interval_ms: 10 } };
  const keel = await startTestKeel(config, {}, { log: createLogger("debug", (line) => void logs.push(line)) });
  return { keel, logs, exported, collector, upstream };
}

async function call(w: World, path: string, body: Record<string, unknown>, key = w.keel.key): Promise<{ status: number; id: string; text: string }> {
  const res = await fetch(`${w.keel.url}${path}`, {
    method: "POST",
    // The simulator answers with the personal data, percent-encoded in its directive header.
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...(body.tools ? {} : { "x-keel-sim": `answer=${encodeURIComponent(ANSWER)}` }) },
    body: JSON.stringify(body),
  });
  return { status: res.status, id: res.headers.get("x-request-id")!, text: await res.text() };
}

/** Every path a body takes: chat JSON and streamed, tool calls JSON and streamed, embeddings, metadata, OTLP intake. */
async function sendEveryClass(w: World, model = "pii", key?: string): Promise<string[]> {
  const msgs = (text: string): unknown[] => [{ role: "user", content: text }];
  const calls = [
    await call(w, "/v1/chat/completions", { model, messages: msgs(PROMPT), metadata: { customer: PII.email } }, key),
    await call(w, "/v1/chat/completions", { model, messages: msgs(PROMPT), stream: true }, key),
    await call(w, "/v1/chat/completions", { model, messages: msgs(PROMPT), ...REFUND_TOOL }, key),
    await call(w, "/v1/chat/completions", { model, messages: msgs(PROMPT), ...REFUND_TOOL, stream: true }, key),
    await call(w, "/v1/embeddings", { model: "embed", input: [PROMPT] }, key),
  ];
  for (const c of calls) assert.equal(c.status, 200, c.text);
  assert.ok(calls[0].text.includes(PII.card), "the client gets its answer unmasked");
  assert.ok(calls[2].text.includes("tool_calls") && calls[2].text.includes("4111"), "the simulator answered with a tool call carrying the card");
  const span = {
    resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ spans: [{
      traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331", name: "chat", kind: 3,
      startTimeUnixNano: String(Date.now() * 1e6), endTimeUnixNano: String((Date.now() + 5) * 1e6),
      attributes: [{ key: "gen_ai.input.messages", value: { stringValue: JSON.stringify(msgs(PROMPT)) } }],
    }] }] }],
  };
  const intake = await fetch(`${w.keel.url}/v1/traces`, { method: "POST", headers: { authorization: `Bearer ${key ?? w.keel.key}`, "content-type": "application/json" }, body: JSON.stringify(span) });
  assert.equal(intake.status, 200, await intake.text());
  return calls.map((c) => c.id);
}

async function stop(w: World, closed: boolean): Promise<void> {
  if (!closed) await w.keel.close();
  else rmSync(w.keel.dataDir, { recursive: true, force: true });
  w.collector.close();
  w.upstream.close();
}

describe("capture.pii: mask (the default), with a route on hash", () => {
  let w: World;
  let closed = false;
  before(async () => { w = await startWorld({ routes: { hashed: { pii: "hash" } } }); });
  after(async () => stop(w, closed));

  const assertNowhere = (where: string, haystack: Buffer | string): void => {
    const text = Buffer.isBuffer(haystack) ? haystack.toString("latin1") : haystack;
    for (const v of RAW) assert.ok(!text.includes(v), `${v} found in ${where}: ${text.slice(Math.max(0, text.indexOf(v) - 300), text.indexOf(v) + 100)}`);
  };

  test("no raw value of any class in the store, its WAL, the logs or the OTLP export", async () => {
    const ids = await sendEveryClass(w);
    const hashedIds = await sendEveryClass(w, "hashed");
    for (const id of [...ids, ...hashedIds]) {
      const t = (await w.keel.admin("GET", `/api/v1/traces/${id}`)).json;
      assert.ok(t.request, `trace ${id} kept a request body`);
      assert.equal(t.pii_kept, false);
      assertNowhere(`trace ${id} via the API`, JSON.stringify(t));
    }
    const chat = (await w.keel.admin("GET", `/api/v1/traces/${ids[0]}`)).json;
    const content = chat.request.messages[0].content as string;
    for (const label of ["credit_card", "iban", "us_ssn", "uk_nino", "ca_sin", "es_dni", "email", "phone", "person", "street_address"]) {
      assert.ok(content.includes(`[PII:${label}]`), `[PII:${label}] in ${content}`);
    }
    assert.equal(chat.metadata.customer, "[PII:email]");
    const streamed = (await w.keel.admin("GET", `/api/v1/traces/${ids[1]}`)).json;
    assert.match(streamed.response.choices[0].message.content, /\[PII:credit_card\]/, "the assembled stream is masked");
    const tool = (await w.keel.admin("GET", `/api/v1/traces/${ids[3]}`)).json;
    const args = JSON.parse(tool.response.choices[0].message.tool_calls[0].function.arguments);
    assert.equal(args.card, "[PII:credit_card]", "streamed tool-call arguments are masked and stay JSON");

    // hash: the same card gives the same placeholder in the prompt and in the answer.
    const hashed = (await w.keel.admin("GET", `/api/v1/traces/${hashedIds[0]}`)).json;
    const inPrompt = /\[PII:credit_card:([0-9a-f]{16})\]/.exec(JSON.stringify(hashed.request))?.[1];
    const inAnswer = /\[PII:credit_card:([0-9a-f]{16})\]/.exec(JSON.stringify(hashed.response))?.[1];
    assert.ok(inPrompt && inPrompt === inAnswer, `correlating placeholders: ${inPrompt} / ${inAnswer}`);

    // Derived bodies: a dataset made from traces, a false-positive review excerpt.
    assert.equal((await w.keel.admin("POST", "/api/v1/datasets", { name: "from-prod" })).status, 201);
    const ds = await w.keel.admin("POST", "/api/v1/datasets/from-prod/traces", { trace_ids: [ids[0], ids[1], ids[2]] });
    assert.equal(ds.status, 200, JSON.stringify(ds.json));
    assertNowhere("the dataset items", JSON.stringify((await w.keel.admin("GET", "/api/v1/datasets/from-prod/items")).json));
    const review = await w.keel.admin("POST", "/api/v1/guard/false-positives", { trace_id: ids[0], scanner: "pii", source: "user", note: "check" });
    assert.equal(review.status, 201, JSON.stringify(review.json));
    assert.match(String(review.json.excerpt), /\[PII:credit_card\]/);
    const fb = await w.keel.admin("POST", "/api/v1/feedback", { trace_id: ids[0], thumbs: "down", comment: `wrong card, it is ${PII.card}`, correction: ANSWER });
    assert.equal(fb.status, 201, JSON.stringify(fb.json));
    assert.equal(fb.json.comment, "wrong card, it is [PII:credit_card]", "feedback is masked under the call's policy");
    const spans = await w.keel.admin("GET", "/api/v1/otel/traces/0af7651916cd43dd8448eb211c80319c");
    assert.equal(spans.status, 200);
    assert.match(JSON.stringify(spans.json), /PII:credit_card/, "the ingested span's attributes were masked");

    const files = filesUnder(w.keel.dataDir);
    assert.ok(files.some((f) => f.endsWith("-wal")), `a WAL file exists to check: ${files.join(", ")}`);
    for (const f of files) assertNowhere(f, readFileSync(f));
    assertNowhere("the decoded store", decodedStore(w.keel.dataDir));
    await w.keel.app.shutdown();
    closed = true;
    for (const f of filesUnder(w.keel.dataDir)) assertNowhere(`${f} after shutdown`, readFileSync(f));
    assertNowhere("the decoded store after shutdown", decodedStore(w.keel.dataDir));
    assert.ok(w.exported.length > 0, "the OTLP collector received spans");
    for (const [i, b] of w.exported.entries()) assertNowhere(`OTLP export #${i}`, b);
    assertNowhere("the logs", w.logs.join(""));
  });
});

describe("capture.pii: keep, with one key on mask", () => {
  let w: World;
  before(async () => { w = await startWorld({ pii: "keep", keys: { careful: { pii: "mask" } } }); });
  after(async () => stop(w, false));

  test("bodies are stored as sent and the trace is marked pii_kept; the key's own policy still masks", async () => {
    const ids = await sendEveryClass(w);
    const store = decodedStore(w.keel.dataDir);
    for (const v of RAW) assert.ok(store.includes(v), `${v} is stored under keep`);
    for (const id of ids) {
      const t = (await w.keel.admin("GET", `/api/v1/traces/${id}`)).json;
      assert.equal(t.pii_kept, true, `trace ${id} is marked`);
      assert.ok(JSON.stringify(t.request).includes(PII.iban));
    }
    const listed = (await w.keel.admin("GET", "/api/v1/traces?limit=1")).json;
    assert.equal(listed.data[0].pii_kept, true, "listings carry the mark for the dashboard");

    const made = await w.keel.admin("POST", "/api/v1/keys", { name: "careful" });
    assert.equal(made.status, 201);
    const [masked] = await sendEveryClass(w, "pii", made.json.key);
    const t = (await w.keel.admin("GET", `/api/v1/traces/${masked}`)).json;
    assert.equal(t.pii_kept, false);
    for (const v of RAW) assert.ok(!JSON.stringify(t).includes(v), `${v} masked under the key's policy`);
  });
});
