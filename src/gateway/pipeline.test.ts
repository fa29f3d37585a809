import { test } from "node:test";
import assert from "node:assert/strict";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createLogger } from "../observe/log.js";
import { CHAT } from "./chat-pipeline.js";
import type { GatewayContext } from "./context.js";
import type { GatewayDeps } from "./deps.js";
import { EMBEDDINGS } from "./embeddings-pipeline.js";
import { MESSAGES } from "./anthropic/messages-pipeline.js";
import { RESPONSES } from "./responses-pipeline.js";
import { type DeferredStage, runDeferred, runStages, type Stage, type StageName } from "./pipeline.js";

type Ctx = GatewayContext & { seen: string[] };
const req = {} as IncomingMessage;
const res = {} as ServerResponse;

function fakeDeps(lines: string[] = []): GatewayDeps {
  return { log: createLogger("error", (l) => void lines.push(l)) } as unknown as GatewayDeps;
}
function newCtx(): Ctx {
  return { requestId: "req_test", seen: [] } as unknown as Ctx;
}
function sync(name: StageName): Stage<Ctx> {
  return { name, run: (ctx) => void ctx.seen.push(name) };
}

test("stages run in list order, and a list of synchronous stages completes without yielding", async () => {
  const ctx = newCtx();
  const done = runStages([sync("authenticate"), sync("validate"), sync("respond")], ctx, fakeDeps(), req, res);
  // Nothing awaited: every stage has run before runStages even returns its promise.
  assert.deepEqual(ctx.seen, ["authenticate", "validate", "respond"]);
  await done;
});

test("a stage that returns a promise is awaited before the next one runs", async () => {
  const ctx = newCtx();
  const slow: Stage<Ctx> = {
    name: "read",
    run: async (c) => {
      await new Promise((r) => setImmediate(r));
      c.seen.push("read");
    },
  };
  const done = runStages([sync("authenticate"), slow, sync("validate")], ctx, fakeDeps(), req, res);
  assert.deepEqual(ctx.seen, ["authenticate"]);
  await done;
  assert.deepEqual(ctx.seen, ["authenticate", "read", "validate"]);
});

test("the first throw ends the list: later stages never run", async () => {
  const ctx = newCtx();
  const refuse: Stage<Ctx> = { name: "limits", run: () => { throw new Error("refused"); } };
  await assert.rejects(runStages([sync("authenticate"), refuse, sync("route and call")], ctx, fakeDeps(), req, res), /refused/);
  assert.deepEqual(ctx.seen, ["authenticate"]);
});

test("a stage that answers the call ends the list", async () => {
  const ctx = newCtx();
  const hit: Stage<Ctx> = { name: "cache", run: (c) => { c.seen.push("cache"); c.answered = true; } };
  await runStages([sync("authenticate"), hit, sync("route and call"), sync("respond")], ctx, fakeDeps(), req, res);
  assert.deepEqual(ctx.seen, ["authenticate", "cache"]);
});

test("a failed deferred stage is logged once and skips the rest, except the ones that always run", async () => {
  const ctx = newCtx();
  const lines: string[] = [];
  const step = (name: StageName, always = false): DeferredStage<Ctx> => ({ name, always, run: (c) => void c.seen.push(name) });
  const broken: DeferredStage<Ctx> = { name: "record body", always: false, run: async () => { throw new Error("disk gone"); } };
  await runDeferred([step("deferred guard"), broken, step("finalise"), step("settle", true)], ctx, fakeDeps(lines));
  assert.deepEqual(ctx.seen, ["deferred guard", "settle"]);
  assert.equal(lines.length, 1);
  assert.match(lines[0], /trace finalisation failed/);
  assert.match(lines[0], /disk gone/);
  assert.match(lines[0], /req_test/);
});

const names = (stages: readonly { name: StageName }[]): StageName[] => stages.map((s) => s.name);
const before = (list: StageName[], a: StageName, b: StageName): boolean => list.indexOf(a) >= 0 && list.indexOf(a) < list.indexOf(b);

test("chat's list: the prompt before the model is read, Keel-only fields stripped after every reader and before routing", () => {
  const chat = names(CHAT.stages);
  assert.equal(new Set(chat).size, chat.length, "no stage twice");
  assert.equal(chat[0], "authenticate", "nothing reads the body of an unauthenticated call");
  assert.ok(before(chat, "read", "validate") && before(chat, "prompt header", "validate"));
  assert.ok(before(chat, "validate", "attribute") && before(chat, "attribute", "prompt"), "a prompt rollout picks its arm per user");
  assert.ok(before(chat, "prompt", "admit model"), "a prompt may bring the model");
  assert.ok(before(chat, "admit model", "limits") && before(chat, "limits", "guard input"), "a refused call costs no screening");
  assert.ok(before(chat, "prompt", "normalise") && before(chat, "guard input", "normalise"), "normalise runs after the stages that read Keel-only fields");
  assert.ok(before(chat, "normalise", "route and call"), "the body of record is what goes upstream");
  assert.ok(before(chat, "route and call", "guard output") && before(chat, "guard output", "respond"));
  assert.equal(chat.at(-1), "respond");
  assert.ok(before(chat, "guard input", "cache") && before(chat, "normalise", "cache"), "the cache keys the body of record, and a refused call is never served from it");
  assert.ok(before(chat, "cache", "route and call"), "a hit never goes upstream");
  assert.deepEqual(names(CHAT.deferred), ["deferred guard", "record body", "finalise", "cache store", "settle"]);
  assert.ok(before(names(CHAT.deferred), "finalise", "cache store"), "an entry records what its call cost, from the trace");
  assert.deepEqual(CHAT.deferred.map((s) => s.always), [false, false, false, false, true], "only settling runs after a failed finalisation");
});

test("embeddings reuse chat's shared stages, in the same order, without prompts and guard", () => {
  const emb = names(EMBEDDINGS.stages);
  assert.deepEqual(emb, ["authenticate", "read", "validate", "attribute", "admit model", "limits", "normalise", "route and call", "respond"]);
  const shared = new Set(EMBEDDINGS.stages.filter((s) => CHAT.stages.includes(s as never)).map((s) => s.name));
  assert.deepEqual([...shared], ["authenticate", "read", "attribute", "limits", "normalise"], "the same stage objects, not copies");
  assert.deepEqual(names(EMBEDDINGS.deferred), ["record body", "finalise", "settle"]);
});

test("every chat-backed surface has the cache in chat's slot, and stores after its trace", () => {
  for (const [label, surface] of [["chat", CHAT], ["messages", MESSAGES], ["responses", RESPONSES]] as const) {
    const list = names(surface.stages);
    assert.ok(before(list, "guard input", "cache") && before(list, "normalise", "cache"), `${label}: the key is over the body of record, and a refused call is never served`);
    assert.ok(before(list, "cache", "route and call"), `${label}: a hit never goes upstream`);
    assert.ok(before(names(surface.deferred), "finalise", "cache store"), `${label}: an entry records what its call cost`);
  }
});
