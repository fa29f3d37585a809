import { openMemorySqlite } from "../storage/sqlite.js";
import { knowledgeStoreContract } from "./knowledge-store.contract.js";
import { SqliteKnowledgeStore } from "./sqlite-knowledge-store.js";

knowledgeStoreContract("sqlite", () => new SqliteKnowledgeStore(openMemorySqlite()));
