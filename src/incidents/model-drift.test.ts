/** A silent upstream update — a new system_fingerprint, then a new model version under the same name — lands on the change timeline. */
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { startTestKeel } from "../testing/keel-fixture.js";

test("fingerprint and model-version changes reported by the upstream become change events", async () => {
  let served = { model: "up-2024-08", fingerprint: "fp_a" };
  const upstream = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({
        id: "chatcmpl-1", object: "chat.completion", created: 1, model: served.model, system_fingerprint: served.fingerprint,
        choices: [{ index: 0, message: { role: "assistant", content: "hi" }, finish_reason: "stop" }], usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
      }));
    });
  });
  await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
  const keel = await startTestKeel({
    providers: [{ name: "vendor", kind: "openai", base_url: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`, api_key: "sk-vendor-000000000000000000" }],
    models: [{ name: "up", provider: "vendor", model: "up" }],
  });
  try {
    const call = async (): Promise<void> => {
      const r = await fetch(`${keel.url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${keel.key}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "up", messages: [{ role: "user", content: "hi" }] }),
      });
      assert.equal(r.status, 200);
      await r.text();
    };
    await call();
    await sleep(5);
    served = { model: "up-2024-08", fingerprint: "fp_b" };
    await call();
    await sleep(5);
    served = { model: "up-2024-11", fingerprint: "fp_b" };
    await call();
    const { json } = await keel.admin("GET", "/api/v1/changes?since=1h");
    const model = json.data.filter((c: { kind: string }) => c.kind === "model");
    assert.deepEqual(model.map((c: { action: string; summary: string }) => [c.action, c.summary]), [
      ["model.fingerprint.changed", "up: up-2024-08 system_fingerprint fp_a → fp_b"],
      ["model.version.changed", "up: upstream now answers as up-2024-11 (was up-2024-08)"],
    ]);
    assert.equal(model[0].actor, "vendor");
  } finally {
    await keel.close();
    upstream.close();
  }
});
