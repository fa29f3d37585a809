import assert from "node:assert/strict";
import { test } from "node:test";
import { parquetMetadata, parquetReadObjects } from "hyparquet";
import { toParquet } from "./parquet-export.js";
import type { ExportFormat } from "./queue-schema.js";
import { dpoRow, ktoRow, openAiDpoRow, sftRow } from "./training-formats.js";

const conversation = [
  { role: "system" as const, content: "You are terse." },
  { role: "user" as const, content: "Capital of France? Ünïcödé — 🚀" },
  { role: "assistant" as const, content: "Which country again?" },
  { role: "user" as const, content: "France." },
];

const rows: Record<ExportFormat, Record<string, unknown>[]> = {
  sft: [sftRow(conversation, "Paris."), sftRow([{ role: "user", content: "" }], "")],
  dpo: [dpoRow(conversation, "Paris.", "Lyon."), dpoRow([{ role: "user", content: "2+2?" }], "4", "5")],
  "openai-dpo": [openAiDpoRow(conversation, "Paris.", "Lyon."), openAiDpoRow([{ role: "developer", content: "d" }, { role: "user", content: "u" }], "a", "b")],
  kto: [ktoRow(conversation, "Paris.", true), ktoRow([{ role: "user", content: "x" }], "y", false)],
};

for (const format of Object.keys(rows) as ExportFormat[]) {
  test(`parquet (${format}): a reader returns exactly the JSONL rows, nested chat messages included`, async () => {
    const bytes = toParquet(format, rows[format], { "keel.content_sha256": "abc" });
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    assert.equal(new TextDecoder().decode(bytes.subarray(0, 4)), "PAR1");
    const back = await parquetReadObjects({ file });
    assert.deepEqual(back, rows[format].map((r) => JSON.parse(JSON.stringify(r))));
    const meta = parquetMetadata(file);
    assert.equal(Number(meta.num_rows), rows[format].length);
    assert.deepEqual(meta.key_value_metadata?.find((k) => k.key === "keel.content_sha256")?.value, "abc");
    // Messages are a LIST of STRUCT<role, content>, not a JSON string column.
    const leaf = meta.schema.find((s) => s.name === "role");
    assert.equal(leaf?.type, "BYTE_ARRAY");
    assert.ok(meta.schema.some((s) => s.converted_type === "LIST"));
  });
}
