// Checks that the Redis server named by KEEL_TEST_REDIS_URL answers its protocol (not just accepts TCP). Exits non-zero with the reason otherwise.
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

const checks = [
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
