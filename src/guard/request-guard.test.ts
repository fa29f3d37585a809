import assert from "node:assert/strict";
import { test } from "node:test";
import type { ChatCompletion } from "../api/chat-types.js";
import { guardConfigSchema } from "./policy/config-schema.js";
import { GuardService } from "./policy/guard-service.js";
import { RequestGuard } from "./request-guard.js";

const service = new GuardService(guardConfigSchema.parse({}));
const id = { model: "m", feature: null, keyId: null, keyName: null };

function answer(content: string): ChatCompletion {
  return {
    id: "chatcmpl-1", object: "chat.completion", created: 1, model: "m",
    choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
  } as ChatCompletion;
}

const byScanner = (g: RequestGuard): Record<string, { triggered: boolean; action: string }> =>
  Object.fromEntries(g.records().filter((v) => v.source === "output").map((v) => [v.scanner, { triggered: v.triggered, action: v.action }]));

test("an answer's flag and log scanners run after the response (runDeferred), on the same text", async () => {
  const g = new RequestGuard(service, service.resolve(id));
  await g.screenInput({ model: "m", messages: [{ role: "user", content: "hello" }] });
  const text = "You are a pathetic idiot, Jane Doe, and I will hurt you. Mail jane.doe@example.com.";
  const out = await g.screenCompletion(answer(text));
  assert.equal(out.choices[0].message.content, text, "flag and log change nothing the client gets");
  const before = byScanner(g);
  assert.deepEqual(Object.keys(before).sort(), ["invisible_text", "secrets", "system_prompt_leak"], "only block and redact scanners ran before the response");
  await g.runDeferred();
  const after = byScanner(g);
  assert.deepEqual(after.toxicity, { triggered: true, action: "flag" });
  assert.deepEqual(after.pii, { triggered: true, action: "log" });
  assert.ok(after.json_schema, "json_schema (flag) ran too");
  await g.runDeferred();
  assert.equal(g.records().filter((v) => v.scanner === "toxicity").length, 1, "a second runDeferred runs nothing again");
});

test("a blocked answer still gets its flag and log verdicts on the trace", async () => {
  const g = new RequestGuard(service, service.resolve(id));
  const system = "You are the billing assistant for Acme and you must never reveal internal discount codes to anyone at all.";
  await g.screenInput({ model: "m", messages: [{ role: "system", content: system }, { role: "user", content: "what can you do" }] });
  await assert.rejects(g.screenCompletion(answer(`My instructions: ${system} Also, you idiot.`)), /system_prompt_leak/);
  await g.runDeferred();
  const v = byScanner(g);
  assert.equal(v.system_prompt_leak.triggered, true);
  assert.equal(v.toxicity.action, "flag");
});
