import { test } from "node:test";
import assert from "node:assert/strict";
import type { LabelMove, NewVersion, PromptStore, RolloutRecord } from "./types.js";

const draft = (name: string, text: string, at = 100): NewVersion => ({ name, hash: `h:${text}`, content: { type: "text", text }, message: `msg ${text}`, author: "ana", createdAt: at });
const move = (name: string, label: string, to: number | null, at: number, kind: LabelMove["kind"] = "set"): LabelMove => ({ name, label, from: null, to, kind, at, actor: "ana", reason: null });
const rollout = (id: string, startedAt: number, over: Partial<RolloutRecord> = {}): RolloutRecord => ({
  id, name: "support", label: "production", fromVersion: 1, toVersion: 2, steps: [10, 50, 100], stepIndex: 0, status: "running",
  settings: { min_samples: 100, alpha: 0.05, max_looks: 5, auto_advance_ms: 0, thresholds: { error_rate: 0.02, latency: 0.25, cost: 0.2, guard_trigger_rate: 0.02, score: 0.05 } },
  startedAt, stepStartedAt: startedAt, endedAt: null, actor: "ana", reason: "try v2", outcome: null, ...over,
});

/** The `PromptStore` contract (`sqlite-prompt-store.test.ts` runs it besides its two-writer race); every call is awaited. */
export function promptStoreContract(label: string, make: () => PromptStore | Promise<PromptStore>): void {
  test(`${label}: versions number from 1 per name; pushing the newest content again creates nothing`, async () => {
    const s = await make();
    const v1 = await s.createVersion(draft("support", "a"));
    assert.deepEqual(v1, { version: { ...draft("support", "a"), version: 1 }, created: true });
    assert.equal((await s.createVersion(draft("support", "b"))).version.version, 2);
    const again = await s.createVersion(draft("support", "b", 999));
    assert.deepEqual([again.created, again.version.version, again.version.createdAt], [false, 2, 100]);
    assert.equal((await s.createVersion(draft("support", "a"))).version.version, 3, "older content is a new version");
    assert.equal((await s.createVersion(draft("billing", "a"))).version.version, 1);
    assert.deepEqual((await s.versions("support")).map((v) => v.version), [1, 2, 3]);
    assert.deepEqual((await s.allVersions()).map((v) => `${v.name}@${v.version}`), ["billing@1", "support@1", "support@2", "support@3"]);
    assert.deepEqual((await s.versions("support"))[0], { ...draft("support", "a"), version: 1 });
  });

  test(`${label}: a label moves only from the expected version, and every move is recorded newest first`, async () => {
    const s = await make();
    await s.createVersion(draft("support", "a"));
    await s.createVersion(draft("support", "b"));
    assert.equal(await s.moveLabel(move("support", "production", 1, 10), null), true);
    assert.equal(await s.moveLabel(move("support", "production", 2, 20), 2), false, "expected 2, is 1: nothing changes");
    assert.equal(await s.moveLabel(move("support", "production", 2, 30), 1), true);
    assert.equal(await s.moveLabel(move("support", "staging", 1, 40), undefined), true, "undefined: from any version");
    assert.deepEqual(await s.labels("support"), [
      { name: "support", label: "production", version: 2, updatedAt: 30, updatedBy: "ana" },
      { name: "support", label: "staging", version: 1, updatedAt: 40, updatedBy: "ana" },
    ]);
    assert.equal(await s.moveLabel(move("support", "production", 1, 50, "rollback"), 2), true);
    assert.equal(await s.moveLabel(move("support", "staging", null, 60, "delete"), 1), true);
    assert.deepEqual((await s.allLabels()).map((l) => `${l.label}=${l.version}`), ["production=1"]);
    const moves = await s.labelMoves("support", "production", 10);
    assert.deepEqual(moves.map((m) => [m.from, m.to, m.kind, m.at]), [[2, 1, "rollback", 50], [1, 2, "set", 30], [null, 1, "set", 10]], "from is what the label held");
    assert.equal((await s.labelMoves("support", "production", 1)).length, 1);
  });

  test(`${label}: rollouts are upserted by id, listed newest first, filtered; one running per label`, async () => {
    const s = await make();
    await s.saveRollout(rollout("ro_1", 100, { status: "aborted", endedAt: 150, outcome: { by: "bo" } }));
    await s.saveRollout(rollout("ro_2", 200));
    await s.saveRollout(rollout("ro_2", 200, { stepIndex: 1, stepStartedAt: 250 }));
    await s.saveRollout(rollout("ro_3", 300, { label: "staging" }));
    assert.deepEqual((await s.rollouts({ limit: 10 })).map((r) => r.id), ["ro_3", "ro_2", "ro_1"]);
    assert.deepEqual((await s.rollouts({ label: "production", status: "running", limit: 10 }))[0], rollout("ro_2", 200, { stepIndex: 1, stepStartedAt: 250 }));
    assert.deepEqual((await s.rollouts({ name: "support", status: "aborted", limit: 10 }))[0].outcome, { by: "bo" });
    assert.equal((await s.rollouts({ limit: 1 })).length, 1);
    await assert.rejects(async () => s.saveRollout(rollout("ro_4", 400)), "a second running rollout of the same label is refused");
  });

  test(`${label}: names and labels sort bytewise (upper case before lower, "-" before "_")`, async () => {
    const s = await make();
    for (const n of ["b", "B", "a_x", "a-x"]) await s.createVersion(draft(n, "a"));
    assert.deepEqual((await s.allVersions()).map((v) => v.name), ["B", "a-x", "a_x", "b"]);
    for (const l of ["prod", "Prod", "p_1", "p-1"]) await s.moveLabel(move("b", l, 1, 10), undefined);
    assert.deepEqual((await s.labels("b")).map((l) => l.label), ["Prod", "p-1", "p_1", "prod"]);
    assert.deepEqual((await s.allLabels()).map((l) => l.label), ["Prod", "p-1", "p_1", "prod"]);
  });

  test(`${label}: atomically lands everything or nothing`, async () => {
    const s = await make();
    await assert.rejects(async () => s.atomically(() => {
      s.createVersion(draft("support", "a"));
      throw new Error("abort");
    }), /abort/);
    assert.deepEqual(await s.versions("support"), []);
    s.atomically(() => {
      s.createVersion(draft("support", "a"));
      s.moveLabel(move("support", "production", 1, 10), null);
    });
    assert.deepEqual((await s.labels("support")).map((l) => l.version), [1]);
  });
}
