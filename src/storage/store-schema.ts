import { z } from "zod";

/**
 * `store:` in keel.yaml (or KEEL_STORE_URL): where the control plane and traces live. `sqlite` (the
 * default) is one file in the data dir; a `postgres://` URL is a shared PostgreSQL that several
 * Keel instances use at once (docs/scale-out.md).
 */
export const storeUrlSchema = z
  .string()
  .max(2048)
  .refine((s) => s === "sqlite" || /^postgres(?:ql)?:\/\/\S+$/i.test(s), "\"sqlite\" or a postgres:// URL")
  .default("sqlite");

/** `postgres:` in keel.yaml: the pool and the start-up behaviour when `store` is a PostgreSQL URL. */
export const postgresConfigSchema = z
  .strictObject({
    /** Connections per instance (the pool's bound). */
    pool_max: z.int().min(1).max(200).default(10),
    /** A store call that waits longer fails with 503 `store_unavailable`. */
    call_timeout_ms: z.int().min(100).max(120_000).default(5_000),
    connect_timeout_ms: z.int().min(100).max(60_000).default(3_000),
    /** Apply pending migrations on start (under an advisory lock); false: `keel migrate` does it, and start refuses a stale schema. */
    migrate_on_start: z.boolean().default(true),
    /**
     * How long start-up's schema work may take: creating the schema, waiting for the migration lock
     * another instance holds, and each migration statement. Not bound by `call_timeout_ms`, which
     * is sized for calls a request waits on.
     */
    migrate_timeout_ms: z.int().min(1_000).max(3_600_000).default(300_000),
  })
  .prefault({});

export type PostgresConfig = z.output<typeof postgresConfigSchema>;
