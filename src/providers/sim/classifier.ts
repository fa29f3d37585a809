import { KeelError } from "../../errors/errors.js";
import type { SimOptions } from "./options.js";

export type SimClassifierOptions = NonNullable<SimOptions["classifier"]>;

/**
 * The simulator as a safety classifier (docs/simulator.md "As a guard classifier"): a text is
 * unsafe when it contains one of the configured markers (case-insensitive), and the answer is
 * shaped like a real detector's — Llama Guard 3 on chat (`safe` / `unsafe\nS1,S2`), a one-word or
 * JSON verdict, vLLM's `/classify` or TEI's `/predict` body. Deterministic in the text, so tests
 * of model-based guard scanners need no model; `malformed_markers` make it answer garbage.
 */
export class SimClassifier {
  private readonly markers: readonly string[];
  private readonly malformed: readonly string[];

  constructor(private readonly o: SimClassifierOptions) {
    this.markers = o.markers.map((m) => m.toLowerCase());
    this.malformed = o.malformed_markers.map((m) => m.toLowerCase());
  }

  private judge(text: string): "unsafe" | "safe" | "malformed" {
    const t = text.toLowerCase();
    if (this.malformed.some((m) => t.includes(m))) return "malformed";
    return this.markers.some((m) => t.includes(m)) ? "unsafe" : "safe";
  }

  /** The chat answer for a classification request whose last user message holds the text. */
  chatAnswer(text: string): string {
    const v = this.judge(text);
    if (v === "malformed") return "I am not sure what you want me to do with this.";
    const unsafe = v === "unsafe";
    switch (this.o.chat_format) {
      case "llama_guard":
        return unsafe ? `unsafe\n${this.o.categories.join(",")}` : "safe";
      case "verdict":
        return unsafe ? "injection" : "benign";
      case "json":
        return JSON.stringify({ verdict: unsafe ? "injection" : "benign", score: this.attackProb(unsafe) });
    }
  }

  /** Probability of the attack class: `score` for a marked text, 1 - `score` otherwise. */
  private attackProb(unsafe: boolean): number {
    return unsafe ? this.o.score : Math.round((1 - this.o.score) * 1e6) / 1e6;
  }

  /** Probabilities in label order: the first label is the benign one, the attack mass spread over the rest. */
  private probs(unsafe: boolean): number[] {
    const attack = this.attackProb(unsafe);
    const rest = this.o.labels.length - 1;
    return this.o.labels.map((_, i) => (i === 0 ? Math.round((1 - attack) * 1e6) / 1e6 : Math.round((attack / rest) * 1e6) / 1e6));
  }

  /**
   * A classification endpoint's answer: `/classify` as vLLM serves it, `/predict` as TEI does.
   * Throws upstream_error (404) for another path, and for a body without the input field.
   */
  endpoint(path: string, body: unknown, model: string, id: string): unknown {
    const b = (body ?? {}) as Record<string, unknown>;
    if (path === "/classify" || path === "/v1/classify") {
      const inputs = typeof b.input === "string" ? [b.input] : Array.isArray(b.input) && b.input.every((x) => typeof x === "string") ? (b.input as string[]) : null;
      if (!inputs) throw bad("the body needs `input`: a string or an array of strings");
      if (inputs.some((t) => this.judge(t) === "malformed")) return { id, object: "list", data: "not a list" };
      const data = inputs.map((t, index) => {
        const probs = this.probs(this.judge(t) === "unsafe");
        const top = probs.indexOf(Math.max(...probs));
        return { index, label: this.o.labels[top], probs, num_classes: probs.length };
      });
      const tokens = inputs.reduce((n, t) => n + Math.ceil(t.length / 4), 0);
      return { id, object: "list", created: Math.floor(Date.now() / 1000), model: typeof b.model === "string" ? b.model : model, data, usage: { prompt_tokens: tokens, total_tokens: tokens, completion_tokens: 0, prompt_tokens_details: null } };
    }
    if (path === "/predict") {
      if (typeof b.inputs !== "string") throw bad("the body needs `inputs`: a string");
      if (this.judge(b.inputs) === "malformed") return [{ label: this.o.labels[0] }];
      const probs = this.probs(this.judge(b.inputs) === "unsafe");
      // TEI lists every label, most likely first.
      return this.o.labels.map((label, i) => ({ score: probs[i], label })).sort((x, y) => y.score - x.score);
    }
    throw new KeelError("upstream_error", `sim: no classification endpoint at ${path.slice(0, 100)}`, { upstream: { provider: "sim", status: 404 } });
  }
}

function bad(msg: string): KeelError {
  return new KeelError("upstream_error", `sim: ${msg}`, { upstream: { provider: "sim", status: 400 } });
}
