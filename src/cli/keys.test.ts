/** `keel keys create --role viewer` and the ROLE column of `keel keys list`. */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startTestKeel, type TestKeel } from "../testing/keel-fixture.js";
import { runCli } from "../testing/cli-process.js";

let keel: TestKeel;
before(async () => (keel = await startTestKeel()));
after(async () => keel.close());

test("keys create --role viewer makes a viewer key; list shows each key's role; a bad role is refused", async () => {
  const conn = ["--url", keel.url, "--admin-token", keel.adminToken];
  const made = await runCli(["keys", "create", "--name", "wall", "--role", "viewer", ...conn]);
  assert.equal(made.code, 0, made.err);
  assert.match(made.out, /with the viewer role/);
  const key = made.out.trim().split("\n").at(-1)!;
  const me = await fetch(`${keel.url}/api/v1/me`, { headers: { authorization: `Bearer ${key}` } });
  assert.equal(((await me.json()) as { role: string }).role, "viewer");
  const list = await runCli(["keys", "list", ...conn]);
  assert.equal(list.code, 0, list.err);
  assert.match(list.out, /ID\s+NAME\s+KEY\s+ROLE\s+STATUS/);
  assert.match(list.out, /default\s+sk-keel-\S+\s+gateway\s+active/);
  assert.match(list.out, /wall\s+sk-keel-\S+\s+viewer\s+active\s+none/);
  const bad = await runCli(["keys", "create", "--name", "x", "--role", "admin", ...conn]);
  assert.notEqual(bad.code, 0);
  assert.match(bad.err, /--role/);
});
