// Checks that the Redis and PostgreSQL servers named by KEEL_TEST_REDIS_URL and KEEL_TEST_POSTGRES_URL answer their protocols (not just accept TCP). Exits non-zero with the reason otherwise.
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

// PostgreSQL: a startup packet answered by an authentication request ('R') or an error ('E') means the
// server speaks its protocol; trust auth answers R with code 0 (AuthenticationOk).
async function postgres(url) {
  const u = new URL(url);
  const params = Buffer.from(`user\0${decodeURIComponent(u.username || "postgres")}\0database\0${u.pathname.slice(1) || "postgres"}\0\0`);
  const head = Buffer.alloc(8);
  head.writeInt32BE(8 + params.length, 0);
  head.writeInt32BE(196608, 4);
  const reply = await talk(u.hostname, Number(u.port || 5432), Buffer.concat([head, params]), (b) => (b.length >= 1 ? String.fromCharCode(b[0]) : undefined));
  if (reply === "E") throw new Error("the server refused the connection (check user and database in the URL)");
  if (reply !== "R") throw new Error(`unexpected reply ${JSON.stringify(reply)}`);
}

const checks = [
  ["Redis", process.env.KEEL_TEST_REDIS_URL, redis],
  ["PostgreSQL", process.env.KEEL_TEST_POSTGRES_URL, postgres],
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
