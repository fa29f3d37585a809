import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqlite } from "../../storage/sqlite.js";
import { traceIoContract } from "./trace-io.contract.js";
import { TraceReadWorker, TraceWriteWorker } from "./trace-workers.js";

traceIoContract("sqlite worker threads", async () => {
  const dir = mkdtempSync(join(tmpdir(), "keel-trace-io-"));
  openSqlite(dir).close(); // the main connection migrates before the workers start, as in storage/sqlite-stores.ts
  const writes = new TraceWriteWorker({ dataDir: dir, file: "keel.db", pruneBatchRows: 3 });
  const reads = new TraceReadWorker({ dataDir: dir, file: "keel.db" });
  return {
    writes, reads,
    async close() {
      await writes.close();
      await reads.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
