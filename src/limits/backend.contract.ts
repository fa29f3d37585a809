/**
 * The one contract every LimitBackend passes (memory-backend.test.ts, redis-backend.int.test.ts):
 * the same calls with the same fake clock must give the same decisions, including the chaos
 * bursts of issue 3 §6 at the limiter layer.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { AdmitRequest, AdmitResult, BudgetCheck, LimitBackend, RateCheck, SettleRequest } from "./backend.js";

export interface ContractSetup {
  /** A fresh backend whose counters no other test sees. */
  make(): Promise<LimitBackend>;
}

const MIN = 60_000;
const HOUR = 3_600_000;
/**
 * The suite's fake clock starts at the next whole hour of the real clock. A backend may hand
 * expiries to a server that keeps real time (Redis `PEXPIREAT`), so every instant the suite uses
 * must lie in the real future: a pinned date would expire every key at once once the calendar
 * passed it.
 */
const T0 = Math.ceil((Date.now() + 1) / HOUR) * HOUR;
const FAR = T0 + 86_400_000;
let seq = 0;

function req(now: number, parts: Partial<Omit<AdmitRequest, "now">> = {}): AdmitRequest {
  return { now, lease: `l${++seq}`, leaseExpiresAt: now + MIN, rates: [], concurrency: [], budgets: [], ...parts };
}
const rpm = (id: string, limit: number): RateCheck => ({ id, limit, periodMs: MIN, cost: 1 });
const tpm = (id: string, limit: number, cost: number): RateCheck => ({ id, limit, periodMs: MIN, cost });
const budget = (id: string, limit: number, cost: number): BudgetCheck => ({ id, limit, cost, expiresAt: FAR });
const settleOf = (now: number, lease: string, parts: Partial<Omit<SettleRequest, "now" | "lease">>): SettleRequest =>
  ({ now, lease, tokens: [], concurrency: [], budgets: [], ...parts });

