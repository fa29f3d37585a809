import { test } from "node:test";
import assert from "node:assert/strict";
import type { AuditEntry, AuditHead, AuditStore } from "./types.js";

/** A seal that chains by sequence (the real chain hashes; the store only keeps what it is given). */
const sealer = (at: number, action: string, over: Partial<AuditEntry> = {}) => (head: AuditHead | null): AuditEntry => {
  const seq = (head?.seq ?? 0) + 1;
  return {
    seq, at, actor: "ana", role: "admin", action, targetType: action.split(".")[0], target: `t${seq}`, before: null, after: { v: seq, nested: ["x"] },
    reason: null, prevHash: head?.hash ?? "genesis", hash: `h${seq}`, ...over,
  };
};

/** The `AuditStore` contract (`sqlite-audit-store.test.ts`); every call is awaited. */
export function auditStoreContract(label: string, make: () => AuditStore | Promise<AuditStore>): void {
  test(`${label}: each append is sealed against the head it moves; entries round-trip`, async () => {
    const s = await make();
    assert.equal(await s.head(), null);
    const first = await s.append(sealer(100, "key.created", { before: { old: true }, reason: "first start", role: null }));
    assert.deepEqual([first.seq, first.prevHash], [1, "genesis"]);
    assert.deepEqual(await s.head(), { seq: 1, hash: "h1" });
    const second = await s.append(sealer(200, "prompt.label.set"));
    assert.deepEqual([second.seq, second.prevHash], [2, "h1"]);
    assert.deepEqual(await s.head(), { seq: 2, hash: "h2" });
    assert.deepEqual(await s.scan(0, 10), [first, second]);
  });

  test(`${label}: a seal that throws appends nothing and leaves the head`, async () => {
    const s = await make();
    await s.append(sealer(100, "key.created"));
    await assert.rejects(async () => s.append(() => { throw new Error("refused"); }), /refused/);
    assert.deepEqual(await s.head(), { seq: 1, hash: "h1" });
    assert.equal((await s.scan(0, 10)).length, 1);
  });

  test(`${label}: scan reads in sequence order after a seq, bounded`, async () => {
    const s = await make();
    for (let i = 0; i < 5; i++) await s.append(sealer(100 + i, "key.created"));
    assert.deepEqual((await s.scan(2, 2)).map((e) => e.seq), [3, 4]);
    assert.deepEqual((await s.scan(5, 10)), []);
  });

  test(`${label}: list is newest first, filtered by time, actor, action or its prefix, target, and pages by seq`, async () => {
    const s = await make();
    const actions = ["prompt.version.created", "prompt.label.set", "key.created", "prompt.label.set", "credential.set", "promptx.other"];
    for (const [i, a] of actions.entries()) await s.append(sealer(1000 + i * 10, a, { actor: i % 2 ? "bo" : "ana", target: i < 2 ? "support" : `t${i}` }));
    const seqs = async (f: Parameters<AuditStore["list"]>[0]): Promise<number[]> => (await s.list(f)).map((e) => e.seq);
    assert.deepEqual(await seqs({ limit: 10 }), [6, 5, 4, 3, 2, 1]);
    assert.deepEqual(await seqs({ limit: 10, since: 1010, until: 1030 }), [3, 2]);
    assert.deepEqual(await seqs({ limit: 10, actor: "bo" }), [6, 4, 2]);
    assert.deepEqual(await seqs({ limit: 10, action: "prompt.label.set" }), [4, 2]);
    assert.deepEqual(await seqs({ limit: 10, action: "prompt." }), [4, 2, 1], "a prefix ends at the dot: promptx is not prompt");
    assert.deepEqual(await seqs({ limit: 10, action: "prompt.*" }), [4, 2, 1]);
    assert.deepEqual(await seqs({ limit: 10, targetType: "prompt", target: "support" }), [2, 1]);
    assert.deepEqual(await seqs({ limit: 2 }), [6, 5]);
    assert.deepEqual(await seqs({ limit: 2, beforeSeq: 5 }), [4, 3]);
  });
}
