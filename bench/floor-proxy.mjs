/**
 * The floor for any Node.js gateway on this machine: a bare proxy with nothing Keel does — no
 * auth, validation, guard, routing, limits or traces. It reads the body, parses it, swaps the
 * model, forwards it with undici (as Keel does) and relays the answer (streamed as it arrives).
 * bench/ab.ts runs it beside Keel when BENCH_FLOOR=1, so "Keel minus the floor" is what Keel's own
 * code costs and "the floor minus direct" is what one more Node.js process on loopback costs.
 *
 *   node bench/floor-proxy.mjs <port> <upstream origin>
 */
import { createServer } from "node:http";
import { Pool } from "undici";

const [port, upstream] = process.argv.slice(2);
if (!port || !upstream) {
  process.stderr.write("usage: node bench/floor-proxy.mjs <port> <upstream origin>\n");
  process.exit(2);
}
const pool = new Pool(upstream, { connections: 128 });

createServer((req, res) => {
  if (req.method !== "POST") {
    res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    return;
  }
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    void (async () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      body.model = "sim";
      const up = await pool.request({
        method: "POST", path: req.url,
        headers: { "content-type": "application/json", authorization: "Bearer sk-sim-not-checked" },
        body: JSON.stringify(body),
      });
      if (body.stream === true) {
        res.writeHead(up.statusCode, { "content-type": "text/event-stream", "cache-control": "no-cache" });
        for await (const c of up.body) res.write(c);
        res.end();
      } else {
        const text = await up.body.text();
        res.writeHead(up.statusCode, { "content-type": "application/json", "content-length": Buffer.byteLength(text) }).end(text);
      }
    })().catch((err) => {
      if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
      res.end(String(err));
    });
  });
}).listen(Number(port), "127.0.0.1");
