/**
 * Hostile input against a running Keel (real HTTP server, ephemeral port): each answer has the
 * right status, OpenAI's error shape and a message that names the field or limit, and the process
 * keeps serving — every test ends with a normal call that must succeed.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { request } from "undici";
import { startTestKeel, type TestKeel } from "../testing/keel-fixture.js";
import { openRaw, parseRaw, rawExchange, readUntilClose } from "../testing/raw-http.js";
import { sleep } from "../async/sleep.js";
import { MAX_JSON_DEPTH } from "./json-depth.js";

const MAX_BODY = 4 * 1024 * 1024;
const HEADERS_TIMEOUT = 2000;
const BODY_TIMEOUT = 4000;

let keel: TestKeel;
before(async () => {
  keel = await startTestKeel({
    server: { max_body_bytes: MAX_BODY, headers_timeout_ms: HEADERS_TIMEOUT, body_timeout_ms: BODY_TIMEOUT },
    providers: [{ name: "sim", kind: "sim" }],
  });
});
after(() => keel.close());

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: any;
}

async function post(body: string | Buffer | Readable, path = "/v1/chat/completions", headers: Record<string, string> = {}): Promise<Answer> {
  const res = await request(`${keel.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${path.startsWith("/api/") ? keel.adminToken : keel.key}`, "content-type": "application/json", ...headers },
    body,
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, json: text ? JSON.parse(text) : null };
}

/** OpenAI's error shape, exactly: four fields, the right status, type and code, a precise message. */
function assertError(a: Answer | { status: number; json: any }, status: number, code: string, message: RegExp, param: string | null = null): void {
  assert.equal(a.status, status, JSON.stringify(a.json));
  assert.deepEqual(Object.keys(a.json).sort(), ["error"]);
  assert.deepEqual(Object.keys(a.json.error).sort(), ["code", "message", "param", "type"]);
  assert.equal(a.json.error.code, code);
  assert.equal(a.json.error.type, status === 408 ? "timeout_error" : "invalid_request_error");
  assert.equal(a.json.error.param, param);
  assert.match(a.json.error.message, message);
}

async function assertAlive(): Promise<void> {
  const a = await post(JSON.stringify({ model: "sim", messages: [{ role: "user", content: "still there?" }] }));
  assert.equal(a.status, 200, JSON.stringify(a.json));
  assert.equal(a.json.object, "chat.completion");
}

const chat = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ model: "sim", messages: [{ role: "user", content: "hi" }], ...extra });

describe("malformed and mistyped JSON", () => {
  test("malformed JSON is 400 invalid_json, saying where the parser stopped", async () => {
    for (const body of ['{"model":', "{nope", '{"model":"sim",}', "\u0000"]) {
      assertError(await post(body), 400, "invalid_json", /^Request body is not valid JSON: /);
    }
    assertError(await post(""), 400, "invalid_json", /empty/);
    await assertAlive();
  });

  test("JSON that is not an object at top level is 400, naming what arrived", async () => {
    const cases: [string, RegExp][] = [
      ["[]", /got an array/], ['[{"model":"sim"}]', /got an array/], ['"hello"', /got a string/], ["42", /got a number/],
      ["null", /got null/], ["true", /got a boolean/],
    ];
    for (const [body, got] of cases) assertError(await post(body), 400, "invalid_request", new RegExp(`^Request body must be a JSON object; ${got.source}\\.$`));
    await assertAlive();
  });

  test("messages of the wrong type: the message and param name the field", async () => {
    for (const messages of ["hi", 42, {}, null, true]) {
      assertError(await post(JSON.stringify({ model: "sim", messages })), 400, "invalid_request", /^Invalid 'messages': .*expected array/, "messages");
    }
    assertError(await post(JSON.stringify({ model: "sim", messages: [] })), 400, "invalid_request", /^Invalid 'messages': .*>=1/, "messages");
    assertError(await post(JSON.stringify({ model: "sim", messages: ["hi"] })), 400, "invalid_request", /^Invalid 'messages\[0\]': .*expected object/, "messages[0]");
    assertError(await post(JSON.stringify({ model: 7, messages: [{ role: "user", content: "x" }] })), 400, "invalid_request", /^Invalid 'model': .*expected string/, "model");
    await assertAlive();
  });

  test("content of the wrong type: the message says what content may be", async () => {
    for (const content of [42, true, { text: "x" }]) {
      assertError(
        await post(JSON.stringify({ model: "sim", messages: [{ role: "user", content }] })),
        400, "invalid_request", /^Invalid 'messages\[0\]\.content': expected string, array or null, received (a number|a boolean|an object)\.$/, "messages[0].content",
      );
    }
    assertError(await post(JSON.stringify({ model: "sim", messages: [{ role: "user", content: [42] }] })), 400, "invalid_request", /^Invalid 'messages\[0\]\.content\[0\]': .*expected object/, "messages[0].content[0]");
    assertError(await post(JSON.stringify({ model: "sim", messages: [{ role: "user", content: [{ type: "text", text: 5 }] }] })), 400, "invalid_request", /^Invalid 'messages\[0\]\.content\[0\]\.text': .*expected string/, "messages[0].content[0].text");
    assertError(await post(JSON.stringify({ model: "sim", messages: [{ role: "wizard", content: "x" }] })), 400, "invalid_request", /^Invalid 'messages\[0\]\.role': .*"user"/, "messages[0].role");
    await assertAlive();
  });

  test("100k messages within the byte limit: 400 naming the 10000-message limit", async () => {
    const messages = Array.from({ length: 100_000 }, (_, i) => ({ role: "user", content: `m${i}` }));
    const body = JSON.stringify({ model: "sim", messages });
    assert.ok(body.length < MAX_BODY, "the body itself is within the byte limit");
    assertError(await post(body), 400, "invalid_request", /^Invalid 'messages': .*10000/, "messages");
    await assertAlive();
  });
});

