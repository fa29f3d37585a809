const { getDefaultEmbedder } = await import("./local-embedder.js");
const e = getDefaultEmbedder();
const sixteen = Array.from({ length: 16 }, (_, i) => `Sentence number ${i} is about a rather different subject, such as topic ${i * 7}.`);
const out: string[] = [];
for (let round = 0; round <= 2000; round++) {
  await e.embed(round % 2 ? sixteen : sixteen.map((s) => s + " " + round));
  if (round % 250 === 0) { const m = process.memoryUsage(); out.push(`${round}: rss ${(m.rss / 1048576).toFixed(0)} heap ${(m.heapUsed / 1048576).toFixed(0)} ext ${(m.external / 1048576).toFixed(0)} ab ${(m.arrayBuffers/1048576).toFixed(0)}`); }
}
console.log(out.join("\n"));
