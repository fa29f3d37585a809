import assert from "node:assert/strict";
import { test } from "node:test";
import { CHAT } from "./chat-pipeline.js";
import { MODERATIONS } from "./moderations-pipeline.js";
import type { StageName } from "./pipeline.js";
import { RESPONSES } from "./responses-pipeline.js";

const names = (stages: readonly { name: StageName }[]): StageName[] => stages.map((s) => s.name);

test("responses: chat's own stage objects in chat's order, only validate and respond its own (no second pipeline)", () => {
  const list = names(RESPONSES.stages);
  assert.deepEqual(list, ["authenticate", "read", "validate", "attribute", "admit model", "check target", "limits", "guard input", "normalise", "cache", "route and call", "guard output", "respond"]);
  const own = RESPONSES.stages.filter((s) => !CHAT.stages.includes(s as never)).map((s) => s.name);
  // admit model is built per surface kind (stages.ts) and the cache stage per surface (its hits
  // answer in the Responses shape), so they are chat's stages, not chat's objects.
  assert.deepEqual(own, ["validate", "admit model", "check target", "cache", "respond"]);
  assert.ok(list.indexOf("normalise") < list.indexOf("cache") && list.indexOf("cache") < list.indexOf("route and call"), "chat's cache slot: on the body of record, before any upstream call");
  assert.deepEqual(RESPONSES.deferred, CHAT.deferred, "the same deferred stages: log-only guard, body of record, trace, cache store, settle");
});

test("moderations: keys, limits and the trace as every surface; the guard stands in for the call", () => {
  assert.deepEqual(names(MODERATIONS.stages), ["authenticate", "read", "validate", "attribute", "admit model", "limits", "normalise", "route and call", "respond"]);
  const shared = MODERATIONS.stages.filter((s) => CHAT.stages.includes(s as never)).map((s) => s.name);
  assert.deepEqual(shared, ["authenticate", "read", "attribute", "limits", "normalise"]);
  assert.deepEqual(names(MODERATIONS.deferred), ["record body", "finalise", "settle"]);
});
