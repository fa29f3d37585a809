import { connectRedis } from "../store/redis.js";
import type { RedisConfig } from "../store/redis-schema.js";
import { openSqliteFile } from "../store/sqlite.js";
import type { CacheBackend } from "./cache-backend.js";
import { CACHE_MIGRATIONS } from "./cache-migrations.js";
import type { CacheConfig } from "./cache-schema.js";
import { CacheService } from "./cache-service.js";
import { MemoryCacheBackend } from "./memory-cache-backend.js";
import { RedisCacheBackend } from "./redis-cache-backend.js";
import { SqliteCacheStore } from "./sqlite-cache-store.js";
import { SemanticIndex } from "./semantic-index.js";
import type { Embedder } from "../providers/embeddings/embedder.js";

/** The one place the cache's backend is chosen; null when the cache is off. */
export async function createCache(cfg: CacheConfig, o: { dataDir: string; redis: RedisConfig; onError?: (what: string, err: unknown) => void; embedder?: Embedder }): Promise<CacheService | null> {
  if (!cfg.enabled) return null;
  let backend: CacheBackend;
  if (cfg.backend === "memory") backend = new MemoryCacheBackend(cfg.memory_max_bytes);
  else if (cfg.backend === "sqlite") backend = new SqliteCacheStore(openSqliteFile(o.dataDir, "cache.db", CACHE_MIGRATIONS));
  else backend = new RedisCacheBackend(await connectRedis(o.redis, "cache.backend: redis"), o.redis.key_prefix);
  const embedder = o.embedder;
  const semantic = cfg.semantic.enabled && embedder
    ? {
      index: new SemanticIndex(cfg.semantic.max_entries_per_context, cfg.semantic.max_entries),
      model: embedder.model, dimensions: embedder.dimensions, maxChars: embedder.maxInputChars,
      embed: async (t: string, signal?: AbortSignal) => (await embedder.embed([t], signal))[0],
    }
    : null;
  return new CacheService(backend, cfg, o.onError, semantic);
}
