import { test } from "node:test";
import assert from "node:assert/strict";
import { sampleTrace } from "../sample-trace.js";
import type { TraceRecord } from "../types.js";
import { emptyAcc, NULL_VALUE, type RollupAcc } from "./rollup-groups.js";
import type { RollupStore } from "./rollup-store.js";

const MIN = 60_000;
const HOUR = 3_600_000;
const T0 = Date.UTC(2031, 0, 1);
const call = (i: number, at: number, over: Partial<TraceRecord> = {}): TraceRecord => sampleTrace(i, { startedAt: at, endedAt: at + 10, ...over });

/** The `RollupStore` contract (`sqlite-rollup-store.test.ts`); every call is awaited. */
export function rollupStoreContract(label: string, make: () => RollupStore | Promise<RollupStore>): void {
  test(`${label}: applied calls are counted per grain, bucket, dimension and value, adding across batches`, async () => {
    const s = await make();
    await s.apply([call(1, T0 + 1000, { modelServed: "a", tokensIn: 7 }), call(2, T0 + 2000, { modelServed: "b", status: "error" })]);
    await s.apply([call(3, T0 + MIN + 5, { modelServed: "a", feature: null }), call(4, T0 + 3000, { modelServed: "a" })]);
    await s.apply([]);
    const minute = Math.floor(T0 / MIN);
    const all = await s.read("minute", "all", minute, minute + 2);
    assert.deepEqual(all.map((r) => [r.bucket - minute, r.acc.requests]).sort(), [[0, 3], [1, 1]]);
    const byModel = await s.read("minute", "model", minute, minute + 1);
    assert.deepEqual(new Map(byModel.map((r) => [r.value, r.acc.requests])), new Map([["a", 2], ["b", 1]]));
    assert.equal(byModel.find((r) => r.value === "b")!.acc.errors, 1);
    assert.equal(byModel.find((r) => r.value === "a")!.acc.tokensIn, 17);
    const hour = Math.floor(T0 / HOUR);
    assert.deepEqual((await s.read("hour", "all", hour, hour + 1)).map((r) => r.acc.requests), [4]);
    assert.deepEqual((await s.read("hour", "model", hour, hour + 1, "b")).map((r) => r.value), ["b"], "one value only");
    assert.ok((await s.read("minute", "feature", minute, minute + 2)).some((r) => r.value === NULL_VALUE), "a missing value has its own row");
    assert.deepEqual(await s.read("minute", "all", minute + 2, minute + 2), [], "an empty range");
  });

  test(`${label}: addTo merges rows into the caller's accumulators`, async () => {
    const s = await make();
    await s.apply([call(1, T0, { modelServed: "a" }), call(2, T0 + MIN, { modelServed: "a" }), call(3, T0 + MIN, { modelServed: "b" })]);
    const accs = new Map<string, RollupAcc>();
    const minute = Math.floor(T0 / MIN);
    await s.addTo("minute", "model", minute, minute + 2, undefined, (v) => {
      let a = accs.get(v);
      if (!a) accs.set(v, (a = emptyAcc()));
      return a;
    });
    assert.deepEqual([...accs].map(([v, a]) => [v, a.requests]).sort(), [["a", 2], ["b", 1]]);
    assert.equal(accs.get("a")!.latency.count, 2, "the latency sketch is merged too");
  });

  test(`${label}: coverage is kept; pruning drops whole buckets before a time, at most \`limit\` rows a step`, async () => {
    const s = await make();
    await s.setCoveredFrom(T0 - 5);
    assert.equal(await s.coveredFrom(), T0 - 5);
    await s.apply([0, 1, 2].map((m) => call(m, T0 + m * MIN, { modelServed: `m${m}` })));
    const minute = Math.floor(T0 / MIN);
    let pruned = 0;
    for (let n = await s.pruneBefore("minute", T0 + 2 * MIN, 3); n > 0; n = await s.pruneBefore("minute", T0 + 2 * MIN, 3)) {
      assert.ok(n <= 3);
      pruned += n;
    }
    assert.ok(pruned > 0);
    assert.deepEqual((await s.read("minute", "all", minute, minute + 3)).map((r) => r.bucket - minute), [2]);
    assert.equal((await s.read("hour", "all", Math.floor(T0 / HOUR), Math.floor(T0 / HOUR) + 1))[0].acc.requests, 3, "hours are pruned on their own");
  });
}
