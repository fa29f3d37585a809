import { openMemorySqlite } from "../../storage/sqlite.js";
import { reviewStoreContract } from "./review-store.contract.js";
import { SqliteGuardReviewStore } from "./sqlite-review-store.js";

reviewStoreContract("sqlite", () => new SqliteGuardReviewStore(openMemorySqlite()));
