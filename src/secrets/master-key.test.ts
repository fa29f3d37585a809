import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MASTER_KEY_FILE, loadMasterKey, parseKey } from "./master-key.js";

const posix = process.platform !== "win32";

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), "keel-mk-"));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("env value: 64 hex characters, base64 or base64url of 32 bytes, whitespace trimmed", () => {
  const raw = randomBytes(32);
  withDir((dir) => {
    for (const v of [raw.toString("hex"), raw.toString("hex").toUpperCase(), raw.toString("base64"), raw.toString("base64url"), ` ${raw.toString("hex")}\n`]) {
      assert.deepEqual(loadMasterKey({ envValue: v, dataDir: dir }), raw, v);
    }
    assert.deepEqual(readdirSync(dir), [], "an env key writes no file");
  });
});

test("env value in any other format is rejected without echoing it", () => {
  withDir((dir) => {
    const bad = ["tooshort", randomBytes(16).toString("hex"), randomBytes(31).toString("base64"), randomBytes(33).toString("base64"), "", "   ", `${"g".repeat(64)}`];
    for (const v of bad) {
      assert.throws(
        () => loadMasterKey({ envValue: v, dataDir: dir }),
        (err: Error) => {
          assert.match(err.message, /KEEL_MASTER_KEY must be 64 hex characters or base64 of 32 random bytes/);
          if (v.trim()) assert.ok(!err.message.includes(v.trim()), "value echoed");
          return true;
        },
      );
    }
  });
});

test("generates a key file with mode 0600 in a new 0700 directory, then reuses it", () => {
  withDir((root) => {
    const dir = join(root, "nested", "data");
    const k1 = loadMasterKey({ dataDir: dir });
    assert.equal(k1.length, 32);
    const file = join(dir, MASTER_KEY_FILE);
    if (posix) {
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.equal(statSync(dir).mode & 0o077, 0, "data dir is private");
    }
    assert.deepEqual(parseKey(readFileSync(file, "utf8")), k1);
    assert.deepEqual(loadMasterKey({ dataDir: dir }), k1, "second start reads the same key");
    assert.deepEqual(readdirSync(dir), [MASTER_KEY_FILE], "no temp files left behind");
  });
});

test("the env value wins over an existing key file", () => {
  withDir((dir) => {
    loadMasterKey({ dataDir: dir });
    const env = randomBytes(32);
    assert.deepEqual(loadMasterKey({ envValue: env.toString("hex"), dataDir: dir }), env);
  });
});

test("refuses a key file readable by group or other, saying how to fix it", { skip: !posix }, () => {
  withDir((dir) => {
    const file = join(dir, MASTER_KEY_FILE);
    writeFileSync(file, randomBytes(32).toString("hex"));
    for (const mode of [0o644, 0o640, 0o604, 0o660]) {
      chmodSync(file, mode);
      assert.throws(() => loadMasterKey({ dataDir: dir }), (err: Error) => {
        assert.match(err.message, /readable or writable by group\/other/);
        assert.match(err.message, /chmod 600/);
        assert.ok(err.message.includes(file));
        return true;
      });
    }
    chmodSync(file, 0o400);
    assert.equal(loadMasterKey({ dataDir: dir }).length, 32, "0400 is fine");
  });
});

test("a key file with garbage in it is an error, not a silent regeneration", () => {
  withDir((dir) => {
    const file = join(dir, MASTER_KEY_FILE);
    writeFileSync(file, "not a key\n", { mode: 0o600 });
    assert.throws(() => loadMasterKey({ dataDir: dir }), /does not contain a valid master key/);
    assert.equal(readFileSync(file, "utf8"), "not a key\n");
  });
});

test("a directory where the key file should be is an error", () => {
  withDir((dir) => {
    mkdirSync(join(dir, MASTER_KEY_FILE));
    assert.throws(() => loadMasterKey({ dataDir: dir }), /not a regular file/);
  });
});

test("processes starting together on an empty data dir agree on one key", async () => {
  const dir = mkdtempSync(join(tmpdir(), "keel-mk-"));
  try {
    const moduleUrl = new URL("./master-key.ts", import.meta.url).href;
    const script = `import { loadMasterKey } from ${JSON.stringify(moduleUrl)};
      process.stdout.write(loadMasterKey({ dataDir: ${JSON.stringify(join(dir, "data"))} }).toString("hex"));`;
    const run = (): Promise<string> =>
      new Promise((resolve, reject) => {
        execFile(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], (err, stdout, stderr) =>
          err ? reject(new Error(stderr || String(err))) : resolve(stdout),
        );
      });
    const keys = await Promise.all(Array.from({ length: 6 }, run));
    assert.equal(new Set(keys).size, 1, keys.join("\n"));
    assert.equal(readFileSync(join(dir, "data", MASTER_KEY_FILE), "utf8").trim(), keys[0]);
    assert.deepEqual(readdirSync(join(dir, "data")), [MASTER_KEY_FILE]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
