import { MIGRATIONS } from "../storage/migrations.js";
import { openMemorySqliteWith } from "../store/sqlite.js";
import { annotationStoreContract } from "./annotation-store.contract.js";
import { SqliteAnnotationStore } from "./sqlite-annotation-store.js";

annotationStoreContract("sqlite", () => new SqliteAnnotationStore(openMemorySqliteWith(MIGRATIONS)));
