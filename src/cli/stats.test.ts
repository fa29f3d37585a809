import assert from "node:assert/strict";
import { test } from "node:test";
import { startTestKeel } from "../testing/keel-fixture.js";
import { runCli } from "../testing/cli-process.js";


test("keel stats prints one row per slice, or JSON", async () => {
  const k = await startTestKeel();
  try {
    for (let i = 0; i < 2; i++) {
      const r = await fetch(`${k.url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${k.key}`, "content-type": "application/json", "x-keel-feature": "cli" },
        body: JSON.stringify({ model: "sim", messages: [{ role: "user", content: "hi" }], max_tokens: 5 }),
      });
      await r.text();
    }
    const conn = ["--url", k.url, "--admin-token", k.adminToken];
    const out = await runCli(["stats", "--by", "feature", "--since", "1h", ...conn]);
    assert.equal(out.code, 0, out.err);
    assert.match(out.out, /FEATURE\s+REQS\s+ERR\s+LAT P50/);
    assert.match(out.out, /^cli\s+2\s+0\.0%/m);
    const json = await runCli(["stats", "--json", ...conn]);
    assert.equal(JSON.parse(json.out).data[0].requests, 2);
    const bad = await runCli(["stats", "--by", "galaxy", ...conn]);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /Invalid query parameter 'by'/);
  } finally {
    await k.close();
  }
});
