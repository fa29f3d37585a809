import { test } from "node:test";
import assert from "node:assert/strict";
import type { ScanInput, ScanResult, Scanner } from "../types.js";
import { type PolicyScanner, runScanners } from "./run-scanners.js";
import { ScanMemo } from "./scan-memo.js";

/** A scanner that counts its calls and flags the word "secret" with a span, like a PII detector. */
function counting(name: string, pure: boolean): Scanner & { calls: number } {
  const s = {
    name, cost: "fast" as const, sources: ["user", "document", "output"] as const, calls: 0, ...(pure ? { pure: true } : {}),
    scan(input: ScanInput): ScanResult {
      s.calls++;
      const at = input.text.indexOf("secret");
      const findings = at < 0 ? [] : [{ type: "word", start: at, end: at + 6, score: 0.9 }];
      return { scanner: name, score: at < 0 ? 0 : 0.9, triggered: at >= 0, findings };
    },
  };
  return s;
}

const entry = (scanner: Scanner, memo = scanner.pure === true): PolicyScanner => ({ scanner, action: "redact", memo });

test("a pure scanner runs once per text; the remembered verdict is the one a fresh run gives", async () => {
  const memo = new ScanMemo(10_000, 1_000);
  const pure = counting("pure", true);
  const input = { text: "my secret is out", source: "user" as const };
  const first = await runScanners([entry(pure)], input, { budgetMs: 50, index: 0, memo, memoScope: "key_a" });
  const again = await runScanners([entry(pure)], input, { budgetMs: 50, index: 3, memo, memoScope: "key_a" });
  assert.equal(pure.calls, 1);
  assert.deepEqual(again.map((v) => ({ ...v, latencyMs: 0 })), first.map((v) => ({ ...v, index: 3, latencyMs: 0 })));
  assert.deepEqual(again[0].findings, [{ type: "word", start: 3, end: 9, score: 0.9 }]);
  assert.deepEqual({ hits: memo.hits, misses: memo.misses }, { hits: 1, misses: 1 });
});

test("what is not pure, or not marked for the memo, runs every time", async () => {
  const memo = new ScanMemo(10_000, 1_000);
  const impure = counting("impure", false);
  const unmarked = counting("unmarked", true);
  const input = { text: "hello", source: "user" as const };
  for (let i = 0; i < 3; i++) await runScanners([entry(impure), entry(unmarked, false)], input, { budgetMs: 50, memo, memoScope: "k" });
  assert.equal(impure.calls, 3);
  assert.equal(unmarked.calls, 3);
  assert.equal(memo.hits + memo.misses, 0);
});

test("another key, another source or another text is screened again", async () => {
  const memo = new ScanMemo(10_000, 1_000);
  const pure = counting("pure", true);
  const run = (text: string, source: "user" | "document", scope: string) => runScanners([entry(pure)], { text, source }, { budgetMs: 50, memo, memoScope: scope });
  await run("same text", "user", "key_a");
  await run("same text", "user", "key_b");
  await run("same text", "document", "key_a");
  await run("same text ", "user", "key_a");
  assert.equal(pure.calls, 4);
  await run("same text", "user", "key_b");
  assert.equal(pure.calls, 4);
});

test("texts longer than max_text_chars are not remembered; max_chars 0 turns the memo off", async () => {
  const pure = counting("pure", true);
  const small = new ScanMemo(10_000, 10);
  for (let i = 0; i < 2; i++) await runScanners([entry(pure)], { text: "eleven char", source: "user" }, { budgetMs: 50, memo: small });
  assert.equal(pure.calls, 2);
  assert.equal(small.size, 0);
  const off = new ScanMemo(0, 1_000);
  assert.equal(off.enabled, false);
  for (let i = 0; i < 2; i++) await runScanners([entry(pure)], { text: "short", source: "user" }, { budgetMs: 50, memo: off });
  assert.equal(pure.calls, 4);
});

test("the bound holds: least recently used texts go first and the count of characters held stays true", () => {
  const memo = new ScanMemo(8_000, 1_000);
  const s = counting("pure", true);
  const put = (text: string): void => {
    const slot = memo.slot("k", "user", text);
    assert.ok(slot);
    if (!memo.get(slot, s)) memo.put(slot, s, s.scan({ text, source: "user" }) as ScanResult, { truncated: false, scannedChars: text.length, skimmedChars: 0 });
  };
  for (let i = 0; i < 50; i++) put(`text number ${i} with a secret`);
  assert.ok(memo.chars <= 8_000, `held ${memo.chars}`);
  assert.ok(memo.size > 0 && memo.size < 50);
  // Touch the oldest survivor, then add one text fewer than the memo holds: it stays, the others go.
  const n = memo.size;
  assert.ok(n >= 2);
  const oldest = 50 - n;
  put(`text number ${oldest} with a secret`);
  for (let i = 50; i < 50 + n - 1; i++) put(`text number ${i} with a secret`);
  const callsBefore = s.calls;
  put(`text number ${oldest} with a secret`);
  assert.equal(s.calls, callsBefore, "the recently used text was kept");
  put(`text number ${oldest + 1} with a secret`);
  assert.equal(s.calls, callsBefore + 1, "the least recently used one was dropped");
  assert.ok(memo.chars <= 8_000);
  memo.clear();
  assert.deepEqual([memo.size, memo.chars], [0, 0]);
});

test("a remembered result is frozen: changing a shared finding throws instead of reaching another request", async () => {
  const memo = new ScanMemo(10_000, 1_000);
  const pure = counting("pure", true);
  const input = { text: "a secret", source: "user" as const };
  await runScanners([entry(pure)], input, { budgetMs: 50, memo });
  const [v] = await runScanners([entry(pure)], input, { budgetMs: 50, memo });
  assert.throws(() => {
    (v.findings[0] as { start: number }).start = 0;
  }, TypeError);
  assert.throws(() => v.findings.push({ type: "x", score: 1 }), TypeError);
});
