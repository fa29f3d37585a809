import { test } from "node:test";
import assert from "node:assert/strict";
import { KeelError } from "../../errors/errors.js";
import type { Embedder } from "./embedder.js";
import { dot } from "./vector.js";

/**
 * The `Embedder` contract (see embedder.ts), run by the test file of every implementation.
 * `semantic` is off for toy embedders that carry no meaning.
 */
export function embedderContract(name: string, embedder: Embedder, opts: { semantic: boolean }): void {
  test(`${name}: one unit-length vector of \`dimensions\` per text, in order`, async () => {
    const texts = ["first text", "second, rather different text", "third"];
    const vs = await embedder.embed(texts);
    assert.equal(vs.length, texts.length);
    for (const v of vs) {
      assert.ok(v instanceof Float32Array);
      assert.equal(v.length, embedder.dimensions);
      assert.ok(Math.abs(Math.sqrt(dot(v, v)) - 1) < 1e-5, `norm ${Math.sqrt(dot(v, v))}`);
    }
    const [alone] = await embedder.embed([texts[2]]);
    assert.deepEqual(alone, vs[2], "the same text gives the same vector alone or in a batch");
  });

  test(`${name}: concurrent callers each get their own results`, async () => {
    const texts = Array.from({ length: 20 }, (_, i) => `sentence number ${i} about topic ${i * 7}`);
    const together = await Promise.all(texts.map((t) => embedder.embed([t])));
    const batched = await embedder.embed(texts);
    together.forEach(([v], i) => assert.deepEqual(v, batched[i]));
  });

  test(`${name}: empty list, empty text, over-long text`, async () => {
    assert.deepEqual(await embedder.embed([]), []);
    const invalid = (err: unknown): boolean => err instanceof KeelError && err.code === "invalid_request";
    await assert.rejects(embedder.embed(["ok", ""]), invalid);
    await assert.rejects(embedder.embed(["x".repeat(embedder.maxInputChars + 1)]), invalid);
    assert.equal((await embedder.embed(["x".repeat(embedder.maxInputChars)])).length, 1);
  });

  test(`${name}: an aborted signal rejects with its reason`, async () => {
    const ac = new AbortController();
    ac.abort(new Error("client went away"));
    await assert.rejects(embedder.embed(["text"], ac.signal), /client went away/);
  });

  if (opts.semantic) {
    test(`${name}: similar sentences are closer than unrelated ones`, async () => {
      const [cat, kitten, tax] = await embedder.embed(["a cat sat on the mat", "a kitten sat on a rug", "quarterly tax filing deadline"]);
      assert.ok(dot(cat, kitten) > dot(cat, tax) + 0.1, `cat~kitten ${dot(cat, kitten)} vs cat~tax ${dot(cat, tax)}`);
    });
  }
}
