import type { z } from "zod";
import { KeelError } from "../errors/errors.js";

/** Validates query parameters; the 400 names the parameter, as the trace listing does. */
export function parseQuery<T extends z.ZodType>(schema: T, query: URLSearchParams): z.output<T> {
  const r = schema.safeParse(Object.fromEntries(query));
  if (r.success) return r.data;
  const i = r.error.issues[0];
  if (i.code === "unrecognized_keys") {
    const param = String(i.keys[0]).slice(0, 64);
    throw new KeelError("invalid_request", `Unknown query parameter '${param}'.`, { param });
  }
  const param = String(i.path[0] ?? "query");
  throw new KeelError("invalid_request", `Invalid query parameter '${param}': ${i.message}.`, { param });
}
