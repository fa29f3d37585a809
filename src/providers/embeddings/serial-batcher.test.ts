import { test } from "node:test";
import assert from "node:assert/strict";
import { createSerialBatcher } from "./serial-batcher.js";

/** A batch function that records its batches and can be held open to build up a queue. */
function recorder(): { batches: string[][]; running: number; maxRunning: number; release(): void; run(items: string[]): Promise<string[]> } {
  let gate: (() => void) | undefined;
  let held = true;
  const r = {
    batches: [] as string[][],
    running: 0,
    maxRunning: 0,
    release() {
      held = false;
      gate?.();
    },
    async run(items: string[]): Promise<string[]> {
      r.batches.push(items);
      r.running++;
      r.maxRunning = Math.max(r.maxRunning, r.running);
      if (held) await new Promise<void>((res) => (gate = res));
      r.running--;
      return items.map((s) => s.toUpperCase());
    },
  };
  return r;
}

const opts = { maxItems: 3, maxWeight: 100, weight: (s: string) => s.length };

test("returns results in item order and runs one batch at a time", async () => {
  const rec = recorder();
  const b = createSerialBatcher<string, string>(rec.run, opts);
  const p1 = b.run(["a", "b"]);
  const p2 = b.run(["c", "d", "e", "f"]);
  await new Promise((r) => setImmediate(r));
  rec.release();
  assert.deepEqual(await p1, ["A", "B"]);
  assert.deepEqual(await p2, ["C", "D", "E", "F"]);
  assert.equal(rec.maxRunning, 1);
  assert.equal(b.pending, 0);
});

test("coalesces callers queued behind a running batch, within the item and weight limits", async () => {
  const rec = recorder();
  const b = createSerialBatcher<string, string>(rec.run, opts);
  const first = b.run(["x"]);
  const queued = [b.run(["a"]), b.run(["b"]), b.run(["c"]), b.run(["d"])];
  await new Promise((r) => setImmediate(r));
  rec.release();
  await Promise.all([first, ...queued]);
  assert.deepEqual(rec.batches, [["x"], ["a", "b", "c"], ["d"]]);

  const rec2 = recorder();
  rec2.release();
  const heavy = createSerialBatcher<string, string>(rec2.run, { ...opts, maxWeight: 5 });
  await Promise.all([heavy.run(["aaa", "bbb"]), heavy.run(["cccccccc"]), heavy.run(["d"])]);
  // "cccccccc" is heavier than the limit and runs alone; the first caller, not finished after
  // "aaa", went to the back of the queue, so "bbb" shares the last batch with "d".
  assert.deepEqual(rec2.batches, [["aaa"], ["cccccccc"], ["d", "bbb"]]);
});

test("a small caller behind a large one waits one batch, not all of them", async () => {
  const order: string[] = [];
  const b = createSerialBatcher<string, string>(async (items) => {
    order.push(items.join(""));
    await new Promise((r) => setImmediate(r));
    return items;
  }, opts);
  const big = b.run(["1", "2", "3", "4", "5", "6", "7", "8", "9"]);
  const small = b.run(["s"]);
  await Promise.all([big, small]);
  assert.deepEqual(order, ["123", "s45", "678", "9"]);
});

test("a failing batch rejects only the callers in it", async () => {
  let calls = 0;
  const b = createSerialBatcher<string, string>(async (items) => {
    calls++;
    if (items.includes("bad")) throw new Error("model exploded");
    return items;
  }, { ...opts, maxItems: 1 });
  const results = await Promise.allSettled([b.run(["ok1"]), b.run(["bad"]), b.run(["ok2"])]);
  assert.deepEqual(results.map((r) => r.status), ["fulfilled", "rejected", "fulfilled"]);
  assert.match(String((results[1] as PromiseRejectedResult).reason), /model exploded/);
  assert.equal(calls, 3);
});

test("a result count mismatch is an error, not silently wrong data", async () => {
  const b = createSerialBatcher<string, string>(async () => ["only one"], opts);
  await assert.rejects(b.run(["a", "b"]), /2 items/);
});

test("abort: before queueing, while queued (dropped), and while running (result discarded)", async () => {
  const rec = recorder();
  const b = createSerialBatcher<string, string>(rec.run, opts);
  const pre = new AbortController();
  pre.abort(new Error("gone"));
  await assert.rejects(b.run(["a"], pre.signal), /gone/);

  const running = new AbortController();
  const queued = new AbortController();
  const p1 = b.run(["r"], running.signal);
  const p2 = b.run(["q"], queued.signal);
  const p3 = b.run(["z"]);
  await new Promise((r) => setImmediate(r));
  queued.abort(new Error("client left"));
  running.abort(new Error("deadline"));
  await assert.rejects(p2, /client left/);
  await assert.rejects(p1, /deadline/);
  rec.release();
  assert.deepEqual(await p3, ["Z"]);
  assert.deepEqual(rec.batches, [["r"], ["z"]], "the aborted queued item never ran");
});

test("idle() resolves once the queue drains; empty input resolves at once", async () => {
  const rec = recorder();
  const b = createSerialBatcher<string, string>(rec.run, opts);
  await b.idle();
  assert.deepEqual(await b.run([]), []);
  const p = b.run(["a"]);
  let idle = false;
  const i = b.idle().then(() => (idle = true));
  await new Promise((r) => setImmediate(r));
  assert.equal(idle, false);
  rec.release();
  await p;
  await i;
  assert.equal(idle, true);
});
