import assert from "node:assert/strict";
import { test } from "node:test";
import type { SpendRow, SpendStore } from "../limits/spend/spend-types.js";
import type { ResponseObject } from "../responses/response-object.js";
import type { ResponseStore, StoredResponse } from "../responses/response-store.js";
import type { WriteSinks } from "./stores.js";

/** A backend's sinks, and the stores that read what they wrote, over one database. */
export interface WriteSinksSetup {
  sinks: WriteSinks;
  spend: SpendStore;
  responses: ResponseStore;
  close(): Promise<void>;
}

const row = (o: Partial<SpendRow>): SpendRow => ({
  day: "2031-06-01", keyId: "key_a", user: null, team: null, feature: "chat", model: "m",
  requests: 1, tokensIn: 10, tokensOut: 5, costUsd: 0.25, ...o,
});
const resp = (id: string, text: string): StoredResponse => ({
  id, keyId: "key_a", createdAt: Date.UTC(2031, 5, 1), response: { id, output_text: text } as unknown as ResponseObject,
  conversation: [{ role: "user", content: text }],
});

/**
 * The `WriteSinks` contract (decision 0037), run by each backend's test: what a sink wrote is what
 * the store on the gateway's side reads, and a write resolves only once it is readable.
 */
export function writeSinksContract(label: string, make: () => Promise<WriteSinksSetup>): void {
  test(`${label}: spend upserts add up per day and attribution, readable once the sink resolves`, async () => {
    const s = await make();
    try {
      await s.sinks.spend([row({}), row({ keyId: "key_b", costUsd: 1 })]);
      await s.sinks.spend([row({ requests: 2, costUsd: 0.5 })]);
      await s.sinks.spend([]);
      const { groups, total } = s.spend.query({ by: ["key"], limit: 10 });
      assert.deepEqual(groups.map((g) => [g.by.key, g.requests, g.costUsd]), [["key_b", 1, 1], ["key_a", 3, 0.75]]);
      assert.equal(total.tokensIn, 30);
    } finally {
      await s.close();
    }
  });

  test(`${label}: stored responses land, scoped to their key; a repeated id keeps its last write`, async () => {
    const s = await make();
    try {
      await s.sinks.responses([resp("resp_1", "one"), resp("resp_2", "two"), resp("resp_1", "one again")]);
      await s.sinks.responses([]);
      const got = s.responses.get("resp_1", "key_a");
      assert.equal((got?.response as unknown as { output_text: string }).output_text, "one again");
      assert.deepEqual(got?.conversation, [{ role: "user", content: "one again" }]);
      assert.ok(s.responses.get("resp_2", "key_a"));
      assert.equal(s.responses.get("resp_2", "key_b"), null);
    } finally {
      await s.close();
    }
  });
}
