import { test } from "node:test";
import assert from "node:assert/strict";
import { KeelError } from "../../errors/errors.js";
import { fpKey, type GuardReviewStore, type NewReview, REVIEW_ID } from "./review-store.js";

const T0 = Date.UTC(2026, 10, 29, 10, 0, 0);
const review = (traceId: string, over: Partial<NewReview> = {}): NewReview => ({
  traceId, scanner: "pii", source: "user", action: "redact", score: 0.92, findings: ["EMAIL"], model: "gpt", route: "chat",
  traceStartedAt: T0, excerpt: "write to [EMAIL]", note: "a support address", markedBy: "ana", ...over,
});
const code = (err: unknown): string => (err instanceof KeelError ? err.code : String(err));

/** The `GuardReviewStore` contract (`sqlite-review-store.test.ts`); every call is awaited. */
export function reviewStoreContract(label: string, make: () => GuardReviewStore | Promise<GuardReviewStore>): void {
  test(`${label}: marking returns the open item with what the trace held; one mark per trace, scanner and source`, async () => {
    const s = await make();
    const item = await s.mark(review("req_1"), T0 + 5_000);
    assert.match(item.id, REVIEW_ID);
    assert.deepEqual({ ...item, id: "x" }, {
      id: "x", trace_id: "req_1", scanner: "pii", source: "user", action: "redact", score: 0.92, findings: ["EMAIL"], model: "gpt", route: "chat",
      trace_started_at: new Date(T0).toISOString(), excerpt: "write to [EMAIL]", note: "a support address", marked_by: "ana",
      marked_at: new Date(T0 + 5_000).toISOString(), status: "open", resolved_by: null, resolved_at: null, resolution_note: null,
    });
    assert.deepEqual(await s.get(item.id), item);
    await assert.rejects(async () => s.mark(review("req_1", { markedBy: "bo" })), (e) => code(e) === "conflict");
    assert.equal((await s.mark(review("req_1", { source: "output" }))).source, "output", "another source is another item");
    assert.equal(await s.get("gfp_0000000000000000"), undefined);
  });

  test(`${label}: resolving settles an open item once; unknown ids are not_found`, async () => {
    const s = await make();
    const item = await s.mark(review("req_1"), T0);
    const done = await s.resolve(item.id, "rejected", "lead", "a real email", T0 + 9_000);
    assert.deepEqual([done.status, done.resolved_by, done.resolved_at, done.resolution_note], ["rejected", "lead", new Date(T0 + 9_000).toISOString(), "a real email"]);
    await assert.rejects(async () => s.resolve(item.id, "confirmed", "lead", null), (e) => code(e) === "conflict");
    assert.equal((await s.get(item.id))!.status, "rejected");
    await assert.rejects(async () => s.resolve("gfp_0000000000000000", "confirmed", "lead", null), (e) => code(e) === "not_found");
  });

  test(`${label}: the list is newest marked first, filtered, and pages with a cursor that loses nothing`, async () => {
    const s = await make();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await s.mark(review(`req_${i}`, { scanner: i % 2 ? "injection" : "pii" }), T0 + (i < 2 ? 0 : i) * 1000)).id);
    await s.resolve(ids[4], "confirmed", "lead", null);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await s.list({ status: "all", limit: 2, cursor });
      assert.ok(page.data.length <= 2);
      seen.push(...page.data.map((r) => r.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    assert.equal(seen.length, 5);
    assert.deepEqual(seen.slice(0, 3), [ids[4], ids[3], ids[2]], "newest marked first");
    assert.deepEqual(new Set(seen.slice(3)), new Set([ids[0], ids[1]]), "a tie on time is split by id, each once");
    assert.deepEqual((await s.list({ status: "open", scanner: "pii", limit: 10 })).data.map((r) => r.id), [ids[2], ...[ids[0]]]);
    assert.deepEqual((await s.list({ status: "confirmed", limit: 10 })).data.map((r) => r.id), [ids[4]]);
    assert.equal((await s.list({ status: "all", limit: 10 })).nextCursor, null);
    await assert.rejects(async () => s.list({ status: "all", limit: 10, cursor: "not-a-cursor" }), RangeError);
  });

  test(`${label}: false positives count open and confirmed marks per scanner and route over the trace's start time`, async () => {
    const s = await make();
    const a = await s.mark(review("req_1", { traceStartedAt: T0 }));
    await s.mark(review("req_2", { traceStartedAt: T0 + 10_000 }));
    await s.mark(review("req_3", { traceStartedAt: T0 + 20_000, route: null }));
    const rejected = await s.mark(review("req_4", { traceStartedAt: T0 }));
    await s.resolve(a.id, "confirmed", "lead", null);
    await s.resolve(rejected.id, "rejected", "lead", null);
    const all = await s.falsePositives({});
    assert.equal(all.get(fpKey("pii", "chat")), 2);
    assert.equal(all.get(fpKey("pii", "")), 1, "no route counts under the empty route");
    assert.equal((await s.falsePositives({ since: T0 + 5_000, until: T0 + 15_000 })).get(fpKey("pii", "chat")), 1);
    assert.equal((await s.falsePositives({ scanner: "injection" })).size, 0);
  });

  test(`${label}: excerpts expire with their traces; the item and its counts stay`, async () => {
    const s = await make();
    const old = await s.mark(review("req_1", { traceStartedAt: T0 }));
    const fresh = await s.mark(review("req_2", { traceStartedAt: T0 + 60_000 }));
    assert.equal(await s.expireExcerptsBefore(T0 + 1), 1);
    assert.equal(await s.expireExcerptsBefore(T0 + 1), 0);
    assert.equal((await s.get(old.id))!.excerpt, null);
    assert.equal((await s.get(fresh.id))!.excerpt, "write to [EMAIL]");
    assert.equal((await s.falsePositives({})).get(fpKey("pii", "chat")), 2);
  });
}
