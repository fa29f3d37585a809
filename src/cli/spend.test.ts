import { test } from "node:test";
import assert from "node:assert/strict";
import { startTestKeel } from "../testing/keel-fixture.js";
import { keyLimitsFrom } from "./key-limits.js";
import { sinceDay } from "./spend.js";
import { runCli } from "../testing/cli-process.js";

test("--since takes durations, today, month or dates", () => {
  const now = Date.UTC(2026, 10, 29, 10);
  assert.equal(sinceDay("7d", now), "2026-11-22");
  assert.equal(sinceDay("12h", now), "2026-11-28");
  assert.equal(sinceDay("today", now), "2026-11-29");
  assert.equal(sinceDay("month", now), "2026-11-01");
  assert.equal(sinceDay("2026-10-01", now), "2026-10-01");
  assert.throws(() => sinceDay("last tuesday", now), /expected a duration/);
});

test("key limit flags become the limits object; bad values name the flag", () => {
  assert.equal(keyLimitsFrom({}), undefined);
  assert.deepEqual(keyLimitsFrom({ rpm: "60", budgetDay: "$5", maxConcurrency: "3" }), { rpm: 60, max_concurrency: 3, daily_usd: 5 });
  assert.throws(() => keyLimitsFrom({ tpm: "lots" }), /--tpm: expected a positive integer/);
  assert.throws(() => keyLimitsFrom({ budgetMonth: "-1" }), /--budget-month/);
});


test("keel spend prints a table with a total, or JSON", async () => {
  const k = await startTestKeel();
  try {
    for (let i = 0; i < 3; i++) {
      const r = await fetch(`${k.url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${k.key}`, "content-type": "application/json", "x-keel-feature": "cli" },
        body: JSON.stringify({ model: "sim", messages: [{ role: "user", content: "hi" }], max_tokens: 5 }),
      });
      await r.text();
    }
    const conn = ["--url", k.url, "--admin-token", k.adminToken];
    const table = await runCli(["spend", "--by", "feature,model", "--since", "1d", ...conn]);
    assert.equal(table.code, 0, table.err);
    assert.match(table.out, /FEATURE\s+MODEL\s+REQUESTS\s+TOKENS IN\s+TOKENS OUT\s+COST USD/);
    assert.match(table.out, /cli\s+sim\s+3\s/);
    assert.match(table.out, /TOTAL\s+3\s/);
    const json = await runCli(["spend", "--by", "model", "--json", ...conn]);
    assert.equal(JSON.parse(json.out).total.requests, 3);
    const bad = await runCli(["spend", "--by", "galaxy", ...conn]);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /Invalid query parameter 'by'/);
  } finally {
    await k.close();
  }
});
