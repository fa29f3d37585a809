/**
 * What the main thread's live heap pays for modules the chat path does not need (issue 13 §5):
 * in a bare Node process, import the chat path, then every module under the admin/evals/knowledge/
 * annotate/alerts/incidents folders, then app.js, with a full GC before each reading.
 *
 *   npx tsc -p tsconfig.build.json && node --expose-gc bench/module-heap.mjs
 *
 * A measurement, not a test: prints one line.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
const used = () => { gc(); gc(); return process.memoryUsage().heapUsed / 1048576; };
const root = new URL("../dist", import.meta.url).pathname;
const walk = (d) => readdirSync(d, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? walk(join(d, e.name)) : e.name.endsWith(".js") && !e.name.endsWith(".test.js") && !/worker|contract|testing/.test(e.name) ? [join(d, e.name)] : []);
const u0 = used();
for (const f of ["gateway/routes.js", "guard/request-guard.js", "providers/http-transport.js", "observe/workers/trace-workers.js", "config/schema.js", "storage/sqlite-stores.js"]) await import(join(root, f));
const u1 = used();
const side = ["admin", "evals", "knowledge", "annotate", "alerts", "incidents"].flatMap((d) => walk(join(root, d)));
let n = 0; for (const f of side) { try { await import(f); n++; } catch (e) { console.error("skip", f, e.message); } }
const u2 = used();
await import(join(root, "app.js"));
const u3 = used();
console.log(`empty ${u0.toFixed(1)} MB; + chat path ${u1.toFixed(1)}; + ${n} admin/evals/knowledge/annotate/alerts/incidents modules ${u2.toFixed(1)} (+${(u2 - u1).toFixed(1)}); + app.js ${u3.toFixed(1)}`);
