import { z } from "zod";
import { commonOptions, defineEvaluatorKind } from "./kind.js";

export const jsonSchemaKind = defineEvaluatorKind({
  kind: "json_schema",
  family: "deterministic",
  summary: "1 when the output parses as JSON and validates against `schema`, else 0",
  schema: z.strictObject({
    kind: z.literal("json_schema"),
    ...commonOptions,
    schema: z.record(z.string(), z.unknown()),
  }),
});

export const jsonFieldKind = defineEvaluatorKind({
  kind: "json_field",
  family: "deterministic",
  summary: "share of fields (dot paths) whose value in the output JSON deep-equals the expected value",
  schema: z
    .strictObject({
      kind: z.literal("json_field"),
      ...commonOptions,
      /** path → expected value; or */
      fields: z.record(z.string().min(1), z.unknown()).optional(),
      /** paths whose expected values are read from the item's expected JSON. */
      paths: z.array(z.string().min(1)).min(1).optional(),
    })
    .refine((o) => (o.fields === undefined) !== (o.paths === undefined), { message: "give exactly one of fields, paths" }),
});
