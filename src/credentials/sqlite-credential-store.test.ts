import { openMemorySqlite } from "../storage/sqlite.js";
import { credentialStoreContract } from "./credential-store.contract.js";
import { SqliteCredentialStore } from "./sqlite-credential-store.js";

credentialStoreContract("sqlite", () => new SqliteCredentialStore(openMemorySqlite()));
