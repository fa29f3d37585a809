import assert from "node:assert/strict";
import { test } from "node:test";
import type { AuditEntry } from "../audit/types.js";
import { type ChangeEvent, changeFromAudit, changeFromModel } from "./change-events.js";
import { normalizeWeights, rankCauses, sliceRegressions } from "./rank-causes.js";

function audit(action: string, target: string, before: unknown = null, after: unknown = null, at = 0): AuditEntry {
  return { seq: 1, at, actor: "alice", role: "admin", action, targetType: "x", target, before, after, reason: null, prevHash: "", hash: "" };
}

test("audit entries become change events with the slices they touch", () => {
  const p = changeFromAudit(audit("prompt.label.set", "support@production", { version: 6 }, { version: 7 }))!;
  assert.equal(p.kind, "prompt");
  assert.deepEqual(p.slices, [{ dim: "prompt_version", value: "support@v7" }, { dim: "prompt_version", value: "support@v6" }]);
  assert.equal(changeFromAudit(audit("key.revoked", "key_1"))!.slices[0].value, "key_1");
  assert.equal(changeFromAudit(audit("config.changed", "keel.yaml"))!.kind, "config");
  assert.equal(changeFromAudit(audit("prompt.version.created", "support")), null, "an unlabelled version serves nobody");
  const m = changeFromModel({ at: 5, what: "version", route: "gpt-4o", provider: "openai", model: "gpt-4o-2024-11-20", from: "gpt-4o-2024-08-06", to: "gpt-4o-2024-11-20" });
  assert.equal(m.kind, "model");
  assert.deepEqual(m.slices[0], { dim: "model", value: "gpt-4o-2024-11-20" });
});

test("a change touching the regressed slice outranks a closer one that touches nothing", () => {
  const hour = 3_600_000;
  const firedAt = 10 * hour;
  const ev = (at: number, action: string, slices: ChangeEvent["slices"]): ChangeEvent => ({ at, kind: "prompt", action, target: "t", actor: "a", summary: "", slices, ref: action });
  const regs = normalizeWeights([
    ...sliceRegressions("prompt_version", [{ slice: "support@v7", value: 0.55, samples: 50 }, { slice: "support@v6", value: 0.86, samples: 200 }], new Map([["support@v6", 0.85]]), 0.85, -1, 10),
    ...sliceRegressions("model", [{ slice: "gpt-5-mini", value: 0.8, samples: 250 }], new Map([["gpt-5-mini", 0.85]]), 0.85, -1, 10),
  ]);
  assert.equal(regs[0].value, "support@v7");
  assert.equal(regs[0].weight, 1);
  assert.equal(regs.find((r) => r.value === "support@v6")!.weight, 0, "v6 improved");
  const ranked = rankCauses([
    ev(firedAt - 2 * hour, "prompt.label.set", [{ dim: "prompt_version", value: "support@v7" }]),
    ev(firedAt - 10 * 60_000, "config.changed", []),
    ev(firedAt + 60_000, "later", []),
  ], regs, firedAt, hour);
  assert.deepEqual(ranked.map((r) => r.event.action), ["prompt.label.set", "config.changed"], "changes after the alert are not causes");
  assert.equal(ranked[0].matched!.value, "support@v7");
  assert.ok(ranked[1].proximity > ranked[0].proximity);
  assert.equal(ranked[0].minutes_before, 120);
});
