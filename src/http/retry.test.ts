import assert from "node:assert/strict";
import { test } from "node:test";
import { type AttemptOutcome, retry, type RetryPolicy } from "./retry.js";

const POLICY: RetryPolicy = { attempts: 4, baseMs: 1000, maxMs: 8000, maxRetryAfterMs: 30_000 };

/** A fake clock that the fake sleep advances: waits are recorded, never spent. */
function fakeTime(start = 1_000_000) {
  let clock = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => clock,
    sleep: async (ms: number, signal?: AbortSignal) => {
      signal?.throwIfAborted();
      sleeps.push(ms);
      clock += ms;
    },
  };
}

type Out = AttemptOutcome<string, string>;
const fail = (failure: string, retryAfterMs?: number): Out => ({ ok: false, failure, retryable: true, retryAfterMs });

function script(outcomes: Out[]) {
  const seen: number[] = [];
  return { seen, attempt: async ({ attempt }: { attempt: number }): Promise<Out> => (seen.push(attempt), outcomes[attempt - 1]) };
}

test("retryable failures are retried after full-jitter backoff until one succeeds", async () => {
  const t = fakeTime();
  const s = script([fail("503"), fail("503"), { ok: true, value: "done" }]);
  const r = await retry(s.attempt, POLICY, { ...t, random: () => 0.5 });
  assert.deepEqual(r, { ok: true, value: "done", attempts: 3 });
  assert.deepEqual(s.seen, [1, 2, 3]);
  assert.deepEqual(t.sleeps, [500, 1000], "random 0.5 of windows 1 s and 2 s");
});

test("a final failure stops at once; running out of attempts says exhausted", async () => {
  const t = fakeTime();
  const final = await retry(script([{ ok: false, failure: "400", retryable: false }]).attempt, POLICY, t);
  assert.deepEqual(final, { ok: false, failure: "400", attempts: 1, reason: "final" });
  assert.deepEqual(t.sleeps, []);
  const s = script([fail("a"), fail("b"), fail("c"), fail("d"), { ok: true, value: "never" }]);
  const r = await retry(s.attempt, POLICY, { ...t, random: () => 0.999 });
  assert.deepEqual(r, { ok: false, failure: "d", attempts: 4, reason: "exhausted" });
  assert.deepEqual(t.sleeps, [999, 1998, 3996]);
  const once = await retry(script([fail("x")]).attempt, { ...POLICY, attempts: 1 }, t);
  assert.equal(once.ok === false && once.reason, "exhausted", "attempts: 1 turns retries off");
});

test("a Retry-After longer than the backoff is waited, up to maxRetryAfterMs", async () => {
  const t = fakeTime();
  const retries: [string, number, number][] = [];
  const s = script([fail("429", 7000), fail("503", 3_600_000), fail("503", 0), { ok: true, value: "ok" }]);
  const r = await retry(s.attempt, POLICY, { ...t, random: () => 0.5, onRetry: (f, n, w) => retries.push([f, n, w]) });
  assert.equal(r.ok, true);
  assert.deepEqual(t.sleeps, [7000, 30_000, 2000], "honoured, capped, then the backoff (window 4 s) beats a zero ask");
  assert.deepEqual(retries, [["429", 1, 7000], ["503", 2, 30_000], ["503", 3, 2000]]);
});

test("the attempt reads the loop's clock, so a Retry-After date matches the waits", async () => {
  const t = fakeTime(5000);
  const clocks: number[] = [];
  await retry(async ({ now }) => (clocks.push(now()), clocks.length < 3 ? fail("x", 100) : { ok: true as const, value: "" }), POLICY, { ...t, random: () => 0 });
  assert.deepEqual(clocks, [5000, 5100, 5200]);
});

test("a wait that would end past deadlineAt is not started", async () => {
  const t = fakeTime(0);
  const r = await retry(script([fail("a"), fail("b", 20_000), fail("c")]).attempt, POLICY, { ...t, random: () => 0.5, deadlineAt: 10_000 });
  assert.deepEqual(r, { ok: false, failure: "b", attempts: 2, reason: "deadline" });
  assert.deepEqual(t.sleeps, [500]);
});

test("abort: before the first attempt, after a failed one, or during the wait — never another attempt", async () => {
  const t = fakeTime();
  const pre = new AbortController();
  pre.abort(new Error("shutdown"));
  const s0 = script([{ ok: true, value: "x" }]);
  assert.deepEqual(await retry(s0.attempt, POLICY, { ...t, signal: pre.signal }), { ok: false, failure: undefined, attempts: 0, reason: "aborted" });
  assert.deepEqual(s0.seen, []);

  const mid = new AbortController();
  const s1 = { attempt: async (): Promise<Out> => (mid.abort(new Error("shutdown")), fail("503")) };
  assert.deepEqual(await retry(s1.attempt, POLICY, { ...t, signal: mid.signal }), { ok: false, failure: "503", attempts: 1, reason: "aborted" });
  assert.deepEqual(t.sleeps, [], "no wait is started once the signal fired");

  const during = new AbortController();
  const s2 = script([fail("503"), { ok: true, value: "late" }]);
  const r = await retry(s2.attempt, POLICY, {
    signal: during.signal,
    sleep: (_ms, signal) => {
      const waiting = new Promise<void>((_resolve, reject) => signal!.addEventListener("abort", () => reject(signal!.reason)));
      during.abort(new Error("shutdown")); // Keel stops while the wait is on
      return waiting;
    },
    random: () => 0.5,
  });
  assert.deepEqual(r, { ok: false, failure: "503", attempts: 1, reason: "aborted" });
  assert.deepEqual(s2.seen, [1]);
});
