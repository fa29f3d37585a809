import type { Migration } from "../store/migrate.js";

/** PostgreSQL schema steps for this domain (storage/postgres/pg-migrations.ts composes them; decision 0031). */
export const KNOWLEDGE_PG_MIGRATIONS: readonly Migration[] = [];
