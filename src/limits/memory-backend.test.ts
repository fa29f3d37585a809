import { test } from "node:test";
import assert from "node:assert/strict";
import { limitBackendContract } from "./backend.contract.js";
import { MemoryBackend } from "./memory-backend.js";

limitBackendContract("memory", { make: async () => new MemoryBackend() });

test("idle counters are swept: memory does not grow with distinct users", () => {
  const b = new MemoryBackend();
  const now = 1_000_000;
  for (let i = 0; i < 1000; i++) {
    const r = b.admit({ now, lease: `l${i}`, leaseExpiresAt: now + 1000, rates: [{ id: `u${i}`, limit: 60, periodMs: 60_000, cost: 1 }], concurrency: [{ id: `c${i}`, max: 1 }], budgets: [{ id: `b${i}`, limit: 10, cost: 1, expiresAt: now + 5000 }] });
    assert.equal(r.ok, true);
  }
  assert.deepEqual(b.size, { rates: 1000, concurrency: 1000, budgets: 1000 });
  b.sweep(now + 5000);
  assert.deepEqual(b.size, { rates: 0, concurrency: 0, budgets: 0 });
  void b.close();
});
