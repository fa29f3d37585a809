import { randomBytes } from "node:crypto";
import { closeSync, constants as fsConstants, copyFileSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";

/**
 * The 32-byte master key that encrypts stored credentials (see cipher.ts).
 *
 * Precedence: the environment value, else `<dataDir>/master.key`, else a new random key written
 * there. Losing the key loses every stored credential, so the file is written atomically and
 * fsynced, and a key file other users can read is refused rather than silently used.
 */

export const MASTER_KEY_FILE = "master.key";
const KEY_BYTES = 32;
const HEX_RE = /^[0-9a-fA-F]{64}$/;
const B64_RE = /^[A-Za-z0-9+/_-]{43}={0,1}$/;
const FORMAT_HINT = "64 hex characters or base64 of 32 random bytes (e.g. `openssl rand -hex 32`)";

export interface MasterKeyOptions {
  /** The key from the environment, when set. */
  envValue?: string;
  dataDir: string;
  /** Named in error messages. */
  envName?: string;
}

export function loadMasterKey(opts: MasterKeyOptions): Buffer {
  const envName = opts.envName ?? "KEEL_MASTER_KEY";
  if (opts.envValue !== undefined) {
    const key = parseKey(opts.envValue);
    // Never echo the value: a near-miss is still most of a secret.
    if (!key) throw new Error(`${envName} must be ${FORMAT_HINT}; got ${describe(opts.envValue)}`);
    return key;
  }
  const path = join(opts.dataDir, MASTER_KEY_FILE);
  return readKeyFile(path) ?? createKeyFile(opts.dataDir, path);
}

/** 64 hex chars, or base64/base64url of exactly 32 bytes (padding optional); surrounding whitespace ignored. */
export function parseKey(text: string): Buffer | undefined {
  const s = text.trim();
  if (HEX_RE.test(s)) return Buffer.from(s, "hex");
  if (B64_RE.test(s)) {
    const buf = Buffer.from(s.replace(/-/g, "+").replace(/_/g, "/"), "base64");
    if (buf.length === KEY_BYTES) return buf;
  }
  return undefined;
}

function readKeyFile(path: string): Buffer | undefined {
  let st;
  try {
    st = statSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  if (!st.isFile()) throw new Error(`${path} exists but is not a regular file`);
  // POSIX permission bits only; Windows reports synthetic modes and relies on ACLs instead.
  if (process.platform !== "win32" && (st.mode & 0o077) !== 0) {
    throw new Error(
      `${path} is readable or writable by group/other (mode ${(st.mode & 0o777).toString(8).padStart(4, "0")}); ` +
        `run \`chmod 600 ${path}\` and restart`,
    );
  }
  const key = parseKey(readFileSync(path, "utf8"));
  if (!key) throw new Error(`${path} does not contain a valid master key; expected ${FORMAT_HINT}`);
  return key;
}

/**
 * Writes a fresh key to a private temp file, fsyncs it, then hard-links it into place: `link`
 * fails if the name exists, so two processes starting on an empty data dir agree on one key and
 * neither can observe a half-written file.
 */
function createKeyFile(dataDir: string, path: string): Buffer {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(KEY_BYTES);
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  const fd = openSync(tmp, "wx", 0o600);
  try {
    writeSync(fd, `${key.toString("hex")}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    placeExclusive(tmp, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    // Another process won the race; use its key.
    const theirs = readKeyFile(path);
    if (!theirs) throw new Error(`${path} vanished while being created; restart to retry`);
    return theirs;
  } finally {
    unlinkSync(tmp);
  }
  syncDir(dataDir);
  return key;
}

/** Fails with EEXIST if `to` exists. Falls back to an exclusive copy where hard links are unsupported. */
function placeExclusive(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "ENOSYS") throw err;
    copyFileSync(from, to, fsConstants.COPYFILE_EXCL);
  }
}

/** Makes the new directory entry durable; unsupported on some platforms, where it is best effort. */
function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Directory fsync is not possible on Windows; the file itself is already fsynced.
  }
}

function describe(value: string): string {
  const s = value.trim();
  if (s.length === 0) return "an empty value";
  return `${s.length} characters`;
}
