import { parquetWriteBuffer, type SchemaElement } from "hyparquet-writer";
import type { ExportFormat } from "./queue-schema.js";

/**
 * Training rows as Parquet (hyparquet-writer, pure JS): the same fields as the JSONL row, with chat
 * messages as real nested columns — LIST of STRUCT<role STRING, content STRING> — so a Parquet reader
 * (pyarrow, Hugging Face datasets, hyparquet) returns the same row objects as the JSONL line.
 * The content hash goes in the file's key-value metadata (`keel.content_sha256`).
 */
export function toParquet(format: ExportFormat, rows: readonly Record<string, unknown>[], meta: Record<string, string>): Uint8Array {
  const messages = (name: string): SchemaElement[] => [
    { name, repetition_type: "REQUIRED", converted_type: "LIST", num_children: 1 },
    { name: "list", repetition_type: "REPEATED", num_children: 1 },
    { name: "element", repetition_type: "REQUIRED", num_children: 2 },
    { name: "role", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "REQUIRED" },
    { name: "content", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "REQUIRED" },
  ];
  const layout: Record<ExportFormat, { fields: string[]; schema: SchemaElement[] }> = {
    sft: { fields: ["messages"], schema: messages("messages") },
    dpo: { fields: ["prompt", "chosen", "rejected"], schema: [...messages("prompt"), ...messages("chosen"), ...messages("rejected")] },
    "openai-dpo": {
      fields: ["input", "preferred_output", "non_preferred_output"],
      schema: [{ name: "input", repetition_type: "REQUIRED", num_children: 1 }, ...messages("messages"), ...messages("preferred_output"), ...messages("non_preferred_output")],
    },
    kto: { fields: ["prompt", "completion", "label"], schema: [...messages("prompt"), ...messages("completion"), { name: "label", type: "BOOLEAN", repetition_type: "REQUIRED" }] },
  };
  const l = layout[format];
  const buf = parquetWriteBuffer({
    columnData: l.fields.map((f) => ({ name: f, data: rows.map((r) => r[f]) })),
    schema: [{ name: "root", num_children: l.fields.length }, ...l.schema],
    kvMetadata: Object.entries(meta).map(([key, value]) => ({ key, value })),
    createdBy: "keel",
  });
  return new Uint8Array(buf);
}
