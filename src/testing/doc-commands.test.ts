/** The doc-command extractor: which lines are commands, and of what kind. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { classify, docCommands, keelUsage } from "./doc-commands.js";

const fence = "```";

test("shell blocks: every line is a command; continuations join, comments and blank lines drop", () => {
  const md = ["# Title", `${fence}sh`, "curl -s http://127.0.0.1:4000/v1/models \\", '  -H "Authorization: Bearer $KEEL_KEY"   # list them', "", "# a comment", "npx keel keys list", fence].join("\n");
  const cmds = docCommands("x.md", md);
  assert.deepEqual(cmds.map((c) => [c.line, c.kind, c.text]), [
    [3, "http", 'curl -s http://127.0.0.1:4000/v1/models -H "Authorization: Bearer $KEEL_KEY"'],
    [7, "keel", "npx keel keys list"],
  ]);
});

test("untagged and yaml blocks: only prompted or command-looking lines count, output does not", () => {
  const md = [fence, "$ keel alerts list", "RULE  STATE", "keel: keel.yaml: invalid configuration", fence, `${fence}yaml`, "      - run: npx keel eval run s.yaml --meta sha=${{ github.sha }}", "name: evals", fence].join("\n");
  assert.deepEqual(docCommands("x.md", md).map((c) => [c.kind, c.text]), [
    ["keel", "keel alerts list"],
    ["keel-usage", "npx keel eval run s.yaml --meta sha=${{ github.sha }}"],
  ]);
});

test("a # inside quotes is not a comment", () => {
  assert.equal(docCommands("x.md", `${fence}sh\nkeel prompts push ./p -m "fix #3"  # note\n${fence}`)[0].text, 'keel prompts push ./p -m "fix #3"');
});

test("classify: synopses, env-only lines, npm, other programs and Keel-mentioning strays", () => {
  assert.equal(classify("keel guard reviews [--status open|all] [--json]"), "keel-usage");
  assert.equal(classify("keel datasets export NAME --format jsonl"), "keel-usage");
  assert.equal(classify("npx keel traces tail --json | jq .cost_usd"), "keel", "a pipe is not an alternative");
  assert.equal(classify("OPENAI_API_KEY=sk-… npm start"), "npm");
  assert.equal(classify("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=http://127.0.0.1:4000/v1/traces"), "env");
  assert.equal(classify("npx tsx scripts/guard/train-injection.ts --threshold 0.5"), "other");
  assert.equal(classify('curl -s "$KEEL_URL/api/v1/spend"'), "http");
  assert.equal(classify('curl … -H "x-keel-prompt: tone@3"'), "unknown", "an elided curl cannot run");
  assert.equal(classify('curl -s "$KEEL/api/v1/alerts"'), "unknown", "not a URL the test knows");
  assert.equal(classify("docker run -p 4000:4000 keel"), "unknown");
});

test("keelUsage: command words (with alternatives) and every long option", () => {
  assert.deepEqual(keelUsage("keel datasets create|list NAME [--items] [--version N]|import NAME FILE [--create]"), { path: ["datasets", "create|list"], options: ["--items", "--version", "--create"] });
  assert.deepEqual(keelUsage('keel guard resolve gfp_… --confirmed|--rejected [--note "why"]'), { path: ["guard", "resolve"], options: ["--confirmed", "--rejected", "--note"] });
});
