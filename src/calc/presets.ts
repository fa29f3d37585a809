/**
 * Presets for the calculators. Model shapes are the published `config.json` values of each model
 * (num_hidden_layers, num_attention_heads, num_key_value_heads, head_dim or hidden_size ÷ heads,
 * sliding_window); parameter counts are the model cards'. GPU figures are the vendors' datasheets:
 * memory as marketed (usable memory is a little less), HBM/GDDR bandwidth, dense tensor-core FLOP/s
 * (without the 2× "with sparsity" figure the datasheets also print).
 */

export interface ModelPreset {
  params: number;
  /** Parameters read per generated token: all of them for a dense model, the active experts' for a mixture of experts. */
  activeParams: number;
  layers: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  hidden: number;
  maxContext: number;
  /** Tokens a sliding-window layer keeps; `slidingLayers` of the layers use it (the rest attend to everything). */
  slidingWindow?: number;
  slidingLayers?: number;
  source: string;
}

export interface GpuPreset {
  memoryGiB: number;
  /** Memory bandwidth, bytes per second. */
  bandwidth: number;
  /** Dense BF16/FP16 tensor FLOP/s. */
  flops16: number;
  /** Dense FP8 tensor FLOP/s, where the GPU has FP8 tensor cores. */
  flops8?: number;
  source: string;
}

const hf = (repo: string): string => `https://huggingface.co/${repo}/blob/main/config.json`;

export const MODELS: Readonly<Record<string, ModelPreset>> = {
  "llama-2-7b": { params: 6.74e9, activeParams: 6.74e9, layers: 32, heads: 32, kvHeads: 32, headDim: 128, hidden: 4096, maxContext: 4096, source: hf("meta-llama/Llama-2-7b-hf") },
  "llama-3.1-8b": { params: 8.03e9, activeParams: 8.03e9, layers: 32, heads: 32, kvHeads: 8, headDim: 128, hidden: 4096, maxContext: 131072, source: hf("meta-llama/Llama-3.1-8B") },
  "llama-3.1-70b": { params: 70.6e9, activeParams: 70.6e9, layers: 80, heads: 64, kvHeads: 8, headDim: 128, hidden: 8192, maxContext: 131072, source: hf("meta-llama/Llama-3.1-70B") },
  "llama-3.1-405b": { params: 405e9, activeParams: 405e9, layers: 126, heads: 128, kvHeads: 8, headDim: 128, hidden: 16384, maxContext: 131072, source: hf("meta-llama/Llama-3.1-405B") },
  "mistral-7b-v0.1": { params: 7.24e9, activeParams: 7.24e9, layers: 32, heads: 32, kvHeads: 8, headDim: 128, hidden: 4096, maxContext: 32768, slidingWindow: 4096, slidingLayers: 32, source: hf("mistralai/Mistral-7B-v0.1") },
  "mixtral-8x7b": { params: 46.7e9, activeParams: 12.9e9, layers: 32, heads: 32, kvHeads: 8, headDim: 128, hidden: 4096, maxContext: 32768, source: hf("mistralai/Mixtral-8x7B-v0.1") },
  "qwen2.5-7b": { params: 7.62e9, activeParams: 7.62e9, layers: 28, heads: 28, kvHeads: 4, headDim: 128, hidden: 3584, maxContext: 131072, source: hf("Qwen/Qwen2.5-7B") },
  "qwen2.5-72b": { params: 72.7e9, activeParams: 72.7e9, layers: 80, heads: 64, kvHeads: 8, headDim: 128, hidden: 8192, maxContext: 131072, source: hf("Qwen/Qwen2.5-72B") },
};

const nv = "NVIDIA datasheet";
export const GPUS: Readonly<Record<string, GpuPreset>> = {
  "h100-sxm": { memoryGiB: 80, bandwidth: 3.35e12, flops16: 989e12, flops8: 1979e12, source: `${nv}: H100 Tensor Core GPU (SXM5)` },
  "h100-pcie": { memoryGiB: 80, bandwidth: 2.0e12, flops16: 756e12, flops8: 1513e12, source: `${nv}: H100 Tensor Core GPU (PCIe)` },
  h200: { memoryGiB: 141, bandwidth: 4.8e12, flops16: 989e12, flops8: 1979e12, source: `${nv}: H200 Tensor Core GPU (SXM)` },
  "a100-80gb": { memoryGiB: 80, bandwidth: 2.039e12, flops16: 312e12, source: `${nv}: A100 Tensor Core GPU (80GB SXM)` },
  "a100-40gb": { memoryGiB: 40, bandwidth: 1.555e12, flops16: 312e12, source: `${nv}: A100 Tensor Core GPU (40GB SXM)` },
  l40s: { memoryGiB: 48, bandwidth: 864e9, flops16: 362e12, flops8: 733e12, source: `${nv}: L40S GPU` },
  "rtx-a6000": { memoryGiB: 48, bandwidth: 768e9, flops16: 154.8e12, source: `${nv}: RTX A6000` },
  "rtx-4090": { memoryGiB: 24, bandwidth: 1008e9, flops16: 165.2e12, flops8: 330.3e12, source: "NVIDIA Ada Lovelace architecture whitepaper (GeForce RTX 4090, FP16 tensor with FP32 accumulate)" },
};
