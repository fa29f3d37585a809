import assert from "node:assert/strict";
import { test } from "node:test";
import { runCli } from "../testing/cli-process.js";
import { CalcInputError, modelShape, num } from "./calc-inputs.js";
import { decode } from "./decode.js";
import { GIB, kvBytesPerSequence, memory, type MemoryInput } from "./memory.js";
import { GPUS, MODELS } from "./presets.js";
import { breakEvenAlpha, expectedSpeedup, expectedTokens, specdec } from "./specdec.js";

const close = (a: number, b: number, eps = 1e-9): void => assert.ok(Math.abs(a - b) <= eps * Math.max(1, Math.abs(b)), `${a} ≠ ${b}`);

test("speculative decoding follows Leviathan et al. (2023): tokens per pass, speedup, k = 1 and the α > c corollary", () => {
  // Equation (1): E = (1 − α^(γ+1)) / (1 − α). α = 0.8, γ = 3: (1 − 0.4096) / 0.2.
  close(expectedTokens(0.8, 3), 2.952);
  // Theorem 3.8 with c = 0.1: 2.952 / 1.3.
  close(expectedSpeedup(0.8, 3, 0.1), 2.952 / 1.3);
  close(expectedTokens(0.7, 3), (1 - 0.7 ** 4) / 0.3);
  // At γ = 1 the improvement is (1 + α) / (1 + c) (the proof of Corollary 3.9).
  for (const [a, c] of [[0.5, 0.2], [0.9, 0.05], [0.3, 0.6]]) close(expectedSpeedup(a, 1, c), (1 + a) / (1 + c));
  // α → 1 accepts every draft: k + 1 tokens per pass.
  assert.equal(expectedTokens(1, 4), 5);
  const r = specdec(0.8, 3, 0.1);
  close(r.simpleBound, 3.4);
  // The best γ for α = 0.8, c = 0.1 by enumeration (speedups 1.636, 2.033, 2.271, 2.397, 2.458, 2.470, 2.456, …).
  assert.equal(r.bestK, 6);
  close(r.bestSpeedup, (1 - 0.8 ** 7) / (0.2 * 1.6));
  // Break-even for the given k: the speedup there is exactly 1, above it > 1.
  close(expectedSpeedup(r.breakEvenAlpha, 3, 0.1), 1, 1e-9);
  assert.ok(expectedSpeedup(r.breakEvenAlpha + 0.01, 3, 0.1) > 1 && expectedSpeedup(r.breakEvenAlpha - 0.01, 3, 0.1) < 1);
  // Over any k the line is α = c (Corollary 3.9).
  assert.equal(r.breakEvenAlphaAnyK, 0.1);
  // A draft as costly as the target never pays.
  assert.equal(breakEvenAlpha(3, 1), 1);
});

const base = (over: Partial<MemoryInput> = {}): MemoryInput => ({
  model: MODELS["llama-3.1-8b"], precision: "bf16", groupSize: 0, kvPrecision: "bf16", context: 8192, batch: 16, blockSize: 16,
  gpus: 1, gpuMemoryGiB: 80, utilization: 0.9, overheadGiB: 2, ...over,
});

test("memory: KV heads, not hidden size; block rounding; sliding windows; group quantisation; fit", () => {
  const r = memory(base());
  // Llama 3.1 8B: 2 × 32 layers × 8 KV heads × 128 × 2 bytes = 128 KiB per token.
  assert.equal(r.kvBytesPerToken, 131072);
  assert.equal(r.kvBytes, 16 * 8192 * 131072);
  assert.equal(r.hiddenFormulaOverstatement, 4);
  close(r.weightBytes, 8.03e9 * 2);
  // 72 GiB usable − 14.96 GiB weights − 2 GiB allowance over 1 GiB per sequence: 55 sequences.
  assert.equal(r.maxBatchAtContext, Math.floor((72 * GIB - 8.03e9 * 2 - 2 * GIB) / (8192 * 131072)));
  assert.equal(r.fits, true);
  // 100 tokens occupy 7 blocks of 16 (112 tokens) in every layer.
  assert.equal(kvBytesPerSequence(MODELS["llama-3.1-8b"], "bf16", 100, 16), 112 * 131072);
  // Mistral 7B v0.1 keeps a 4096-token window: ceil(4095 / 16) + 1 = 257 blocks, whatever the context.
  const perTokenMistral = 2 * 32 * 8 * 128 * 2;
  assert.equal(kvBytesPerSequence(MODELS["mistral-7b-v0.1"], "bf16", 32768, 16), 257 * 16 * perTokenMistral);
  assert.equal(kvBytesPerSequence(MODELS["mistral-7b-v0.1"], "bf16", 1000, 16), 63 * 16 * perTokenMistral);
  // FP8 KV halves the cache; INT4 with groups of 128 adds (16 + 4) / 128 bits per weight.
  assert.equal(memory(base({ kvPrecision: "fp8" })).kvBytes, r.kvBytes / 2);
  close(memory(base({ precision: "int4", groupSize: 128 })).bitsPerWeight, 4.15625);
  // Llama 3.1 70B in BF16 needs 141 GB of weights: not on one 80 GiB GPU, yes on two... with a short context.
  const big = memory(base({ model: MODELS["llama-3.1-70b"], batch: 1 }));
  assert.equal(big.fits, false);
  assert.equal(big.maxBatchAtContext, 0);
  assert.equal(memory(base({ model: MODELS["llama-3.1-70b"], batch: 1, gpus: 2 })).fits, true);
});

