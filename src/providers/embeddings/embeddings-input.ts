import type { EmbeddingsRequest } from "../../api/chat-types.js";
import { KeelError } from "../../errors/errors.js";
import { countTextTokens } from "../../tokens/count.js";

/**
 * Validation of an OpenAI embeddings request body into texts for an `Embedder`, with errors that
 * name the offending field and item the way OpenAI's do.
 */

export interface EmbeddingsInputLimits {
  maxInputs: number;
  /** Per-text limit in UTF-16 code units after NFKC (see `Embedder.maxInputChars`). */
  maxInputChars: number;
  /** The model's native width; `dimensions` may shorten it, never widen it. */
  maxDimensions: number;
}

export interface ParsedEmbeddingsRequest {
  texts: string[];
  promptTokens: number;
  encoding: "float" | "base64";
  /** Undefined means the model's native width. */
  dimensions: number | undefined;
}

/** OpenAI's per-input limit for its embedding models. */
export const MAX_TOKENS_PER_INPUT = 8192;

const SHAPE_HINT = "input must be a string, an array of strings, an array of token ids, or an array of token-id arrays";

export async function parseEmbeddingsRequest(req: EmbeddingsRequest, limits: EmbeddingsInputLimits): Promise<ParsedEmbeddingsRequest> {
  const encoding = parseEncoding(req.encoding_format);
  const dimensions = parseDimensions(req.dimensions, limits.maxDimensions);
  const input: unknown = req.input;

  let texts: string[];
  let promptTokens = 0;
  let fromTokens = false;

  if (typeof input === "string") {
    texts = [input];
  } else if (!Array.isArray(input)) {
    throw invalid(input === undefined || input === null ? "input is required" : SHAPE_HINT);
  } else if (input.length === 0) {
    throw invalid("input must not be an empty array");
  } else if (typeof input[0] === "number") {
    // One token array: a single input, so max_inputs does not apply to its length.
    texts = [await decodeTokens(input, "input")];
    promptTokens = input.length;
    fromTokens = true;
  } else {
    if (input.length > limits.maxInputs) {
      throw invalid(`input has ${input.length} items; at most ${limits.maxInputs} are allowed per request`);
    }
    if (input.every((x) => typeof x === "string")) {
      texts = input as string[];
    } else if (input.every((x) => Array.isArray(x))) {
      texts = [];
      for (let i = 0; i < input.length; i++) {
        const tokens = input[i] as unknown[];
        texts.push(await decodeTokens(tokens, `input[${i}]`));
        promptTokens += tokens.length;
      }
      fromTokens = true;
    } else {
      throw invalid(`${SHAPE_HINT}; mixed item types are not allowed`);
    }
  }

  // A string or one token array is a single input; only arrays of inputs get an index in messages.
  const single = !Array.isArray(input) || typeof input[0] === "number";
  for (let i = 0; i < texts.length; i++) {
    const where = single ? "input" : `input[${i}]`;
    const text = texts[i];
    if (text.length === 0) throw invalid(`${where} must not be empty`);
    const normalizedLength = text.normalize("NFKC").length;
    if (normalizedLength > limits.maxInputChars) {
      throw invalid(
        `${where} ${fromTokens ? "decodes to" : "is"} ${normalizedLength} characters after Unicode normalisation; ` +
          `at most ${limits.maxInputChars} are allowed per input by this model`,
      );
    }
    if (!fromTokens) promptTokens += countTextTokens(text);
  }

  return { texts, promptTokens, encoding, dimensions };
}

function parseEncoding(v: unknown): "float" | "base64" {
  if (v === undefined || v === null || v === "float") return "float";
  if (v === "base64") return "base64";
  throw new KeelError("invalid_request", `encoding_format must be "float" or "base64"`, { param: "encoding_format" });
}

function parseDimensions(v: unknown, max: number): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > max) {
    throw new KeelError("invalid_request", `dimensions must be an integer between 1 and ${max}`, { param: "dimensions" });
  }
  return v;
}

/**
 * Token ids are cl100k_base, the tokenizer of OpenAI's embedding models — what clients such as
 * LangChain's OpenAIEmbeddings send after chunking with tiktoken. Decoding them with the gateway's
 * o200k counter would embed gibberish. The cl100k tables (~14 MB) load only when token input arrives.
 */
async function decodeTokens(tokens: unknown[], where: string): Promise<string> {
  if (tokens.length === 0) throw invalid(`${where} must not be an empty token array`);
  if (tokens.length > MAX_TOKENS_PER_INPUT) {
    throw invalid(`${where} has ${tokens.length} tokens; at most ${MAX_TOKENS_PER_INPUT} are allowed per input`);
  }
  for (let j = 0; j < tokens.length; j++) {
    const t = tokens[j];
    if (typeof t !== "number" || !Number.isInteger(t) || t < 0) {
      throw invalid(`${where}[${j}] must be a non-negative integer token id`);
    }
  }
  const { decode } = await import("gpt-tokenizer/encoding/cl100k_base");
  try {
    return decode(tokens as number[]);
  } catch {
    throw invalid(`${where} contains a token id that is not in the cl100k_base vocabulary`);
  }
}

function invalid(message: string): KeelError {
  return new KeelError("invalid_request", message, { param: "input" });
}
