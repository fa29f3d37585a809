import { test } from "node:test";
import assert from "node:assert/strict";
import { contentHash, normalizeContent, pushItemSchema } from "./prompt-content.js";
import { nameFromPath, parsePromptFile, PromptFileError, promptFile } from "./prompt-files.js";
import type { PromptContent } from "./types.js";

/** File → push item → content, as the server would see it. */
function contentOf(path: string, text: string): PromptContent {
  const { name: _n, labels: _l, message: _m, ...rest } = pushItemSchema.parse(parsePromptFile(path, text));
  return normalizeContent(rest);
}

test("YAML and Markdown files become push items named by their path", () => {
  const yaml = parsePromptFile("support/answer.yaml", "type: chat\nmodel: sim\nparams: { temperature: 0.2 }\nlabels: [staging]\nmessages:\n  - role: system\n    content: |\n      You help {{customer}}.\n  - { role: user, content: \"{{question}}\" }\n");
  assert.equal(yaml.name, "support/answer");
  assert.deepEqual(yaml.labels, ["staging"]);
  assert.equal((yaml.messages as { content: string }[])[0].content, "You help {{customer}}.\n");
  const md = parsePromptFile("tone.md", "---\nmodel: sim\nmessage: friendlier\n---\nBe kind to {{name}}.\n");
  assert.deepEqual(md, { name: "tone", model: "sim", message: "friendlier", type: "text", text: "Be kind to {{name}}." });
  assert.deepEqual(parsePromptFile("plain.md", "Just text\n"), { name: "plain", type: "text", text: "Just text" });
  assert.equal(parsePromptFile("x.yml", "name: renamed\ntype: text\ntext: hi\n").name, "renamed");
  assert.equal(nameFromPath(".\\a\\b.MD"), "a/b");
});

test("file errors say which file and where", () => {
  assert.throws(() => parsePromptFile("bad.yaml", "type: chat\n  messages: [\n"), (e: unknown) => e instanceof PromptFileError && /^bad\.yaml:\d+:\d+: invalid YAML/.test(e.message));
  assert.throws(() => parsePromptFile("dup.yaml", "type: text\ntype: chat\n"), /dup\.yaml.*invalid YAML/);
  assert.throws(() => parsePromptFile("list.yaml", "- a\n- b\n"), /expected a mapping/);
  assert.throws(() => parsePromptFile("c.md", "---\ntype: chat\n---\nx"), /use YAML/);
  assert.throws(() => parsePromptFile("notes.txt", "x"), /not a prompt file/);
});

test("pull then push is idempotent: the written file parses back to the same content hash", () => {
  const cases: PromptContent[] = [
    { type: "text", text: "Hello {{name}}" },
    { type: "text", text: "ends with a newline\n" },
    { type: "text", text: "--- starts like front matter\nsecond line" },
    { type: "text", text: "with config", model: "sim", params: { temperature: 0.3, stop: ["\n\n"] } },
    { type: "text", text: "" },
    {
      type: "chat", model: "gpt", params: { max_tokens: 50 }, response_format: { type: "json_object" },
      tools: [{ type: "function", function: { name: "lookup", parameters: { type: "object", properties: { id: { type: "string" } } } } }],
      messages: [
        { role: "system", content: "Line one\n  indented: yes\n# not a comment\n" },
        { role: "user", content: "  leading spaces, trailing  " },
        { role: "assistant", content: "quotes ' \" and \\{{escaped}} and : colons" },
      ],
    },
  ];
  for (const c of cases) {
    const file = promptFile("dir/p", c, "pulled from Keel: dir/p version 3");
    assert.match(file.path, c.type === "text" ? /^dir\/p\.md$/ : /^dir\/p\.yaml$/);
    const back = contentOf(file.path, file.text);
    assert.equal(contentHash(back), contentHash(normalizeContent(c as never)), `round trip of ${JSON.stringify(c).slice(0, 60)}:\n${file.text}`);
  }
});
