import assert from "node:assert/strict";
import { test } from "node:test";
import { configSchema } from "../config/schema.js";
import { applyHeapGrowth } from "./heap-growth.js";

test("heap growth: the default sets V8's growing percent, 0 leaves V8's heuristic, out-of-range values are refused", () => {
  const server = configSchema.parse({}).server;
  assert.equal(server.heap_growth_percent, 50);
  const set: string[] = [];
  assert.equal(applyHeapGrowth(server.heap_growth_percent, (f) => set.push(f)), true);
  assert.deepEqual(set, ["--heap-growing-percent=50"]);
  assert.equal(applyHeapGrowth(0, (f) => set.push(f)), false);
  assert.equal(set.length, 1, "0 sets no flag");
  assert.equal(configSchema.parse({ server: { heap_growth_percent: 0 } }).server.heap_growth_percent, 0);
  for (const bad of [5, 301, 12.5]) assert.throws(() => configSchema.parse({ server: { heap_growth_percent: bad } }), /heap_growth_percent/, String(bad));
});
