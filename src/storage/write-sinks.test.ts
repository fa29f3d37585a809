import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PgSpendStore } from "../limits/spend/pg-spend-store.js";
import { PgResponseStore } from "../responses/pg-response-store.js";
import { pgTestDb } from "../testing/postgres-fixture.js";
import { postgresSinks } from "./postgres-stores.js";
import { openSqliteStores } from "./sqlite-stores.js";
import { writeSinksContract } from "./write-sinks.contract.js";

// SQLite: the sinks run on the trace writer's thread and connection; the stores read on the main one.
writeSinksContract("sqlite (trace writer thread)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "keel-sinks-"));
  const stores = openSqliteStores({ dataDir: dir, pruneBatchRows: 100 });
  return {
    sinks: stores.sinks, spend: stores.spend, responses: stores.responses,
    async close() {
      await stores.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

writeSinksContract("postgres (non-blocking calls)", async () => {
  const db = pgTestDb().fresh();
  return { sinks: postgresSinks(db), spend: new PgSpendStore(db), responses: new PgResponseStore(db), async close() {} };
});
