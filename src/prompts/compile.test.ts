import { test } from "node:test";
import assert from "node:assert/strict";
import { KeelError } from "../errors/errors.js";
import { compilePrompt, type IncludeResolver, renderPrompt } from "./compile.js";
import { contentHash } from "./prompt-content.js";
import { parseTemplate, TemplateError } from "./template.js";
import type { PromptContent, PromptVersion } from "./types.js";

function version(name: string, v: number, content: PromptContent): PromptVersion {
  return { name, version: v, hash: contentHash(content), content, message: null, author: "test", createdAt: 0 };
}
const text = (name: string, t: string, v = 1): PromptVersion => version(name, v, { type: "text", text: t });

/** Includes resolve against a fixed set: name → (label or version) → version. */
function resolver(all: PromptVersion[], labels: Record<string, number> = {}): IncludeResolver {
  return (name, ref) => {
    const vs = all.filter((v) => v.name === name);
    if (vs.length === 0) return `no prompt named '${name}'`;
    const n = "version" in ref ? ref.version : labels[`${name}@${ref.label}`];
    if (n === undefined) return `prompt '${name}' has no label '${(ref as { label: string }).label}'`;
    return vs.find((v) => v.version === n) ?? `prompt '${name}' has no version ${n}`;
  };
}

function render(p: PromptVersion, vars: Record<string, unknown>, all: PromptVersion[] = [], labels: Record<string, number> = {}): string {
  return renderPrompt(compilePrompt(p, resolver(all, labels)), vars).map((m) => m.content).join("|");
}

test("variables render verbatim; whitespace in tags is allowed; dotted paths read object fields", () => {
  const p = text("t", "Hi {{name}}, order {{ order.id }} ({{order.total}}) {{flag}} {{n}}");
  assert.equal(render(p, { name: "Ada", order: { id: "A-1", total: 12.5 }, flag: true, n: 0 }), "Hi Ada, order A-1 (12.5) true 0");
});

test("a missing variable is a 400 naming it; every missing one is listed; null renders empty", () => {
  const p = text("support", "{{a}} {{b}} {{c.d}}");
  assert.throws(() => render(p, { a: "x" }), (err: unknown) => {
    assert.ok(err instanceof KeelError);
    assert.equal(err.status, 400);
    assert.equal(err.param, "prompt.variables.b");
    assert.match(err.message, /'b', 'c\.d'/);
    assert.match(err.message, /support/);
    return true;
  });
  assert.equal(render(p, { a: "x", b: null, c: { d: "" } }), "x  ");
  // A path through a non-object, or into the prototype, is missing — never Object.prototype's fields.
  assert.throws(() => render(text("t", "{{a.b}}"), { a: "str" }), /'a\.b'/);
  assert.throws(() => render(text("t", "{{a.constructor}}"), { a: {} }), /'a\.constructor'/);
});

test("extra variables are ignored (so one app can serve both versions of a rollout)", () => {
  assert.equal(render(text("t", "{{a}}"), { a: "1", unused: "2", other: { x: 1 } }), "1");
});

test("objects and arrays render as JSON", () => {
  assert.equal(render(text("t", "{{o}} {{l}}"), { o: { k: [1, "2"] }, l: [true, null] }), '{"k":[1,"2"]} [true,null]');
});

test("escaping: \\{{ is a literal {{; values are never re-read as template text", () => {
  assert.equal(render(text("t", "literal \\{{name}} and {{name}}"), { name: "Ada" }), "literal {{name}} and Ada");
  assert.equal(render(text("t", "{{v}}"), { v: "{{secret}} {{> other}}" }), "{{secret}} {{> other}}");
  assert.equal(render(text("t", "a }} b { c"), {}), "a }} b { c");
  assert.equal(render(text("t", ""), {}), "");
});

test("malformed tags are errors that say where", () => {
  assert.throws(() => parseTemplate("line one\nhello {{name"), (e: unknown) => e instanceof TemplateError && /unclosed '\{\{' at line 2, column 7/.test(e.message));
  assert.throws(() => parseTemplate("{{ 1abc }}"), /invalid variable name '1abc'/);
  assert.throws(() => parseTemplate("{{ a-b }}"), /invalid variable name/);
  assert.throws(() => parseTemplate("{{}}"), /invalid variable name ''/);
  assert.throws(() => parseTemplate("{{ {{x}} }}"), /inside a tag/);
  assert.throws(() => parseTemplate("{{> bad name}}"), /invalid include/);
  assert.throws(() => parseTemplate("{{> x@0}}"), /invalid include/);
});

