/** The README's curl examples, run as written against a live Keel (only the base URL is swapped). */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { startTestKeel, type TestKeel } from "../testing/keel-fixture.js";

const run = promisify(execFile);
let keel: TestKeel;

before(async () => {
  keel = await startTestKeel();
});
after(async () => keel.close());

function curlBlocks(): string[] {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  return [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1].trim()).filter((b) => b.startsWith("curl "));
}

test("the README has curl examples for chat, streaming, embeddings and traces", () => {
  const blocks = curlBlocks();
  assert.ok(blocks.length >= 4, `found ${blocks.length}`);
});

test("every README curl example succeeds and returns what it promises", async () => {
  const outputs: string[] = [];
  for (const block of curlBlocks()) {
    const cmd = block.replaceAll("http://127.0.0.1:4000", keel.url).replace(/^curl /gm, "curl --fail-with-body ");
    const { stdout } = await run("bash", ["-c", cmd], { env: { ...process.env, KEEL_KEY: keel.key, KEEL_ADMIN_TOKEN: keel.adminToken } });
    outputs.push(stdout);
  }
  const [chat, stream, embeddings, traces] = outputs;
  assert.equal(JSON.parse(chat).object, "chat.completion");
  assert.match(stream, /^data: \{.*"chat\.completion\.chunk"/m);
  assert.match(stream, /"usage":\{"prompt_tokens":\d+/);
  assert.match(stream, /data: \[DONE\]\n*$/);
  assert.equal(JSON.parse(embeddings).data[0].embedding.length, 512);
  assert.ok(JSON.parse(traces).data.length >= 2, "the calls above are traced");
});