test("decode is bounded by bandwidth, prefill by FLOP/s", () => {
  const r = decode({ model: MODELS["llama-3.1-8b"], gpu: GPUS["h100-sxm"], gpus: 1, precision: "bf16", groupSize: 0, kvPrecision: "bf16", context: 1024, promptTokens: 1000, batch: 1, blockSize: 16, efficiency: 0.5 });
  // 16.06 GB of weights + 128 MiB of KV over 3.35 TB/s.
  const bytes = 8.03e9 * 2 + 1024 * 131072;
  close(r.msPerToken, (bytes / 3.35e12) * 1000);
  close(r.tokensPerSecondPerSequence, 3.35e12 / bytes);
  // 2 × 8.03e9 × 1000 FLOPs at half of 989 TFLOP/s.
  close(r.ttftMs, ((2 * 8.03e9 * 1000) / (989e12 * 0.5)) * 1000);
  // A mixture of experts reads only its active parameters per token; FP8 weights use the FP8 tensor rate.
  const moe = decode({ model: MODELS["mixtral-8x7b"], gpu: GPUS["h100-sxm"], gpus: 1, precision: "fp8", groupSize: 0, kvPrecision: "fp8", context: 16, promptTokens: 100, batch: 1, blockSize: 16, efficiency: 1 });
  close(moe.weightBytesPerStep, 12.9e9);
  assert.equal(moe.flopsUsed, 1979e12);
  // Batch 8 reads the weights once and eight caches: total tokens/s grows, per-sequence falls.
  const b8 = decode({ model: MODELS["llama-3.1-8b"], gpu: GPUS["h100-sxm"], gpus: 1, precision: "bf16", groupSize: 0, kvPrecision: "bf16", context: 1024, promptTokens: 1000, batch: 8, blockSize: 16, efficiency: 0.5 });
  assert.ok(b8.tokensPerSecondTotal > 6 * r.tokensPerSecondTotal && b8.tokensPerSecondPerSequence < r.tokensPerSecondPerSequence);
});

test("inputs out of range are refused naming the input and its range", () => {
  assert.throws(() => num("--alpha", "1.5", undefined, { min: 0, max: 1 }), /--alpha must be a number in \[0, 1\], got "1.5"/);
  assert.throws(() => num("--k", "2.5", undefined, { min: 1, max: 64, int: true }), /--k must be an integer in \[1, 64\]/);
  assert.throws(() => num("--k", "3x", undefined, { min: 1, max: 64, int: true }), /got "3x"/);
  assert.throws(() => num("--alpha", undefined, undefined, { min: 0, max: 1 }), /--alpha is required/);
  assert.throws(() => modelShape({ model: "llama-3.1-8b", kvHeads: "64" }), /--kv-heads must be an integer in \[1, 32\]/);
  assert.throws(() => modelShape({ layers: "32" }), CalcInputError);
  assert.throws(() => modelShape({ model: "gpt-9" }), /--model must be one of llama-2-7b/);
});

test("keel calc: tables, --json and a failing exit on bad input", async () => {
  const ok = await runCli(["calc", "specdec", "--alpha", "0.8", "--k", "3", "--cost-ratio", "0.1", "--json"]);
  assert.equal(ok.code, 0, ok.err);
  const j = JSON.parse(ok.out);
  close(j.expectedSpeedup, 2.952 / 1.3);
  assert.equal(j.bestK, 6);
  const mem = await runCli(["calc", "memory", "--model", "llama-3.1-8b", "--batch", "16"]);
  assert.equal(mem.code, 0, mem.err);
  assert.match(mem.out, /KV cache per token\s+128\.0 KiB/);
  assert.match(mem.out, /overstates by 4\.00×/);
  const dec = await runCli(["calc", "decode", "--model", "llama-3.1-8b", "--gpu", "rtx-a6000", "--json"]);
  assert.equal(dec.code, 0, dec.err);
  assert.ok(JSON.parse(dec.out).result.tokensPerSecondPerSequence > 40);
  const bad = await runCli(["calc", "memory", "--model", "llama-3.1-8b", "--utilization", "1.2"]);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /--utilization must be a number in \(0, 1\], got "1.2"/);
});
