import { test } from "node:test";
import assert from "node:assert/strict";
import { CHAT } from "../chat-pipeline.js";
import { COUNT_TOKENS, MESSAGES } from "./messages-pipeline.js";

const names = (stages: readonly { name: string }[]): string[] => stages.map((s) => s.name);

test("/v1/messages is chat's list with its own edge stages: same names, same order, the shared stage objects between", () => {
  // The response cache serves chat completions only for now (docs/cache.md): a hit would need its answer in this surface's shape.
  const chatOnly = new Set(["prompt header", "cache"]);
  assert.deepEqual(names(MESSAGES.stages), names(CHAT.stages).filter((n) => !chatOnly.has(n)), "x-keel-prompt is applied at validate, after the translation");
  // admit model is chat's admission plus the thinking-target check (messages.ts); every other shared stage is the same object.
  const own = MESSAGES.stages.filter((s) => !CHAT.stages.includes(s as never) && s.name !== "admit model").map((s) => s.name);
  assert.deepEqual(own, ["authenticate", "validate", "respond"], "only the wire-format edges differ");
  assert.deepEqual(MESSAGES.deferred, CHAT.deferred.filter((s) => s.name !== "cache store"), "the same deferred stages: guard, body of record, trace, settle");
  assert.equal(typeof MESSAGES.sendError, "function", "errors in Anthropic's shape");
});

test("count_tokens authenticates before reading, checks the model, and calls no model", () => {
  assert.deepEqual(names(COUNT_TOKENS.stages), ["authenticate", "read", "validate", "admit model", "respond"]);
  assert.deepEqual(COUNT_TOKENS.deferred, []);
});
