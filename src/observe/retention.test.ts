import assert from "node:assert/strict";
import { test } from "node:test";
import { pruneInSteps } from "./retention.js";

test("retention deletes in bounded steps and pauses between every step", async () => {
  const log: string[] = [];
  let traces = 12;
  let spans = 3;
  const take = (left: number, limit: number): number => Math.min(left, limit);
  const out = await pruneInSteps([
    { name: "traces", run: (limit) => { const n = take(traces, limit); traces -= n; log.push(`traces ${n}`); return n; } },
    { name: "spans", run: (limit) => { const n = take(spans, limit); spans -= n; log.push(`spans ${n}`); return n; } },
  ], 5, async () => void log.push("pause"));
  assert.deepEqual(out, { traces: 12, spans: 3 });
  assert.deepEqual(log, ["traces 5", "pause", "traces 5", "pause", "traces 2", "pause", "spans 3", "pause"]);
});

test("a table with exactly a multiple of the step takes one more, empty step to know it is done", async () => {
  let left = 10;
  const steps: number[] = [];
  await pruneInSteps([{ name: "t", run: (limit) => { const n = Math.min(left, limit); left -= n; steps.push(n); return n; } }], 5, async () => {});
  assert.deepEqual(steps, [5, 5, 0]);
});
