import type { ProviderConfig } from "./provider-schema.js";
import { KeelError } from "../errors/errors.js";
import { createAnthropicProvider } from "./anthropic/provider.js";
import { createLocalEmbeddingsProvider } from "./embeddings/provider.js";
import { createOpenAIProvider } from "./openai/provider.js";
import { createSimProvider } from "./sim/provider.js";
import type { Provider } from "./types.js";

/** Resolves a provider's API key: a literal from config (env-expanded) or a stored, encrypted credential. */
export type CredentialLookup = (name: string) => string | undefined;

function keyFor(p: { name: string; api_key?: string; credential?: string }, lookup: CredentialLookup): string | undefined {
  if (p.api_key) return p.api_key;
  if (p.credential) {
    const v = lookup(p.credential);
    if (v === undefined) throw new Error(`provider "${p.name}": credential "${p.credential}" is not stored (keel credentials set ${p.credential})`);
    return v;
  }
  return undefined;
}

export function createProvider(cfg: ProviderConfig, credentials: CredentialLookup): Provider {
  switch (cfg.kind) {
    case "openai":
      return createOpenAIProvider(cfg, keyFor(cfg, credentials));
    case "anthropic":
      return createAnthropicProvider(cfg, keyFor(cfg, credentials));
    case "sim":
      return createSimProvider(cfg);
    case "local-embeddings":
      return createLocalEmbeddingsProvider(cfg);
  }
}

/** The running providers by name. Built once at start-up from the resolved config. */
export class ProviderRegistry {
  private readonly byName = new Map<string, Provider>();

  constructor(private readonly configs: readonly ProviderConfig[], private readonly credentials: CredentialLookup, private readonly onWarning: (msg: string) => void = () => {}) {
    for (const c of configs) this.byName.set(c.name, this.build(c));
  }

  /**
   * A provider whose stored credential is missing still starts — its calls answer 503 saying
   * which credential to set — because credentials are set through the running server.
   */
  private build(c: ProviderConfig): Provider {
    try {
      return createProvider(c, this.credentials);
    } catch (err) {
      const reason = (err as Error).message;
      this.onWarning(reason);
      return unavailableProvider(c.name, c.kind, reason);
    }
  }

  /** Rebuilds the providers that use a stored credential after it changed; in-flight calls finish on the old one. */
  async refreshCredential(credential: string): Promise<string[]> {
    const rebuilt: string[] = [];
    for (const c of this.configs) {
      if (!("credential" in c) || c.credential !== credential || ("api_key" in c && c.api_key)) continue;
      const old = this.byName.get(c.name);
      this.byName.set(c.name, this.build(c));
      rebuilt.push(c.name);
      // Close the old pool only after any stream it serves must have ended (request deadlines are ≤ 1 h).
      setTimeout(() => void old?.close?.(), 3_600_000).unref();
    }
    return rebuilt;
  }

  /** The stored credentials that configured providers use. */
  credentialNames(): string[] {
    const names = new Set<string>();
    for (const c of this.configs) if ("credential" in c && c.credential) names.add(c.credential);
    return [...names];
  }

  get(name: string): Provider {
    const p = this.byName.get(name);
    if (!p) throw new KeelError("upstream_unavailable", `Provider "${name}" is not running.`);
    return p;
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.byName.values()].map((p) => p.close?.()));
  }
}

function unavailableProvider(name: string, kind: string, reason: string): Provider {
  const fail = (): never => {
    throw new KeelError("upstream_unavailable", `Provider "${name}" is not usable: ${reason}.`);
  };
  return {
    name, kind,
    chat: async () => fail(),
    chatStream: () => ({ [Symbol.asyncIterator]: () => ({ next: async () => fail() }) }),
    embeddings: async () => fail(),
  };
}
