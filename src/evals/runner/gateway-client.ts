import type { ChatCompletion, ChatRequest } from "../../api/chat-types.js";
import type { PriceConfig } from "../../observe/price-schema.js";
import { costUsd, PriceTable } from "../../observe/prices.js";
import type { ChatCallResult, ChatClient } from "../evaluators/judge/chat-client.js";
import { postJson } from "./http-call.js";
import type { RateGate } from "./rate-gate.js";

/** Judge and target calls are attributed to this feature, and online evaluation never samples it. */
export const EVAL_FEATURE = "keel-eval";

export interface GatewayClientOptions {
  /** Keel's base URL. */
  readonly url: string;
  /** A virtual key (sk-keel-…). */
  readonly key: string;
  readonly gate: RateGate;
  readonly retries: number;
  readonly timeoutMs: number;
  /** Fallback prices (Keel's shipped table by default). */
  readonly prices?: PriceTable;
  /** The price Keel's gateway charges a model (or null): asked once per model name. */
  readonly resolvePrice?: (model: string) => Promise<PriceConfig | null>;
  readonly signal?: AbortSignal;
}

/**
 * `ChatClient` over Keel's own `/v1/chat/completions`: judge calls are authenticated, limited,
 * routed and traced like production calls, and show up as feature `keel-eval`. Cost is priced
 * here from the reported usage with Keel's price table (overridable per suite).
 */
export class GatewayChatClient implements ChatClient {
  private readonly prices: PriceTable;
  private readonly priceMemo = new Map<string, Promise<PriceConfig | null>>();

  constructor(private readonly o: GatewayClientOptions) {
    this.prices = o.prices ?? new PriceTable();
  }

  async complete(req: ChatRequest, signal?: AbortSignal): Promise<ChatCallResult> {
    const s = signal && this.o.signal ? AbortSignal.any([signal, this.o.signal]) : (signal ?? this.o.signal);
    const r = await postJson(new URL("/v1/chat/completions", this.o.url).href, { ...req, stream: false }, {
      authorization: `Bearer ${this.o.key}`,
      "x-keel-feature": EVAL_FEATURE,
    }, { gate: this.o.gate, retries: this.o.retries, timeoutMs: this.o.timeoutMs, signal: s });
    const completion = r.json as ChatCompletion;
    if (!completion || !Array.isArray(completion.choices)) throw new Error("the gateway answered without choices");
    const u = completion.usage;
    // The served model's price when known, else the one the gateway charges for the name asked.
    // (A request naming a registered prompt may carry no model: the prompt brings it.)
    const price = (completion.model ? await this.priceOf(completion.model) : null) ?? (req.model ? await this.priceOf(req.model) : null);
    const cost = u ? costUsd(price, u.prompt_tokens ?? 0, u.completion_tokens ?? 0, u.prompt_tokens_details?.cached_tokens ?? 0) : 0;
    return { completion, costUsd: cost, latencyMs: r.latencyMs, requestId: r.header("x-request-id") ?? null };
  }

  private priceOf(model: string): Promise<PriceConfig | null> {
    let p = this.priceMemo.get(model);
    if (!p) {
      const resolve = this.o.resolvePrice;
      p = (resolve ? resolve(model).catch(() => null) : Promise.resolve(null)).then((x) => x ?? this.prices.lookup(model));
      this.priceMemo.set(model, p);
    }
    return p;
  }
}
