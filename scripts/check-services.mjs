// Checks that the PostgreSQL and Redis servers named by KEEL_TEST_POSTGRES_URL and KEEL_TEST_REDIS_URL
// answer their protocols (not just accept TCP). Exits non-zero with the reason otherwise.
import net from "node:net";

function talk(host, port, payload, isDone, timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host, port });
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => { sock.destroy(); reject(new Error("timed out")); }, timeoutMs);
    sock.on("connect", () => sock.write(payload));
    sock.on("data", (d) => {
      buf = Buffer.concat([buf, d]);
      const r = isDone(buf);
      if (r !== undefined) { clearTimeout(timer); sock.destroy(); r instanceof Error ? reject(r) : resolve(r); }
    });
    sock.on("error", (e) => { clearTimeout(timer); reject(e); });
  });
}

async function redis(url) {
  const u = new URL(url);
  const reply = await talk(u.hostname, Number(u.port || 6379), "PING\r\n", (b) => (b.includes("\r\n") ? b.toString() : undefined));
  if (!reply.startsWith("+PONG")) throw new Error(`unexpected reply ${JSON.stringify(reply.slice(0, 80))}`);
}

async function postgres(url) {
  const u = new URL(url);
  const params = ["user", decodeURIComponent(u.username || "postgres"), "database", decodeURIComponent(u.pathname.slice(1) || "postgres")];
  const body = Buffer.concat([Buffer.from([0, 3, 0, 0]), ...params.map((p) => Buffer.from(`${p}\0`)), Buffer.from([0])]);
  const len = Buffer.alloc(4);
  len.writeInt32BE(body.length + 4);
  // Read messages until ReadyForQuery ('Z'): an ErrorResponse ('E', e.g. unknown database) fails.
  await talk(u.hostname, Number(u.port || 5432), Buffer.concat([len, body]), (b) => {
    for (let off = 0; off + 5 <= b.length; ) {
      const type = b[off];
      const size = b.readInt32BE(off + 1);
      if (off + 1 + size > b.length) return undefined;
      if (type === 0x45) return new Error(b.subarray(off + 5, off + 1 + size).toString().replace(/\0/g, " ").trim());
      if (type === 0x52 && b.readInt32BE(off + 5) !== 0) return new Error("server asks for a password; tests expect trust auth");
      if (type === 0x5a) return true;
      off += 1 + size;
    }
    return undefined;
  });
}

const checks = [
  ["PostgreSQL", process.env.KEEL_TEST_POSTGRES_URL, postgres],
  ["Redis", process.env.KEEL_TEST_REDIS_URL, redis],
];
let failed = false;
for (const [name, url, check] of checks) {
  if (!url) { console.error(`ci: ${name}: URL env variable not set`); failed = true; continue; }
  try {
    await check(url);
    console.log(`ci: ${name} answers at ${new URL(url).host}`);
  } catch (e) {
    console.error(`ci: ${name} at ${new URL(url).host} does not answer: ${e.message}`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
