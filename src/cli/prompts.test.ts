/** `keel prompts …` and `keel audit …` as processes against a running Keel: files in, files out, idempotent. */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestKeel, type TestKeel } from "../testing/keel-fixture.js";
import { runCli } from "../testing/cli-process.js";

let keel: TestKeel;
let dir: string;

before(async () => {
  keel = await startTestKeel();
  dir = mkdtempSync(join(tmpdir(), "keel-prompts-cli-"));
  mkdirSync(join(dir, "prompts/support"), { recursive: true });
  writeFileSync(join(dir, "prompts/support/answer.yaml"), "type: chat\nmodel: sim\nlabels: [staging]\nmessages:\n  - role: system\n    content: |\n      You help {{customer}}. {{> tone@staging}}\n  - role: user\n    content: \"{{question}}\"\n");
  writeFileSync(join(dir, "prompts/tone.md"), "---\nlabels: [staging]\nmessage: the house tone\n---\nBe brief and kind.\n");
});
after(async () => keel.close());

function cli(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return runCli(args, { cwd: dir, env: { KEEL_URL: keel.url, KEEL_ADMIN_TOKEN: keel.adminToken } });
}

test("push creates versions and is idempotent; --dry-run shows a change without writing it", async () => {
  const first = await cli("prompts", "push", "prompts");
  assert.equal(first.code, 0, first.err);
  assert.match(first.out, /\+ support\/answer {2}created v1 {2}labels: staging new → v1/);
  assert.match(first.out, /\+ tone {2}created v1/);
  assert.match(first.out, /2 prompts — 2 new, 0 changed, 0 unchanged; 2 label moves/);

  writeFileSync(join(dir, "prompts/tone.md"), "---\nlabels: [staging]\n---\nBe brief, kind and exact.\n");
  const dry = await cli("prompts", "push", "prompts", "--dry-run", "--diff");
  assert.equal(dry.code, 0, dry.err);
  assert.match(dry.out, /~ tone {2}v2 \(was v1, \+1 −1 lines\) {2}labels: staging v1 → v2/);
  assert.match(dry.out, /^-text: Be brief and kind\.$/m);
  assert.match(dry.out, /^dry run, nothing written: /m);
  assert.equal((await keel.admin("GET", "/api/v1/prompts/tone/versions")).json.data.length, 1);

  const again = await cli("prompts", "push", "prompts");
  assert.match(again.out, /= support\/answer {2}unchanged \(v1\)/);
  assert.match(again.out, /~ tone {2}v2/);
  // The actor is the OS user running the CLI.
  const e = (await keel.admin("GET", "/api/v1/audit?action=prompt.version.created&target=tone")).json.data[0];
  assert.match(e.actor, /^cli(:|$)/);
});

test("pull writes files that push back unchanged; errors name the file", async () => {
  const pulled = await cli("prompts", "pull", "pulled", "--label", "staging");
  assert.equal(pulled.code, 0, pulled.err);
  assert.match(readFileSync(join(dir, "pulled/support/answer.yaml"), "utf8"), /You help \{\{customer\}\}\. \{\{> tone@staging\}\}/);
  assert.equal(readFileSync(join(dir, "pulled/tone.md"), "utf8"), "Be brief, kind and exact.\n");
  const back = await cli("prompts", "push", "pulled");
  assert.match(back.out, /0 new, 0 changed, 2 unchanged; 0 label moves/);

  writeFileSync(join(dir, "pulled/broken.yaml"), "type: chat\nmessages:\n  - role: robot\n    content: x\n");
  const bad = await cli("prompts", "push", "pulled");
  assert.equal(bad.code, 1);
  assert.match(bad.err, /broken\.yaml: messages\[0\]\.role/);
});

test("list, diff by label, label, rollback, and the audit trail verified", async () => {
  const list = await cli("prompts", "list");
  assert.match(list.out, /^tone +text +2 +staging=2/m);
  const diff = await cli("prompts", "diff", "tone", "1", "staging");
  assert.match(diff.out, /^\+text: Be brief, kind and exact\.$/m);
  const label = await cli("prompts", "label", "tone", "production", "1", "--reason", "launch");
  assert.equal(label.code, 0, label.err);
  await cli("prompts", "label", "tone", "production", "2");
  const rb = await cli("prompts", "rollback", "tone", "--reason", "too terse");
  assert.match(rb.out, /tone@production: v2 → v1, serving from the next request/);
  const verify = await cli("audit", "verify");
  assert.match(verify.out, /^ok: \d+ entries, chain intact; head #\d+ [0-9a-f]{64}$/m);
  const exported = await cli("audit", "export", "--out", "audit.jsonl");
  assert.equal(exported.code, 0, exported.err);
  const offline = await cli("audit", "verify", "--file", "audit.jsonl");
  assert.match(offline.out, /^ok: /);
  const lines = readFileSync(join(dir, "audit.jsonl"), "utf8").trim().split("\n");
  lines.splice(2, 1);
  writeFileSync(join(dir, "audit.jsonl"), `${lines.join("\n")}\n`);
  const tampered = await cli("audit", "verify", "--file", "audit.jsonl");
  assert.equal(tampered.code, 1);
  assert.match(tampered.out, /TAMPERED: 1 problem.*\n {2}#3 deleted: row 3 is missing/);
  const listed = await cli("audit", "list", "--action", "prompt.rollback");
  assert.match(listed.out, /prompt\.rollback +tone@production/);
});
