import { ALERT_MIGRATIONS } from "../alerts/alert-migrations.js";
import { ANNOTATE_MIGRATIONS } from "../annotate/annotate-migrations.js";
import { AUDIT_MIGRATIONS } from "../audit/audit-migrations.js";
import { CREDENTIAL_MIGRATIONS } from "../credentials/credential-migrations.js";
import { EVAL_MIGRATIONS } from "../evals/eval-migrations.js";
import { GUARD_MIGRATIONS } from "../guard/guard-migrations.js";
import { INCIDENT_MIGRATIONS } from "../incidents/incident-migrations.js";
import { KEY_MIGRATIONS } from "../keys/key-migrations.js";
import { KNOWLEDGE_MIGRATIONS } from "../knowledge/knowledge-migrations.js";
import { LIMIT_MIGRATIONS } from "../limits/limit-migrations.js";
import { TRACE_MIGRATIONS } from "../observe/trace-migrations.js";
import { PROMPT_MIGRATIONS } from "../prompts/prompt-migrations.js";
import { RESPONSE_MIGRATIONS } from "../responses/response-migrations.js";
import { composeMigrations, type Migration } from "../store/migrate.js";
import { SETTINGS_MIGRATIONS } from "../store/settings-migrations.js";

/**
 * Every domain's SQLite migrations in one global order. The domain order fixes the order of
 * statements within a shared version; it is part of the schema's history, so a new domain goes at
 * the end. Tests check the result against the schema the single-file migrations created
 * (`testdata/schema-v14.sql`).
 */
export const MIGRATIONS: readonly Migration[] = composeMigrations([
  SETTINGS_MIGRATIONS,
  KEY_MIGRATIONS,
  CREDENTIAL_MIGRATIONS,
  TRACE_MIGRATIONS,
  LIMIT_MIGRATIONS,
  PROMPT_MIGRATIONS,
  AUDIT_MIGRATIONS,
  GUARD_MIGRATIONS,
  EVAL_MIGRATIONS,
  ALERT_MIGRATIONS,
  INCIDENT_MIGRATIONS,
  RESPONSE_MIGRATIONS,
  KNOWLEDGE_MIGRATIONS,
  ANNOTATE_MIGRATIONS,
]);
