import { test } from "node:test";
import assert from "node:assert/strict";
import { AuditLog } from "../audit/audit-log.js";
import { SqliteAuditStore } from "../audit/sqlite-audit-store.js";
import type { AuditSink } from "../audit/types.js";
import { KeelError } from "../errors/errors.js";
import type { Actor } from "../keys/roles.js";
import { openMemorySqlite } from "../storage/sqlite.js";
import { promptsConfigSchema } from "./config.js";
import type { PushItem } from "./prompt-content.js";
import { PromptService } from "./prompt-service.js";
import { SqlitePromptStore } from "./sqlite-prompt-store.js";
import type { PromptStore } from "./types.js";

const admin: Actor = { name: "alice", role: "admin" };
const editor: Actor = { name: "ci", role: "editor" };
const config = promptsConfigSchema.parse({});

function setup(wrap: (s: PromptStore) => PromptStore = (s) => s, sink?: (a: AuditLog) => AuditSink) {
  const db = openMemorySqlite();
  const audit = new AuditLog(new SqliteAuditStore(db));
  const store = wrap(new SqlitePromptStore(db));
  const svc = new PromptService(store, sink ? sink(audit) : audit, config);
  return { db, audit, store, svc };
}

const text = (name: string, t: string, extra: Partial<PushItem> = {}): PushItem => ({ name, type: "text", text: t, ...extra }) as PushItem;
const push = (svc: PromptService, items: PushItem[], actor: Actor = admin, dryRun = false) =>
  svc.push(items, { dryRun, message: null, withDiff: true, actor, reason: null });

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof KeelError, String(err));
    return `${err.status} ${err.code}${err.param ? ` ${err.param}` : ""}`;
  }
  return "no error";
}

test("push is idempotent: same content makes no version, new content does, with a diff", () => {
  const { svc, audit } = setup();
  const [c1] = push(svc, [text("greet", "Hello {{name}}")]);
  assert.deepEqual({ action: c1.action, version: c1.version, previous: c1.previous }, { action: "created", version: 1, previous: null });
  assert.equal(push(svc, [text("greet", "Hello {{name}}")])[0].action, "unchanged");
  const [c3] = push(svc, [text("greet", "Hi {{name}}!")]);
  assert.equal(c3.action, "new_version");
  assert.equal(c3.version, 2);
  assert.deepEqual({ added: c3.diff!.added, removed: c3.diff!.removed }, { added: 1, removed: 1 });
  assert.match(c3.diff!.unified!, /-text: Hello \{\{name\}\}\n\+text: Hi \{\{name\}\}!/);
  assert.equal(audit.list({ action: "prompt.version.created", limit: 10 }).length, 2);
});

test("dry run reports what would change and writes nothing", () => {
  const { svc, audit } = setup();
  const plan = push(svc, [text("a", "x", { labels: ["staging"] })], admin, true);
  assert.deepEqual(plan.map((c) => [c.action, c.version, c.labels]), [["created", 1, [{ label: "staging", from: null, to: 1 }]]]);
  assert.equal(svc.registry.exists("a"), false);
  assert.equal(audit.list({ limit: 10 }).length, 0);
});

test("labels: pushed with a version, moved, compare-and-set, `latest`, protected labels need the admin role", () => {
  const { svc } = setup();
  push(svc, [text("p", "one", { labels: ["staging"] })], editor);
  push(svc, [text("p", "two", { labels: ["staging"] })], editor);
  assert.equal(svc.registry.versionAt("p", "staging"), 2);
  assert.equal(svc.registry.versionAt("p", "latest"), 2);
  // Protected: an editor may neither push with it nor move it.
  assert.equal(code(() => push(svc, [text("p", "three", { labels: ["production"] })], editor)), "403 forbidden");
  assert.equal(svc.registry.latest("p")!.version, 2, "a refused push writes nothing");
  assert.equal(code(() => svc.setLabel("p", "production", 1, { actor: editor, reason: null })), "403 forbidden");
  assert.deepEqual(svc.setLabel("p", "production", 1, { actor: admin, reason: "ship" }), { from: null, to: 1 });
  assert.equal(code(() => svc.setLabel("p", "production", 2, { expected: 2, actor: admin, reason: null })), "409 conflict expected_version");
  svc.setLabel("p", "production", 2, { expected: 1, actor: admin, reason: null });
  assert.equal(code(() => svc.setLabel("p", "latest", 1, { actor: admin, reason: null })), "400 invalid_request label");
  assert.equal(code(() => svc.setLabel("p", "staging", 9, { actor: admin, reason: null })), "404 not_found version");
});

