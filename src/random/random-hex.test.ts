import { test } from "node:test";
import assert from "node:assert/strict";
import { randomHex } from "./random-hex.js";

test("hands out distinct hex ids of the asked length, across pool refills", () => {
  const seen = new Set<string>();
  for (let i = 0; i < 2000; i++) {
    const id = randomHex(i % 2 ? 16 : 8);
    assert.match(id, i % 2 ? /^[0-9a-f]{32}$/ : /^[0-9a-f]{16}$/);
    seen.add(id);
  }
  assert.equal(seen.size, 2000, "no id repeats, also after the 4 KB pool is refilled");
});
