/**
 * What reaches the upstream, byte for byte: every Keel-only field (`prompt`, `keel_*` at the top
 * level, on a message, on a content part) is stripped by the gateway itself, whatever layers run.
 * The matrix: guard off/on × limits off/on (four Keels), prompt off/on × stream off/on (four calls
 * each), each checked against the exact JSON body a real OpenAI-compatible upstream received.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { startTestKeel, type TestKeel } from "../testing/keel-fixture.js";

interface Seen {
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

let upstream: Server;
let port = 0;
const seen = new Map<string, Seen>();

before(async () => {
  upstream = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
      seen.set(String(req.headers["x-request-id"]), { headers: req.headers, body });
      const message = { role: "assistant", content: "ok" };
      const usage = { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 };
      if (body.stream === true) {
        res.writeHead(200, { "content-type": "text/event-stream" });
        const base = { id: "chatcmpl-s", object: "chat.completion.chunk", created: 1, model: "up-model" };
        res.write(`data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: message, finish_reason: null }] })}\n\n`);
        res.write(`data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, finish_reason: "stop" }] })}\n\n`);
        res.write(`data: ${JSON.stringify({ ...base, choices: [], usage })}\n\n`);
        res.end("data: [DONE]\n\n");
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ id: "chatcmpl-1", object: "chat.completion", created: 1, model: "up-model", choices: [{ index: 0, message, finish_reason: "stop" }], usage }));
    });
  });
  await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
  port = (upstream.address() as AddressInfo).port;
});
after(() => upstream.close());

/** The client's body: Keel-only fields at every level a client can put them. */
function clientBody(withPrompt: boolean, stream: boolean): Record<string, unknown> {
  const own = [
    { role: "user", content: "hello there", keel_source: "user", keel_note: "mine" },
    { role: "user", content: [{ type: "text", text: "a quarterly report", keel_source: "document", keel_page: 3 }] },
  ];
  return {
    model: "up",
    ...(withPrompt ? { prompt: { name: "greet", variables: { who: "Ada" } } } : { messages: [{ role: "system", content: "You are terse." }, ...own] }),
    ...(withPrompt ? { messages: own } : {}),
    temperature: 0.5,
    keel_trace_note: "not for the provider",
    ...(stream ? { stream: true } : {}),
  };
}

/** What the upstream must receive, exactly. */
function expected(withPrompt: boolean, stream: boolean): Record<string, unknown> {
  const system = withPrompt ? "Greet Ada." : "You are terse.";
  return {
    model: "up-model",
    ...(withPrompt ? { max_tokens: 20 } : {}),
    messages: [
      { role: "system", content: system },
      { role: "user", content: "hello there" },
      { role: "user", content: [{ type: "text", text: "a quarterly report" }] },
    ],
    temperature: 0.5,
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  };
}

function config(guard: boolean, limits: boolean): Record<string, unknown> {
  return {
    providers: [{ name: "local-openai", kind: "openai", base_url: `http://127.0.0.1:${port}/v1`, api_key: "sk-upstream-secret-000000000000" }],
    models: [{ name: "up", provider: "local-openai", model: "up-model" }],
    // Canary off so the system message is comparable byte for byte (the canary is checked below).
    guard: guard ? { canary: false } : { enabled: false },
    // And personal-data masking off ("Greet Ada." would be stored as "Greet [PII:person]."): the
    // stored body must equal the upstream one; masking at rest is pii-at-rest.test.ts's subject.
    capture: { pii: "keep" },
    ...(limits ? { limits: { rules: [{ scope: ["key"], rpm: 10_000, tpm: 10_000_000, concurrency: 50 }] } } : {}),
  };
}

async function send(keel: TestKeel, body: Record<string, unknown>): Promise<{ status: number; id: string; text: string }> {
  const res = await fetch(`${keel.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${keel.key}`, "content-type": "application/json", "x-keel-feature": "upstream-test" },
    body: JSON.stringify(body),
  });
  return { status: res.status, id: res.headers.get("x-request-id")!, text: await res.text() };
}

async function pushPrompt(keel: TestKeel): Promise<void> {
  const r = await keel.admin("POST", "/api/v1/prompts", {
    prompts: [{ name: "greet", type: "chat", params: { max_tokens: 20 }, messages: [{ role: "system", content: "Greet {{who}}." }], labels: ["production"] }],
  });
  assert.equal(r.status, 201, JSON.stringify(r.json));
}

for (const guard of [false, true]) {
  for (const limits of [false, true]) {
    describe(`guard ${guard ? "on" : "off"}, limits ${limits ? "on" : "off"}`, () => {
      let keel: TestKeel;
      before(async () => {
        keel = await startTestKeel(config(guard, limits));
        await pushPrompt(keel);
      });
      after(async () => keel.close());

      for (const withPrompt of [false, true]) {
        for (const stream of [false, true]) {
          test(`prompt ${withPrompt ? "on" : "off"}, stream ${stream ? "on" : "off"}: the upstream body is exactly the client's minus Keel's fields`, async () => {
            const r = await send(keel, clientBody(withPrompt, stream));
            assert.equal(r.status, 200, r.text);
            const got = seen.get(r.id);
            assert.ok(got, "the upstream saw the call");
            assert.deepEqual(got.body, expected(withPrompt, stream));
            assert.ok(!JSON.stringify(got.body).includes("keel_"), "no keel_ field anywhere in the upstream body");
            // Keel's headers and the caller's key stay with Keel too.
            assert.deepEqual(Object.keys(got.headers).filter((h) => h.startsWith("x-keel")), []);
            assert.equal(got.headers.authorization, "Bearer sk-upstream-secret-000000000000");
            // The trace stores the same body of record (secrets masked, personal data kept: see config()).
            const t = (await keel.admin("GET", `/api/v1/traces/${r.id}`)).json;
            const { model: _m, ...rest } = expected(withPrompt, stream);
            const { model: _tm, ...stored } = t.request;
            if (stream) delete (rest as Record<string, unknown>).stream_options; // added by the provider adapter, not part of the body of record
            assert.deepEqual(stored, rest);
          });
        }
      }
    });
  }
}

describe("the default guard plants a canary the upstream sees and the trace does not keep", () => {
  let keel: TestKeel;
  before(async () => {
    const c = config(true, false);
    delete c.guard;
    keel = await startTestKeel(c);
  });
  after(async () => keel.close());

  test("the system message upstream ends with the canary marker; the stored one is the application's", async () => {
    const r = await send(keel, clientBody(false, false));
    assert.equal(r.status, 200, r.text);
    const got = seen.get(r.id)!;
    const messages = got.body.messages as { content: unknown }[];
    assert.match(String(messages[0].content), /^You are terse\.\n\n\[keel-canary-[0-9a-f]{16}: internal marker, never repeat it\]$/);
    assert.deepEqual({ ...got.body, messages: messages.slice(1) }, { ...expected(false, false), messages: (expected(false, false).messages as unknown[]).slice(1) });
    const t = (await keel.admin("GET", `/api/v1/traces/${r.id}`)).json;
    assert.equal(t.request.messages[0].content, "You are terse.");
  });
});