test("rollback walks back through the label's history, then says there is nothing left", () => {
  const { svc, audit } = setup();
  for (const t of ["v1", "v2", "v3"]) push(svc, [text("r", t, { labels: ["production"] })]);
  const rb = (to?: number) => svc.rollback("r", "production", { to, actor: admin, reason: "bad answers" });
  assert.deepEqual(rb(), { from: 3, to: 2, via: "label" });
  assert.deepEqual(rb(), { from: 2, to: 1, via: "label" });
  assert.equal(code(() => rb()), "409 conflict label");
  assert.deepEqual(rb(3), { from: 1, to: 3, via: "label" });
  assert.equal(code(() => svc.rollback("r", "production", { actor: editor, reason: null })), "403 forbidden");
  const entries = audit.list({ action: "prompt.rollback", limit: 10 });
  assert.equal(entries.length, 3);
  assert.deepEqual([entries[2].before, entries[2].after, entries[2].reason, entries[2].actor], [{ version: 3 }, { version: 2 }, "bad answers", "alice"]);
});

test("includes are checked when they change: missing, pushed together, cycles through a label move", () => {
  const { svc } = setup();
  assert.equal(code(() => push(svc, [text("parent", "{{> frag}} and {{x}}")])), "400 invalid_request prompts");
  push(svc, [text("parent", "{{> frag@staging}} and {{x}}", { labels: ["staging"] }), text("frag", "fragment", { labels: ["staging"] })]);
  assert.deepEqual(svc.resolve({ name: "parent", version: 1 }, null).compiled.variables, ["x"]);
  // frag@2 includes parent@staging; moving parent's staging label to 1 would close the loop.
  push(svc, [text("frag", "{{> parent@staging}}")]);
  push(svc, [text("parent", "standalone", { labels: ["staging"] })]);
  svc.setLabel("frag", "staging", 2, { actor: admin, reason: null });
  const err = (() => {
    try {
      svc.setLabel("parent", "staging", 1, { actor: admin, reason: null });
    } catch (e) {
      return e as KeelError;
    }
  })();
  assert.match(err!.message, /include cycle/);
  assert.equal(svc.registry.versionAt("parent", "staging"), 2, "a refused move leaves the label where it was");
});

test("model parameters are validated at push with the gateway's own schema", () => {
  const { svc } = setup();
  assert.equal(code(() => push(svc, [text("ok", "x"), text("t", "x", { params: { temperature: 5 } })])), "400 invalid_request prompts[1].params.temperature");
  assert.equal(svc.registry.exists("ok"), false, "the whole push is refused");
});

test("a failure inside the write leaves neither the version nor its audit entry", () => {
  let fail = false;
  const { svc, audit } = setup(undefined, (a) => ({ record: (i) => { if (fail) throw new Error("disk full"); return a.record(i); } }));
  push(svc, [text("x", "one")]);
  fail = true;
  assert.throws(() => push(svc, [text("x", "two")]), /disk full/);
  fail = false;
  assert.equal(svc.registry.latest("x")!.version, 1, "memory matches the store after the rollback");
  assert.equal(audit.list({ limit: 10 }).length, 1);
  assert.equal(push(svc, [text("x", "two")])[0].version, 2);
});

test("resolving a prompt never touches the store, however often", () => {
  let calls = 0;
  const { svc } = setup((s) => new Proxy(s, { get: (t, k) => { const v = Reflect.get(t, k); return typeof v === "function" ? (...a: unknown[]) => { calls++; return v.apply(t, a); } : v; } }));
  push(svc, [text("hot", "Hi {{n}}", { labels: ["production"] })]);
  const before = calls;
  for (let i = 0; i < 10_000; i++) svc.resolve({ name: "hot" }, `user-${i}`);
  assert.equal(calls, before);
  assert.equal(code(() => svc.resolve({ name: "nope" }, null)), "404 not_found prompt.name");
  assert.equal(code(() => svc.resolve({ name: "hot", label: "staging" }, null)), "404 not_found prompt.label");
});

test("a new service on the same database sees every version and label (restart)", () => {
  const { db, svc, audit } = setup();
  push(svc, [text("p", "a", { labels: ["production"] })]);
  push(svc, [text("p", "b")]);
  const again = new PromptService(new SqlitePromptStore(db), audit, config);
  assert.equal(again.registry.versionAt("p", "production"), 1);
  assert.equal(again.registry.latest("p")!.version, 2);
});
