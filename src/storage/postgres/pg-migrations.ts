import { ALERT_PG_MIGRATIONS } from "../../alerts/alerts-pg-migrations.js";
import { ANNOTATE_PG_MIGRATIONS } from "../../annotate/annotate-pg-migrations.js";
import { AUDIT_PG_MIGRATIONS } from "../../audit/audit-pg-migrations.js";
import { CREDENTIAL_PG_MIGRATIONS } from "../../credentials/credentials-pg-migrations.js";
import { EVAL_PG_MIGRATIONS } from "../../evals/evals-pg-migrations.js";
import { GUARD_PG_MIGRATIONS } from "../../guard/guard-pg-migrations.js";
import { INCIDENT_PG_MIGRATIONS } from "../../incidents/incidents-pg-migrations.js";
import { KEY_PG_MIGRATIONS } from "../../keys/keys-pg-migrations.js";
import { KNOWLEDGE_PG_MIGRATIONS } from "../../knowledge/knowledge-pg-migrations.js";
import { LIMIT_PG_MIGRATIONS } from "../../limits/limits-pg-migrations.js";
import { TRACE_PG_MIGRATIONS } from "../../observe/observe-pg-migrations.js";
import { PROMPT_PG_MIGRATIONS } from "../../prompts/prompts-pg-migrations.js";
import { RESPONSE_PG_MIGRATIONS } from "../../responses/responses-pg-migrations.js";
import { composeMigrations, type Migration } from "../../store/migrate.js";
import { SETTINGS_PG_MIGRATIONS } from "../../store/settings-pg-migrations.js";

/**
 * Every domain's PostgreSQL migrations in one global order, composed like the SQLite list
 * (`storage/migrations.ts`): versions are global, a domain may share a version, and a new domain goes
 * at the end. Version 1 is the whole schema as first released; later steps take the next number.
 */
export const PG_MIGRATIONS: readonly Migration[] = composeMigrations([
  SETTINGS_PG_MIGRATIONS,
  KEY_PG_MIGRATIONS,
  CREDENTIAL_PG_MIGRATIONS,
  AUDIT_PG_MIGRATIONS,
  PROMPT_PG_MIGRATIONS,
  TRACE_PG_MIGRATIONS,
  LIMIT_PG_MIGRATIONS,
  GUARD_PG_MIGRATIONS,
  EVAL_PG_MIGRATIONS,
  ALERT_PG_MIGRATIONS,
  INCIDENT_PG_MIGRATIONS,
  RESPONSE_PG_MIGRATIONS,
  KNOWLEDGE_PG_MIGRATIONS,
  ANNOTATE_PG_MIGRATIONS,
]);
