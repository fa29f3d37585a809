import { test } from "node:test";
import assert from "node:assert/strict";
import { PriceTable, costUsd } from "./prices.js";

test("exact, provider-prefixed and dated model names find their family's price", () => {
  const t = new PriceTable();
  assert.equal(t.lookup("gpt-4o-mini")?.input, 0.15);
  assert.equal(t.lookup("openai/gpt-4o-mini")?.input, 0.15);
  assert.equal(t.lookup("gpt-4o-mini-2024-07-18")?.input, 0.15, "longest prefix wins over gpt-4o");
  assert.equal(t.lookup("gpt-4o-2024-08-06")?.input, 2.5);
  assert.equal(t.lookup("claude-sonnet-4-5-20250929")?.output, 15);
  assert.equal(t.lookup("totally-unknown-model"), null);
});

test("overrides replace shipped prices", () => {
  const t = new PriceTable({ "gpt-4o": { input: 1, output: 1 }, "my-model": { input: 3, output: 4 } });
  assert.equal(t.lookup("gpt-4o")?.input, 1);
  assert.equal(t.lookup("my-model")?.output, 4);
});

test("cost splits cached, cache-write and uncached input", () => {
  const p = { input: 3, output: 15, cached_input: 0.3, cache_write: 3.75 };
  // 1000 in (200 cached, 100 written), 500 out
  const usd = costUsd(p, 1000, 500, 200, 100);
  assert.ok(Math.abs(usd - (700 * 3 + 200 * 0.3 + 100 * 3.75 + 500 * 15) / 1e6) < 1e-12);
  assert.equal(costUsd(null, 1000, 1000), 0);
  assert.equal(costUsd({ input: 1, output: 2 }, 100, 0, 50), 100 / 1e6, "no cached price → input price");
});
