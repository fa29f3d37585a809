/**
 * The embedding extension point. The semantic cache, retrieval and evals depend on this interface,
 * never on a model package, so a remote or worker-thread implementation can replace the local one.
 *
 * Representation: `Float32Array` per text. Models compute in float32, so nothing is lost; it is a
 * quarter the size of a boxed `number[]`, it is what a store writes as a BLOB, and it is the exact
 * source of OpenAI's base64 wire format (little-endian float32).
 *
 * Invariants every implementation keeps (the contract tests check them):
 *  - one vector per input text, in input order, each of length `dimensions`;
 *  - every vector has unit L2 norm (to float32 rounding), so cosine similarity is a dot product;
 *  - the same text always yields the same vector, alone or batched with others.
 */
export interface Embedder {
  /** Model identifier, e.g. "universal-sentence-encoder-lite". */
  readonly model: string;
  readonly dimensions: number;
  /**
   * Longest text accepted, in UTF-16 code units after NFKC normalisation. Callers embedding
   * arbitrary text (a long prompt in the semantic cache) truncate to this first.
   */
  readonly maxInputChars: number;
  /**
   * Rejects with KeelError `invalid_request` for an empty or over-long text. The signal drops the
   * call while it is still queued; a batch already running on the model completes regardless.
   */
  embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]>;
}
