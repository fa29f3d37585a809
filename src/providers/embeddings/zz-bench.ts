const mb = (b: number) => (b / 1048576).toFixed(0) + " MiB";
const rss0 = process.memoryUsage().rss;
const { getDefaultEmbedder } = await import("./local-embedder.js");
const { createLocalEmbeddingsProvider } = await import("./provider.js");
createLocalEmbeddingsProvider({ name: "local", kind: "local-embeddings", max_inputs: 256 });
const e = getDefaultEmbedder();
const rss1 = process.memoryUsage().rss;
let t = performance.now();
await e.embed(["first call loads the model"]);
const firstMs = performance.now() - t;
const rss2 = process.memoryUsage().rss;
const one = ["The quick brown fox jumps over the lazy dog."];
const sixteen = Array.from({ length: 16 }, (_, i) => `Sentence number ${i} is about a rather different subject, such as topic ${i * 7}.`);
const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = async (texts: string[], n: number) => { const xs: number[] = []; for (let i = 0; i < n; i++) { const s = performance.now(); await e.embed(texts); xs.push(performance.now() - s); } return xs; };
await time(one, 5); await time(sixteen, 3);
const l1 = await time(one, 30), l16 = await time(sixteen, 15);
let maxLag = 0, last = performance.now();
const iv = setInterval(() => { const now = performance.now(); maxLag = Math.max(maxLag, now - last - 1); last = now; }, 1);
await new Promise((r) => setTimeout(r, 10)); maxLag = 0; last = performance.now();
await e.embed(sixteen); await new Promise((r) => setTimeout(r, 5));
clearInterval(iv);
// concurrent single callers are coalesced
t = performance.now(); await Promise.all(sixteen.map((s) => e.embed([s]))); const conc = performance.now() - t;
const rss3 = process.memoryUsage().rss;
for (let i = 0; i < 300; i++) await e.embed(sixteen);
const rss4 = process.memoryUsage().rss;
console.log(JSON.stringify({
  rss_before_import: mb(rss0), rss_after_import_and_create: mb(rss1), first_call_incl_load_ms: firstMs.toFixed(0), rss_after_load: mb(rss2), added_by_load: mb(rss2 - rss1),
  embed_1_median_ms: median(l1).toFixed(1), embed_1_p90_ms: l1.sort((a,b)=>a-b)[Math.floor(l1.length*0.9)].toFixed(1),
  embed_16_median_ms: median(l16).toFixed(1), embed_16_p90_ms: l16.sort((a,b)=>a-b)[Math.floor(l16.length*0.9)].toFixed(1),
  event_loop_max_stall_16_ms: maxLag.toFixed(0), sixteen_concurrent_single_callers_ms: conc.toFixed(0),
  rss_after_warm: mb(rss3), rss_after_300x16_more: mb(rss4),
}, null, 1));
const [cat, kitten, tax] = await e.embed(["a cat sat on the mat", "a kitten sat on a rug", "quarterly tax filing deadline"]);
const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i], 0);
console.log("cos(cat,kitten)", dot(cat, kitten).toFixed(3), "cos(cat,tax)", dot(cat, tax).toFixed(3));