describe("size, encoding and nesting", () => {
  test("a body over server.max_body_bytes is 413 naming the limit, declared or streamed, and the connection is closed", async () => {
    const declared = await post(Buffer.alloc(MAX_BODY + 1, 0x20));
    assertError(declared, 413, "body_too_large", new RegExp(`exceeds the ${MAX_BODY}-byte limit \\(server\\.max_body_bytes\\)`));
    assert.equal(declared.headers.connection, "close");
    async function* chunks(): AsyncGenerator<Buffer> {
      for (let i = 0; i < 5; i++) yield Buffer.alloc(1024 * 1024, 0x20);
    }
    const streamed = await post(Readable.from(chunks())).catch((err: Error) => err);
    // The server may close while the client is still sending; then the client sees a reset, not the 413.
    if (!(streamed instanceof Error)) assertError(streamed, 413, "body_too_large", /server\.max_body_bytes/);
    await assertAlive();
  });

  test("invalid UTF-8 in the body is 400 invalid_json, not silently replaced", async () => {
    const pre = Buffer.from('{"model":"sim","messages":[{"role":"user","content":"');
    const post_ = Buffer.from('"}]}');
    // a stray continuation byte, a truncated sequence, an overlong "/", a UTF-16 surrogate, past U+10FFFF
    for (const bad of [[0xff], [0x80], [0xe2, 0x82], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80]]) {
      assertError(await post(Buffer.concat([pre, Buffer.from(bad), post_])), 400, "invalid_json", /^Request body is not valid UTF-8/);
    }
    const ok = await post(Buffer.concat([pre, Buffer.from("héllo ✓ 😀", "utf8"), post_]));
    assert.equal(ok.status, 200);
    await assertAlive();
  });

  const deep = (n: number): string => "[".repeat(n) + "]".repeat(n);
  const deepObject = (n: number): string => '{"a":'.repeat(n) + "1" + "}".repeat(n);

  test("100k levels of nesting anywhere in the body: 400 json_too_deep naming the limit, never a stack overflow", async () => {
    const msg = new RegExp(`^Request body nests deeper than ${MAX_JSON_DEPTH} levels`);
    const bodies = [
      deep(100_000),
      `{"model":"sim","messages":[{"role":"user","content":"hi"}],"extra":${deep(100_000)}}`,
      `{"model":"sim","messages":[{"role":"user","content":[{"type":"input_x","x":${deepObject(100_000)}}]}]}`,
      JSON.stringify(chat({ tools: [{ type: "function", function: { name: "f", parameters: { type: "object" } } }] })).replace('"type":"object"', `"type":"object","x":${deepObject(100_000)}`),
      JSON.stringify(chat({ response_format: { type: "json_schema", json_schema: { name: "s", schema: { type: "object" } } } })).replace('"type":"object"', `"type":"object","properties":${deepObject(100_000)}`),
      JSON.stringify(chat({ metadata: { a: "b" } })).replace('"b"', deep(100_000)),
    ];
    for (const body of bodies) assertError(await post(body), 400, "json_too_deep", msg);
    // the admin API reads bodies through the same reader (prompts hash canonical JSON recursively)
    assertError(await post(`{"prompts":${deep(100_000)}}`, "/api/v1/prompts"), 400, "json_too_deep", msg);
    await assertAlive();
  });

  test("nesting up to the limit is served, and brackets inside strings are not nesting", async () => {
    // the body object and "extra" take two levels
    const atLimit = await post(`{"model":"sim","messages":[{"role":"user","content":"hi"}],"extra":${deep(MAX_JSON_DEPTH - 1)}}`);
    assert.equal(atLimit.status, 200, JSON.stringify(atLimit.json));
    assertError(await post(`{"model":"sim","messages":[{"role":"user","content":"hi"}],"extra":${deep(MAX_JSON_DEPTH)}}`), 400, "json_too_deep", /levels/);
    const schema = JSON.parse(deepObject(20).replaceAll('"a":', '"properties":{"a":').replace("1", '{"type":"string"}').replaceAll("}", "}}").slice(0, -1)) as unknown;
    const structured = await post(JSON.stringify(chat({ response_format: { type: "json_schema", json_schema: { name: "s", schema: { type: "object", properties: { a: schema } } } } })));
    assert.equal(structured.status, 200, JSON.stringify(structured.json));
    const inString = await post(JSON.stringify({ model: "sim", messages: [{ role: "user", content: `${"[{".repeat(50_000)} \\" "[ ${"]".repeat(10)}` }] }));
    assert.equal(inString.status, 200, JSON.stringify(inString.json));
    await assertAlive();
  });
});

