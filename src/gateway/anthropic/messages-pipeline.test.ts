import { test } from "node:test";
import assert from "node:assert/strict";
import { CHAT } from "../chat-pipeline.js";
import { COUNT_TOKENS, MESSAGES } from "./messages-pipeline.js";

const names = (stages: readonly { name: string }[]): string[] => stages.map((s) => s.name);

test("/v1/messages is chat's list with its own edge stages: same names, same order, the shared stage objects between", () => {
  assert.deepEqual(names(MESSAGES.stages), names(CHAT.stages).filter((n) => n !== "prompt header"), "x-keel-prompt is applied at validate, after the translation");
  // admit model is chat's admission plus the thinking-target check (messages.ts), and the cache
  // stage is built per surface (its hits answer in Anthropic's shape); every other shared stage is the same object.
  const own = MESSAGES.stages.filter((s) => !CHAT.stages.includes(s as never)).map((s) => s.name);
  assert.deepEqual(own, ["authenticate", "validate", "admit model", "cache", "respond"], "only the wire-format edges differ");
  assert.deepEqual(MESSAGES.deferred, CHAT.deferred, "the same deferred stages: guard, body of record, trace, cache store, settle");
  assert.equal(typeof MESSAGES.sendError, "function", "errors in Anthropic's shape");
});

test("count_tokens authenticates before reading, checks the model, and calls no model", () => {
  assert.deepEqual(names(COUNT_TOKENS.stages), ["authenticate", "read", "validate", "admit model", "respond"]);
  assert.deepEqual(COUNT_TOKENS.deferred, []);
});