/** A deterministic pseudo-random stream, so a failing chaos run can be replayed. */
function lcg(seed: number): () => number {
  let x = seed;
  return () => (x = (x * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
}

/** Yields to the event loop 0–3 times, so admissions and settles of many calls interleave. */
async function hops(rnd: () => number): Promise<void> {
  for (let n = Math.floor(rnd() * 4); n > 0; n--) await new Promise((r) => setImmediate(r));
}

function ok(r: AdmitResult): asserts r is Extract<AdmitResult, { ok: true }> {
  assert.equal(r.ok, true, `expected admission, got ${JSON.stringify(r)}`);
}
function refused(r: AdmitResult): Extract<AdmitResult, { ok: false }> {
  assert.equal(r.ok, false, "expected a refusal");
  return r as Extract<AdmitResult, { ok: false }>;
}

export function limitBackendContract(name: string, setup: ContractSetup): void {
  describe(`LimitBackend contract: ${name}`, () => {
    const withBackend = (title: string, fn: (b: LimitBackend) => Promise<void>): void => {
      test(title, async () => {
        const b = await setup.make();
        try {
          await fn(b);
        } finally {
          await b.close();
        }
      });
    };

    withBackend("a burst takes exactly `limit` requests; one more fits after one emission interval", async (b) => {
      for (let i = 0; i < 10; i++) ok(await b.admit(req(T0, { rates: [rpm("a", 10)] })));
      const no = refused(await b.admit(req(T0, { rates: [rpm("a", 10)] })));
      const r = no.refusals[0];
      assert.equal(r.kind, "rate");
      assert.ok(r.kind === "rate" && Math.abs(r.retryAfterMs - 6000) < 1e-6, `retry after one interval, got ${JSON.stringify(r)}`);
      refused(await b.admit(req(T0 + 5999, { rates: [rpm("a", 10)] })));
      ok(await b.admit(req(T0 + 6000, { rates: [rpm("a", 10)] })));
    });

    withBackend("remaining and reset count down like OpenAI's x-ratelimit headers", async (b) => {
      const first = await b.admit(req(T0, { rates: [rpm("h", 60), tpm("ht", 1000, 250)] }));
      ok(first);
      assert.deepEqual(first.rates.map((s) => s.remaining), [59, 750]);
      assert.ok(Math.abs(first.rates[0].resetMs - 1000) < 1e-6);
      assert.ok(Math.abs(first.rates[1].resetMs - 15_000) < 1e-6);
      const later = await b.admit(req(T0 + 500, { rates: [rpm("h", 60)] }));
      ok(later);
      assert.equal(later.rates[0].remaining, 58);
      assert.ok(Math.abs(later.rates[0].resetMs - 1500) < 1e-6);
    });

    withBackend("an awkward limit (7 per minute) still admits exactly 7 at once", async (b) => {
      for (let i = 0; i < 7; i++) ok(await b.admit(req(T0, { rates: [rpm("odd", 7)] })));
      refused(await b.admit(req(T0, { rates: [rpm("odd", 7)] })));
    });

    withBackend("a changed limit keeps the units already used, not the old rate's wait", async (b) => {
      ok(await b.admit(req(T0, { rates: [rpm("chg", 2)] })));
      ok(await b.admit(req(T0, { rates: [rpm("chg", 2)] })));
      refused(await b.admit(req(T0, { rates: [rpm("chg", 2)] })));
      const raised = await b.admit(req(T0, { rates: [rpm("chg", 100)] }));
      ok(raised);
      assert.equal(raised.rates[0].remaining, 97);
      refused(await b.admit(req(T0, { rates: [rpm("chg", 3)] })));
    });

    withBackend("a refused admission changes no counter, whichever check refused", async (b) => {
      ok(await b.admit(req(T0, { rates: [rpm("x1", 1)] })));
      const no = refused(await b.admit(req(T0, { rates: [rpm("free", 5), rpm("x1", 1)], concurrency: [{ id: "cc", max: 5 }], budgets: [budget("bb", 1000, 10)] })));
      assert.deepEqual(no.refusals.map((r) => [r.kind, r.index]), [["rate", 1]]);
      // "free", "cc" and "bb" were not touched: their full capacity is still there
      for (let i = 0; i < 5; i++) ok(await b.admit(req(T0, { rates: [rpm("free", 5)] })));
      for (let i = 0; i < 5; i++) ok(await b.admit(req(T0, { concurrency: [{ id: "cc", max: 5 }] })));
      ok(await b.admit(req(T0, { budgets: [budget("bb", 1000, 1000)] })));
    });

    withBackend("every refusing check is reported", async (b) => {
      ok(await b.admit(req(T0, { rates: [rpm("m1", 1)], concurrency: [{ id: "m2", max: 1 }], budgets: [budget("m3", 10, 10)] })));
      const no = refused(await b.admit(req(T0, { rates: [rpm("m1", 1)], concurrency: [{ id: "m2", max: 1 }], budgets: [budget("m3", 10, 1)] })));
      assert.deepEqual(no.refusals.map((r) => r.kind).sort(), ["budget", "concurrency", "rate"]);
    });

    withBackend("tokens: a settle refunds the unused reservation and charges an overrun as debt", async (b) => {
      const a = req(T0, { rates: [tpm("t", 1000, 800)] });
      ok(await b.admit(a));
      refused(await b.admit(req(T0, { rates: [tpm("t", 1000, 300)] })));
      await b.settle(settleOf(T0, a.lease, { tokens: [{ id: "t", limit: 1000, periodMs: MIN, delta: 100 - 800 }] }));
      const after = await b.admit(req(T0, { rates: [tpm("t", 1000, 900)] }));
      ok(after);
      assert.equal(after.rates[0].remaining, 0);
      // actual usage 300 over the 900 reserved: 300 tokens of debt, 18 s to drain before anything fits
      await b.settle(settleOf(T0, "x", { tokens: [{ id: "t", limit: 1000, periodMs: MIN, delta: 300 }] }));
      const no = refused(await b.admit(req(T0, { rates: [tpm("t", 1000, 1)] })));
      assert.ok(no.refusals[0].kind === "rate" && Math.abs(no.refusals[0].retryAfterMs - 18_060) < 1e-6);
    });

    withBackend("a cost above the limit never fits and says so", async (b) => {
      const no = refused(await b.admit(req(T0, { rates: [tpm("big", 1000, 1001)] })));
      assert.ok(no.refusals[0].kind === "rate" && no.refusals[0].retryAfterMs === Number.POSITIVE_INFINITY);
      ok(await b.admit(req(T0, { rates: [tpm("big", 1000, 1000)] })));
    });

    withBackend("concurrency: leases up to max, released on settle, reclaimed when they expire", async (b) => {
      const c = { id: "c", max: 2 };
      const a1 = req(T0, { concurrency: [c] });
      const a2 = req(T0, { concurrency: [c], leaseExpiresAt: T0 + 1000 });
      ok(await b.admit(a1));
      ok(await b.admit(a2));
      const no = refused(await b.admit(req(T0, { concurrency: [c] })));
      assert.deepEqual(no.refusals[0], { kind: "concurrency", index: 0, inFlight: 2 });
      await b.settle(settleOf(T0, a1.lease, { concurrency: ["c"] }));
      ok(await b.admit(req(T0, { concurrency: [c] })));
      refused(await b.admit(req(T0 + 999, { concurrency: [c] })));
      // a2 was never settled (its instance died): its lease expires and the slot comes back
      ok(await b.admit(req(T0 + 1000, { concurrency: [c] })));
    });

    withBackend("budgets: reservations count until settled; the actual cost stays", async (b) => {
      const a = req(T0, { budgets: [budget("b", 1000, 600)] });
      ok(await b.admit(a));
      const no = refused(await b.admit(req(T0, { budgets: [budget("b", 1000, 500)] })));
      assert.deepEqual(no.refusals[0], { kind: "budget", index: 0, spent: 0, reserved: 600, first: true });
      const s = await b.settle(settleOf(T0, a.lease, { budgets: [{ id: "b", actual: 450, soft: 800, expiresAt: FAR }] }));
      assert.deepEqual(s, { spent: [450], softCrossed: [false] });
      ok(await b.admit(req(T0, { budgets: [budget("b", 1000, 550)] })));
      const again = refused(await b.admit(req(T0, { budgets: [budget("b", 1000, 1)] })));
      assert.deepEqual(again.refusals[0], { kind: "budget", index: 0, spent: 450, reserved: 550, first: false });
    });

    withBackend("budgets: the soft threshold is crossed exactly once", async (b) => {
      const crossed: boolean[] = [];
      for (let i = 0; i < 5; i++) {
        const a = req(T0, { budgets: [budget("s", 1000, 200)] });
        ok(await b.admit(a));
        const s = await b.settle(settleOf(T0, a.lease, { budgets: [{ id: "s", actual: 200, soft: 800, expiresAt: FAR }] }));
        crossed.push(s.softCrossed[0]);
      }
      assert.deepEqual(crossed, [false, false, false, true, false]);
      refused(await b.admit(req(T0, { budgets: [budget("s", 1000, 1)] })));
    });

    withBackend("budgets: a reservation never settled is reclaimed when its lease expires", async (b) => {
      ok(await b.admit(req(T0, { budgets: [budget("e", 1000, 900)], leaseExpiresAt: T0 + 5000 })));
      refused(await b.admit(req(T0 + 4999, { budgets: [budget("e", 1000, 200)] })));
      ok(await b.admit(req(T0 + 5000, { budgets: [budget("e", 1000, 200)] })));
    });

    withBackend("seeding sets spend on new counters only, soft flag included", async (b) => {
      await b.seedBudgets([{ id: "seeded", spent: 900, soft: 800, expiresAt: FAR }]);
      refused(await b.admit(req(T0, { budgets: [budget("seeded", 1000, 101)] })));
      const a = req(T0, { budgets: [budget("seeded", 1000, 100)] });
      ok(await b.admit(a));
      await b.seedBudgets([{ id: "seeded", spent: 0, soft: 800, expiresAt: FAR }]);
      const s = await b.settle(settleOf(T0, a.lease, { budgets: [{ id: "seeded", actual: 50, soft: 800, expiresAt: FAR }] }));
      assert.deepEqual(s, { spent: [950], softCrossed: [false] }, "already past soft when seeded: no second event");
    });

    withBackend("chaos: 10,000 concurrent requests against 250 rpm admit exactly 250", async (b) => {
      const results = await Promise.all(Array.from({ length: 10_000 }, () => b.admit(req(T0, { rates: [rpm("burst", 250)] }))));
      assert.equal(results.filter((r) => r.ok).length, 250);
    });

    withBackend("chaos: 10,000 interleaved token reservations and settles never exceed tpm; refunds come back exactly", async (b) => {
      const LIMIT = 200_000;
      const rnd = lcg(42);
      let used = 0;
      let admitted = 0;
      await Promise.all(
        Array.from({ length: 10_000 }, async () => {
          await hops(rnd);
          const est = 50 + Math.floor(rnd() * 950);
          const a = req(T0, { rates: [tpm("tok", LIMIT, est)] });
          const r = await b.admit(a);
          if (!r.ok) return;
          admitted++;
          await hops(rnd);
          const actual = Math.floor(rnd() * est);
          used += actual;
          await b.settle(settleOf(T0, a.lease, { tokens: [{ id: "tok", limit: LIMIT, periodMs: MIN, delta: actual - est }] }));
        }),
      );
      assert.ok(used <= LIMIT, `used ${used} of ${LIMIT}`);
      assert.ok(admitted > LIMIT / 1000, `refunded tokens were reused: ${admitted} calls admitted`);
      // the clock stood still: what is left is exactly the limit minus what was used
      refused(await b.admit(req(T0, { rates: [tpm("tok", LIMIT, LIMIT - used + 1)] })));
      ok(await b.admit(req(T0, { rates: [tpm("tok", LIMIT, LIMIT - used)] })));
    });

    withBackend("chaos: 10,000 interleaved budget reservations never overspend; the ledger is exact", async (b) => {
      const LIMIT = 1_000_000;
      const rnd = lcg(7);
      let spent = 0;
      await Promise.all(
        Array.from({ length: 10_000 }, async (_, i) => {
          await hops(rnd);
          const est = 500 + (i % 7) * 100;
          const a = req(T0, { budgets: [budget("spend", LIMIT, est)] });
          const r = await b.admit(a);
          if (!r.ok) return;
          await hops(rnd);
          const actual = est - (i % 3) * 100;
          spent += actual;
          await b.settle(settleOf(T0, a.lease, { budgets: [{ id: "spend", actual, soft: LIMIT * 0.8, expiresAt: FAR }] }));
        }),
      );
      assert.ok(spent <= LIMIT, `spent ${spent} of ${LIMIT}`);
      refused(await b.admit(req(T0, { budgets: [budget("spend", LIMIT, LIMIT - spent + 1)] })));
      ok(await b.admit(req(T0, { budgets: [budget("spend", LIMIT, LIMIT - spent)] })));
    });
  });
}
