import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { request } from "undici";
import { KeelError } from "../errors/errors.js";
import { readJsonBody } from "./body.js";

async function serve(limit: number): Promise<{ url: string; close: () => void; results: unknown[] }> {
  const results: unknown[] = [];
  const server = createServer(async (req, res) => {
    try {
      results.push(await readJsonBody(req, limit));
      res.end("ok");
    } catch (e) {
      results.push(e);
      res.setHeader("connection", "close");
      res.statusCode = e instanceof KeelError ? e.status : 500;
      res.end((e as Error).message);
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close(), results };
}

test("parses JSON bodies, whatever the content type", async () => {
  const s = await serve(1024);
  const r = await request(s.url, { method: "POST", body: '{"a":[1,2]}', headers: { "content-type": "application/x-www-form-urlencoded" } });
  assert.equal(r.statusCode, 200);
  await r.body.text();
  assert.deepEqual(s.results[0], { a: [1, 2] });
  s.close();
});

test("refuses oversize bodies by Content-Length and by streamed size; empty and invalid JSON are 400", async () => {
  const s = await serve(1024);
  const declared = await request(s.url, { method: "POST", body: "x".repeat(2000) });
  assert.equal(declared.statusCode, 413);
  await declared.body.text();
  async function* chunks(): AsyncGenerator<Buffer> {
    for (let i = 0; i < 10; i++) yield Buffer.alloc(300, 0x20);
  }
  const streamed = await request(s.url, { method: "POST", body: Readable.from(chunks()) });
  assert.equal(streamed.statusCode, 413);
  await streamed.body.text();
  const empty = await request(s.url, { method: "POST", body: "" });
  assert.equal(empty.statusCode, 400);
  assert.match(await empty.body.text(), /empty/);
  const bad = await request(s.url, { method: "POST", body: "{nope" });
  assert.equal(bad.statusCode, 400);
  assert.match(await bad.body.text(), /not valid JSON/);
  s.close();
});
