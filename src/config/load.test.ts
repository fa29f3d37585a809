import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, LOCAL_EMBEDDINGS_MODEL, loadConfig } from "./load.js";

function dirWith(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), "keel-cfg-"));
  writeFileSync(join(dir, "keel.yaml"), yaml);
  return dir;
}

test("defaults: port 4000 on 127.0.0.1, ./.keel, the simulator and the offline embedder", () => {
  const dir = mkdtempSync(join(tmpdir(), "keel-cfg-"));
  const c = loadConfig({ cwd: dir, env: {} });
  assert.equal(c.server.port, 4000);
  assert.equal(c.server.host, "127.0.0.1");
  assert.equal(c.dataDir, join(dir, ".keel"));
  assert.equal(c.server.max_body_bytes, 10 * 1024 * 1024);
  assert.equal(c.traces.capture, "redacted");
  assert.ok(c.models.some((m) => m.name === "sim" && m.provider === "sim"));
  assert.ok(c.models.some((m) => m.name === LOCAL_EMBEDDINGS_MODEL && m.type === "embeddings"));
  assert.ok(Object.isFrozen(c) && Object.isFrozen(c.server), "resolved config is frozen");
});

test("env overrides the file; provider keys in the env add providers", () => {
  const dir = dirWith("server:\n  port: 5000\n");
  const c = loadConfig({ cwd: dir, env: { KEEL_PORT: "6000", KEEL_HOST: "0.0.0.0", KEEL_DATA_DIR: "/tmp/kd", OPENAI_API_KEY: "sk-test", ANTHROPIC_API_KEY: "sk-ant-test" } });
  assert.equal(c.server.port, 6000);
  assert.equal(c.server.host, "0.0.0.0");
  assert.equal(c.dataDir, "/tmp/kd");
  const openai = c.providers.find((p) => p.name === "openai");
  assert.equal(openai?.kind, "openai");
  assert.ok(c.models.some((m) => m.name === "openai/*"));
  assert.ok(c.models.some((m) => m.name === "anthropic/*"));
});

test("an invalid file names the file, the key path and why", () => {
  const dir = dirWith("server:\n  port: 99999\nproviders:\n  - name: x\n    kind: openai\n    base_url: not a url\n");
  assert.throws(() => loadConfig({ cwd: dir, env: {} }), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.match(e.message, /keel\.yaml: invalid configuration/);
    assert.match(e.message, /server\.port: .*65535/);
    assert.match(e.message, /providers\[0\]\.base_url/);
    return true;
  });
});

test("unknown keys, bad YAML, missing env refs and dangling references are refused precisely", () => {
  assert.throws(() => loadConfig({ cwd: dirWith("servr:\n  port: 1\n"), env: {} }), /Unrecognized key.*servr|servr/);
  assert.throws(() => loadConfig({ cwd: dirWith("server: [\n"), env: {} }), /keel\.yaml:\d+:\d+: invalid YAML/);
  assert.throws(
    () => loadConfig({ cwd: dirWith("providers:\n  - name: o\n    kind: openai\n    api_key: ${NOPE_KEY}\n"), env: {} }),
    /providers\[0\]\.api_key: environment variable NOPE_KEY is not set/,
  );
  assert.throws(() => loadConfig({ cwd: dirWith("models:\n  - name: m\n    provider: ghost\n"), env: {} }), /models\[0\]\.provider: unknown provider "ghost"/);
  assert.throws(() => loadConfig({ cwd: dirWith("models:\n  - name: sim\n    provider: sim\n  - name: x\n    provider: sim\n    aliases: [sim]\n"), env: {} }), /duplicate model name or alias "sim"/);
  assert.throws(() => loadConfig({ configPath: "missing.yaml", cwd: tmpdir(), env: {} }), /missing\.yaml: file not found/);
  assert.throws(() => loadConfig({ cwd: tmpdir(), env: { KEEL_PORT: "abc" }, inline: {} }), /KEEL_PORT/);
});

test("${VAR} references expand from the environment", () => {
  const dir = dirWith("providers:\n  - name: o\n    kind: openai\n    base_url: http://127.0.0.1:9/v1\n    api_key: ${MY_KEY}\nmodels:\n  - name: gpt\n    provider: o\n    model: gpt-4o-mini\n");
  const c = loadConfig({ cwd: dir, env: { MY_KEY: "sk-from-env" } });
  const p = c.providers.find((x) => x.name === "o");
  assert.equal(p && "api_key" in p ? p.api_key : undefined, "sk-from-env");
});
