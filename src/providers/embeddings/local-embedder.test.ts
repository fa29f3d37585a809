import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { KeelError } from "../../errors/errors.js";
import { embedderContract } from "./embedder.contract.js";
import {
  LOCAL_EMBEDDING_DIMENSIONS,
  type SentenceEncoder,
  createLocalEmbedder,
  getDefaultEmbedder,
  loadUniversalSentenceEncoder,
} from "./local-embedder.js";

// One real model for the whole file: each load costs ~100 MB.
let loads = 0;
const embedder = createLocalEmbedder({
  load: () => {
    loads++;
    return loadUniversalSentenceEncoder();
  },
});

test("the model is not loaded before first use, and concurrent first calls load it once", async () => {
  assert.equal(embedder.loaded, false);
  assert.equal(loads, 0);
  const [a, b] = await Promise.all([embedder.embed(["hello"]), embedder.embed(["world", "again"]), embedder.warm(), embedder.embed(["x"])]);
  assert.equal(loads, 1);
  assert.equal(embedder.loaded, true);
  assert.equal(a[0].length, LOCAL_EMBEDDING_DIMENSIONS);
  assert.equal(b.length, 2);
});

embedderContract("universal-sentence-encoder-lite", embedder, { semantic: true });

test("importing the embeddings modules loads no model package until the first embed", async () => {
  // A fresh process, so nothing else in this file has touched the packages yet.
  const url = (f: string): string => JSON.stringify(new URL(f, import.meta.url).href);
  const script = `
    import { createRequire } from "node:module";
    const { getDefaultEmbedder } = await import(${url("./local-embedder.ts")});
    const { createLocalEmbeddingsProvider } = await import(${url("./provider.ts")});
    const heavy = () => Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes("@energetic-ai")).length;
    createLocalEmbeddingsProvider({ name: "local", kind: "local-embeddings", max_inputs: 8 });
    const before = { heavy: heavy(), loaded: getDefaultEmbedder().loaded };
    await getDefaultEmbedder().embed(["hello"]);
    process.stdout.write(JSON.stringify({ before, after: { heavy: heavy(), loaded: getDefaultEmbedder().loaded } }));`;
  const out = await new Promise<string>((resolve, reject) =>
    execFile(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], (err, stdout, stderr) =>
      err ? reject(new Error(stderr || String(err))) : resolve(stdout),
    ),
  );
  const { before, after } = JSON.parse(out) as { before: { heavy: number; loaded: boolean }; after: { heavy: number; loaded: boolean } };
  assert.deepEqual(before, { heavy: 0, loaded: false });
  assert.ok(after.heavy > 0);
  assert.equal(after.loaded, true);
});

test("getDefaultEmbedder is one shared instance and creating it loads nothing", () => {
  assert.equal(getDefaultEmbedder(), getDefaultEmbedder());
  assert.equal(getDefaultEmbedder().loaded, false);
});

/** A stand-in encoder: vectors from character codes, so tests need no model. */
function fakeEncoder(overrides: Partial<SentenceEncoder> = {}): SentenceEncoder {
  return {
    embed: async (texts) => texts.map((t) => Array.from({ length: LOCAL_EMBEDDING_DIMENSIONS }, (_, i) => t.charCodeAt(i % t.length) + i)),
    ...overrides,
  };
}

test("a failed load is reported as upstream_unavailable and retried on the next call", async () => {
  let attempts = 0;
  const e = createLocalEmbedder({
    load: async () => {
      if (++attempts === 1) throw new Error("ENOENT model.json");
      return fakeEncoder();
    },
  });
  await assert.rejects(e.embed(["a"]), (err: unknown) => err instanceof KeelError && err.code === "upstream_unavailable" && /ENOENT model\.json/.test(err.message));
  assert.equal(e.loaded, false);
  assert.equal((await e.embed(["a"])).length, 1);
  assert.equal(attempts, 2);
});

test("an inference failure or a wrong-width vector is upstream_error", async () => {
  const failing = createLocalEmbedder({ load: async () => fakeEncoder({ embed: async () => Promise.reject(new Error("wasm trap")) }) });
  await assert.rejects(failing.embed(["a"]), (err: unknown) => err instanceof KeelError && err.code === "upstream_error" && /wasm trap/.test(err.message));
  const narrow = createLocalEmbedder({ load: async () => fakeEncoder({ embed: async (t) => t.map(() => [1, 2, 3]) }) });
  await assert.rejects(narrow.embed(["a"]), /returned 3 dimensions/);
});

test("texts reach the model NFKC-normalised and in bounded batches", async () => {
  const seen: string[][] = [];
  const e = createLocalEmbedder({
    load: async () => fakeEncoder({ embed: async (t) => (seen.push(t), fakeEncoder().embed(t)) }),
    maxBatchItems: 2,
  });
  await e.embed(["ﬁne", "b", "c"]);
  assert.deepEqual(seen, [["fine", "b"], ["c"]]);
});

test("close() frees the model; the next call loads it again", async () => {
  let disposed = 0;
  let loaded = 0;
  const e = createLocalEmbedder({ load: async () => (loaded++, fakeEncoder({ dispose: () => void disposed++ })) });
  await e.embed(["a"]);
  await e.close();
  assert.equal(e.loaded, false);
  assert.equal(disposed, 1);
  await e.embed(["a"]);
  assert.equal(loaded, 2);
});
