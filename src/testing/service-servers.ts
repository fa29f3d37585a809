import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Servers of a test's own, so the test may kill and restart them without touching the shared
 * PostgreSQL and Redis that every other test uses: a redis-server process, and a PostgreSQL
 * cluster in a temporary directory (initdb + pg_ctl from Debian's postgresql package).
 */

/** A TCP port nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** These tests need the redis-server binary; without it they fail, saying so. */
export function requireRedisServer(): void {
  if (spawnSync("redis-server", ["--version"]).status !== 0) {
    throw new Error("this test needs the redis-server binary on PATH (Debian package redis-server)");
  }
}

/** Starts a redis-server that keeps nothing on disk; resolves once it accepts connections. */
export async function startRedisServer(port: number): Promise<ChildProcess> {
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: ["ignore", "pipe", "ignore"] });
  await new Promise<void>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d) => {
      out += d;
      if (out.includes("Ready to accept connections")) resolve();
    });
    child.on("exit", () => reject(new Error(`redis-server exited: ${out.slice(-500)}`)));
  });
  return child;
}

/** SIGKILLs a child and waits for it to be gone. */
export async function killProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGKILL");
  await exited;
}

/** The directory holding initdb and pg_ctl: `pg_config --bindir`, else the newest /usr/lib/postgresql/N/bin. */
function postgresBinDir(): string {
  const fromConfig = spawnSync("pg_config", ["--bindir"], { encoding: "utf8" });
  const dir = fromConfig.status === 0 ? fromConfig.stdout.trim() : "";
  if (dir && existsSync(join(dir, "initdb"))) return dir;
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, "bin", "initdb"))).sort((a, b) => Number(b) - Number(a)) : [];
  if (versions.length === 0) throw new Error("this test needs PostgreSQL's server binaries (initdb, pg_ctl; Debian package postgresql)");
  return join(root, versions[0], "bin");
}

/**
 * A PostgreSQL cluster of the test's own on `port`, trust auth, no fsync. PostgreSQL refuses to
 * run as root, so as root (CI) its commands run as the `postgres` system user.
 */
export class PrivatePostgres {
  readonly dir: string;
  private readonly bin = postgresBinDir();
  private readonly asRoot = process.getuid?.() === 0;

  constructor(readonly port: number) {
    this.dir = mkdtempSync(join(tmpdir(), "keel-pg-"));
    if (this.asRoot) {
      const id = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
      const gid = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" });
      if (id.status !== 0) throw new Error("running as root, this test needs the postgres system user to run PostgreSQL");
      chownSync(this.dir, Number(id.stdout.trim()), Number(gid.stdout.trim()));
    }
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  private run(cmd: string, args: string[]): void {
    const [file, argv] = this.asRoot ? ["runuser", ["-u", "postgres", "--", join(this.bin, cmd), ...args]] : [join(this.bin, cmd), args];
    const r = spawnSync(file, argv, { encoding: "utf8", timeout: 60_000 });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr || r.stdout || r.error}`);
  }

  init(): this {
    this.run("initdb", ["-D", join(this.dir, "data"), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]);
    return this;
  }

  start(): void {
    const opts = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`;
    this.run("pg_ctl", ["-D", join(this.dir, "data"), "-o", opts, "-l", join(this.dir, "log"), "-w", "start"]);
  }

  /** `immediate`: like a crash (no checkpoint, connections cut); `fast`: a clean shutdown. */
  stop(mode: "immediate" | "fast" = "immediate"): void {
    this.run("pg_ctl", ["-D", join(this.dir, "data"), "-m", mode, "-w", "stop"]);
  }

  destroy(): void {
    try { this.stop("immediate"); } catch { /* already stopped */ }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
