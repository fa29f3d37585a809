/** A mistyped `keel` command line fails on stderr with a non-zero exit; help still works. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Command } from "commander";
import { runCli } from "../testing/cli-process.js";
import { normaliseArgs } from "./usage-errors.js";

function tree(): Command {
  const root = new Command("keel");
  const keys = root.command("keys");
  keys.command("list").option("--json");
  keys.command("create").option("--name <name>");
  root.command("start").option("-c, --config <file>");
  return root;
}

test("normaliseArgs leaves known command lines alone", () => {
  const root = tree();
  for (const args of [["keys", "list", "--json"], ["start", "-c", "help"], ["keys", "create", "--name", "help"], ["--version"], []]) {
    assert.deepEqual(normaliseArgs(root, args), args);
  }
});

test("normaliseArgs drops help words around an unknown command so it is reported, not helped", () => {
  const root = tree();
  assert.deepEqual(normaliseArgs(root, ["frobnicate", "--help"]), ["frobnicate"]);
  assert.deepEqual(normaliseArgs(root, ["help", "frobnicate"]), ["frobnicate"]);
  assert.deepEqual(normaliseArgs(root, ["keys", "-h", "frobnicate"]), ["keys", "frobnicate"]);
  assert.deepEqual(normaliseArgs(root, ["keys", "help", "frobnicate"]), ["keys", "frobnicate"]);
});

test("normaliseArgs turns `help <command path>` into `<command path> --help`", () => {
  const root = tree();
  assert.deepEqual(normaliseArgs(root, ["help"]), ["--help"]);
  assert.deepEqual(normaliseArgs(root, ["help", "keys", "list"]), ["keys", "list", "--help"]);
  assert.deepEqual(normaliseArgs(root, ["keys", "help"]), ["keys", "--help"]);
});

test("keel <unknown command> names it on stderr, points at --help and exits non-zero", async () => {
  const r = await runCli(["frobnicate"]);
  assert.notEqual(r.code, 0);
  assert.equal(r.out, "");
  assert.match(r.err, /^keel: unknown command 'frobnicate'\n/);
  assert.match(r.err, /see 'keel --help'/);
  assert.doesNotMatch(r.err, /Usage:/, "one line and a hint, not the whole help");
});

test("a near miss gets a did-you-mean; --help after an unknown command is still an error", async () => {
  const typo = await runCli(["kyes"]);
  assert.notEqual(typo.code, 0);
  assert.match(typo.err, /unknown command 'kyes'\n\(Did you mean keys\?\)/);
  const helped = await runCli(["frobnicate", "--help"]);
  assert.notEqual(helped.code, 0);
  assert.equal(helped.out, "");
  assert.match(helped.err, /^keel: unknown command 'frobnicate'/);
  const topic = await runCli(["help", "frobnicate"]);
  assert.notEqual(topic.code, 0);
  assert.match(topic.err, /^keel: unknown command 'frobnicate'/);
});

test("unknown subcommands and unknown options name the command they were given to", async () => {
  const sub = await runCli(["keys", "frobnicate"]);
  assert.notEqual(sub.code, 0);
  assert.match(sub.err, /^keel keys: unknown command 'frobnicate'\n/);
  assert.match(sub.err, /see 'keel keys --help'/);
  const opt = await runCli(["keys", "list", "--jsn"]);
  assert.notEqual(opt.code, 0);
  assert.match(opt.err, /^keel keys list: unknown option '--jsn'\n\(Did you mean --json\?\)/);
  const rootOpt = await runCli(["--frobnicate"]);
  assert.notEqual(rootOpt.code, 0);
  assert.match(rootOpt.err, /^keel: unknown option '--frobnicate'/);
});

test("help for a real command still prints it on stdout and exits 0", async () => {
  const r = await runCli(["help", "keys", "list"]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^Usage: keel keys list \[options\]/);
  const flag = await runCli(["keys", "--help"]);
  assert.equal(flag.code, 0, flag.err);
  assert.match(flag.out, /Usage: keel keys/);
});
