import { SqliteSpendStore } from "../limits/spend/sqlite-spend-store.js";
import type { SpendRow } from "../limits/spend/spend-types.js";
import type { StoredResponse } from "../responses/response-store.js";
import { SqliteResponseStore } from "../responses/sqlite-response-store.js";
import type { SqliteDb } from "../store/sqlite.js";
import type { Handlers } from "../store/worker-channel.js";

/**
 * Loaded by the trace writer thread (`WriteWorkerData.opModules`): the `WriteSinks` writes, on that
 * thread's connection, which holds the write lock anyway (decision 0037). The domains' own stores
 * run the statements, so there is one copy of each.
 */
export function writerOps(db: SqliteDb): Handlers {
  const spend = new SqliteSpendStore(db);
  const responses = new SqliteResponseStore(db);
  return {
    spend: (rows: SpendRow[]) => {
      spend.addBatch(rows);
      return rows.length;
    },
    responses: (batch: StoredResponse[]) => {
      responses.putBatch(batch);
      return batch.length;
    },
  };
}