test("includes: by label (default production), by version, nested, with variables of their own", () => {
  const tone = text("tone", "Be {{style}}.");
  const tone2 = text("tone", "Be very {{style}}.", 2);
  const sig = text("sig", "— {{team}} ({{> tone@1}})");
  const p = version("answer", 1, { type: "chat", messages: [{ role: "system", content: "{{> tone}} Sign: {{> sig@staging}}" }, { role: "user", content: "{{q}}" }] });
  const all = [tone, tone2, sig];
  const labels = { "tone@production": 2, "sig@staging": 1 };
  assert.equal(render(p, { style: "brief", team: "Support", q: "Why?" }, all, labels), "Be very brief. Sign: — Support (Be brief.)|Why?");
  const c = compilePrompt(p, resolver(all, labels));
  assert.deepEqual(c.variables, ["q", "style", "team"]);
  assert.deepEqual(c.includes, [{ name: "tone", version: 2 }, { name: "sig", version: 1 }, { name: "tone", version: 1 }]);
  // The served view has includes inlined, variables kept as tags, literal braces escaped again.
  assert.equal((c.view.messages as { content: string }[])[0].content, "Be very {{style}}. Sign: — {{team}} (Be {{style}}.)");
});

test("include errors: missing prompt, missing label, chat prompt included, cycles (direct, indirect, self)", () => {
  const compile = (p: PromptVersion, all: PromptVersion[], labels: Record<string, number> = {}): unknown => compilePrompt(p, resolver(all, labels));
  assert.throws(() => compile(text("a", "{{> nope}}"), []), /no prompt named 'nope'/);
  assert.throws(() => compile(text("a", "{{> b}}"), [text("b", "x")]), /prompt 'b' has no label 'production'/);
  const chat = version("c", 1, { type: "chat", messages: [{ role: "user", content: "x" }] });
  assert.throws(() => compile(text("a", "{{> c@1}}"), [chat]), /only text prompts can be included/);
  const a = text("a", "A {{> b@1}}");
  const b = text("b", "B {{> a@1}}");
  assert.throws(() => compile(a, [a, b]), (e: unknown) => e instanceof TemplateError && /include cycle: a@1 → b@1 → a@1/.test(e.message));
  const self = text("s", "{{> s@production}}");
  assert.throws(() => compile(self, [self], { "s@production": 1 }), /include cycle: s@1 → s@1/);
  // The same fragment twice side by side is not a cycle.
  const frag = text("f", "f");
  assert.equal(render(text("d", "{{> f@1}}{{> f@1}}"), {}, [frag]), "ff");
});

test("deep include chains stop at 16 levels", () => {
  const chain = Array.from({ length: 20 }, (_, i) => text(`p${i}`, i === 19 ? "end" : `{{> p${i + 1}@1}}`));
  assert.throws(() => compilePrompt(chain[0], resolver(chain)), /nested deeper than 16/);
});

test("the ETag changes with the served content and only with it", () => {
  const p = text("t", "{{> f}}");
  const e1 = compilePrompt(p, resolver([text("f", "one"), text("f", "two", 2)], { "f@production": 1 })).etag;
  const e1again = compilePrompt(p, resolver([text("f", "one"), text("f", "two", 2)], { "f@production": 1 })).etag;
  const e2 = compilePrompt(p, resolver([text("f", "one"), text("f", "two", 2)], { "f@production": 2 })).etag;
  assert.equal(e1, e1again);
  assert.notEqual(e1, e2, "moving an included prompt's label changes the parent's ETag");
  assert.match(e1, /^"[\w-]{32}"$/);
});

test("text prompts render as one user message; chat prompts keep their roles", () => {
  const c = compilePrompt(text("t", "hi"), resolver([]));
  assert.deepEqual(renderPrompt(c, {}), [{ role: "user", content: "hi" }]);
  const chat = version("c", 1, { type: "chat", messages: [{ role: "system", content: "s" }, { role: "assistant", content: "a" }, { role: "user", content: "u" }] });
  assert.deepEqual(renderPrompt(compilePrompt(chat, resolver([])), {}).map((m) => m.role), ["system", "assistant", "user"]);
});