describe("the HTTP layer", () => {
  test("a 64 KB header is 431 headers_too_large in OpenAI's shape, and the process stays up", async () => {
    const r = await rawExchange(keel.url, `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(64 * 1024)}\r\nContent-Length: 2\r\n\r\n{}`);
    assertError({ status: r.status, json: JSON.parse(r.body) }, 431, "headers_too_large", /16384-byte limit \(server\.max_header_bytes\)/);
    assert.equal(r.headers.connection, "close");
    await assertAlive();
  });

  test("a request that is not HTTP is 400 in OpenAI's shape", async () => {
    const r = await rawExchange(keel.url, "HELLO THERE\r\n\r\n");
    assertError({ status: r.status, json: JSON.parse(r.body) }, 400, "invalid_request", /^Malformed HTTP request/);
    await assertAlive();
  });

  test("slowloris: 200 connections trickling headers are cut at server.headers_timeout_ms with 408, normal calls still served", async () => {
    const sockets = await Promise.all(Array.from({ length: 200 }, () => openRaw(keel.url)));
    const answers = sockets.map((s) => readUntilClose(s));
    let open = true;
    const trickle = (async () => {
      for (const s of sockets) s.write("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n");
      for (let i = 0; open; i++) {
        for (const s of sockets) if (!s.destroyed) s.write(`X-Slow-${i}: y\r\n`);
        await sleep(200);
      }
    })();
    // a few slow bodies too: headers complete, the body never finishes
    const bodies = await Promise.all(Array.from({ length: 5 }, () => openRaw(keel.url)));
    const bodyAnswers = bodies.map((s) => readUntilClose(s));
    for (const s of bodies) s.write(`POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${keel.key}\r\nContent-Length: 1000\r\n\r\n{`);
    for (let i = 0; i < 10; i++) await assertAlive();
    const texts = await Promise.race([Promise.all(answers), sleep(30_000).then(() => null)]);
    open = false;
    await trickle;
    assert.ok(texts, "the server closed every trickling connection");
    for (const t of texts) {
      const r = parseRaw(t);
      assertError({ status: r.status, json: JSON.parse(r.body) }, 408, "request_timeout", new RegExp(`headers.*${HEADERS_TIMEOUT} ms \\(server\\.headers_timeout_ms\\)`));
    }
    for (const t of await Promise.all(bodyAnswers)) {
      const r = parseRaw(t);
      assertError({ status: r.status, json: JSON.parse(r.body) }, 408, "request_timeout", new RegExp(`${BODY_TIMEOUT} ms \\(server\\.body_timeout_ms\\)`));
    }
    await assertAlive();
  });

  test("a stream may outlive server.body_timeout_ms: the bound is on receiving the request only", async () => {
    const res = await request(`${keel.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${keel.key}`, "content-type": "application/json", "x-keel-sim": `itl_ms=${Math.ceil((BODY_TIMEOUT + 1000) / 20)}` },
      body: JSON.stringify(chat({ stream: true, max_tokens: 20 })),
    });
    assert.equal(res.statusCode, 200);
    assert.match(await res.body.text(), /data: \[DONE\]\n\n$/);
  });
});
