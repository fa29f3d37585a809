import { createHash } from "node:crypto";
import type { ChatMessage } from "../api/chat-types.js";
import { KeelError } from "../errors/errors.js";
import { type FunctionCallItem, type MessageItem, messageItem } from "./response-object.js";
import type { StoredResponse } from "./response-store.js";

/**
 * `GET /v1/responses/{id}/input_items`: the items a stored response was made from, in OpenAI's
 * list shape, built from the conversation Keel stores with it (response-store.ts). Pure. The items
 * are every turn the model was given — the earlier turns of a `previous_response_id` chain
 * included, their answers as assistant messages and function calls — without the instructions
 * (not an item in OpenAI's API either) and without the response's own output.
 */

export interface InputMessageItem {
  id: string;
  type: "message";
  role: "user" | "system" | "developer";
  status: "completed";
  content: ({ type: "input_text"; text: string } | { type: "input_image"; detail: string; file_id: null; image_url: string })[];
}
export interface FunctionCallOutputItem { id: string; type: "function_call_output"; call_id: string; output: string; status: "completed" }
export type InputItem = InputMessageItem | MessageItem | FunctionCallItem | FunctionCallOutputItem;

export interface InputItemList {
  object: "list";
  data: InputItem[];
  first_id: string | null;
  last_id: string | null;
  has_more: boolean;
}

export interface InputItemQuery {
  limit: number;
  order: "asc" | "desc";
  after: string | null;
}

export const INPUT_ITEMS_MAX_LIMIT = 100;
const DEFAULT_LIMIT = 20;
const MAX_ID_CHARS = 128;
/** Accepted and ignored: what it asks for (image URLs, …) is already in Keel's items. */
const IGNORED = new Set(["include", "include[]"]);
const KNOWN = new Set(["limit", "order", "after"]);

/** The query, validated: `limit` 1–100 (default 20), `order` asc or desc (default desc, as OpenAI's), `after` an item id. */
export function parseInputItemQuery(q: URLSearchParams): InputItemQuery {
  for (const name of q.keys()) {
    if (!KNOWN.has(name) && !IGNORED.has(name)) throw invalid(`Unrecognized query parameter: '${name.slice(0, 64)}'.`, name.slice(0, 64));
  }
  const limitText = q.get("limit");
  let limit = DEFAULT_LIMIT;
  if (limitText !== null) {
    limit = /^\d{1,3}$/.test(limitText) ? Number(limitText) : NaN;
    if (!(limit >= 1 && limit <= INPUT_ITEMS_MAX_LIMIT)) throw invalid(`Invalid 'limit': expected an integer from 1 to ${INPUT_ITEMS_MAX_LIMIT}.`, "limit");
  }
  const order = q.get("order") ?? "desc";
  if (order !== "asc" && order !== "desc") throw invalid("Invalid 'order': expected 'asc' or 'desc'.", "order");
  const after = q.get("after");
  if (after !== null && (after === "" || after.length > MAX_ID_CHARS)) throw invalid(`Invalid 'after': expected an item id of at most ${MAX_ID_CHARS} characters.`, "after");
  return { limit, order, after };
}

/** One page of the stored response's input items. */
export function inputItemPage(stored: StoredResponse, q: InputItemQuery): InputItemList {
  const items = inputItems(stored);
  if (q.order === "desc") items.reverse();
  let start = 0;
  if (q.after !== null) {
    const at = items.findIndex((i) => i.id === q.after);
    if (at < 0) throw invalid(`Invalid 'after': '${q.after}' is not an input item of response '${stored.id}'.`, "after");
    start = at + 1;
  }
  const data = items.slice(start, start + q.limit);
  return { object: "list", data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: start + q.limit < items.length };
}

/** Every input item in conversation order. */
export function inputItems(stored: StoredResponse): InputItem[] {
  // The stored conversation ends with this response's answer, one assistant turn, when it produced output.
  const turns = stored.response.output.length > 0 ? stored.conversation.slice(0, -1) : stored.conversation;
  const out: InputItem[] = [];
  const id = (prefix: string): string => itemId(prefix, stored.id, out.length);
  for (const m of turns) {
    if (m.role === "tool") {
      out.push({ id: id("fco"), type: "function_call_output", call_id: m.tool_call_id ?? "", output: textOf(m), status: "completed" });
    } else if (m.role === "assistant") {
      const text = typeof m.content === "string" ? m.content : textOf(m);
      const refusal = typeof m.refusal === "string" ? m.refusal : null;
      if (text !== "" || refusal !== null) out.push(messageItem(id("msg"), "completed", text, refusal));
      for (const c of m.tool_calls ?? []) {
        out.push({ id: id("fc"), type: "function_call", status: "completed", arguments: c.function.arguments, call_id: c.id, name: c.function.name });
      }
    } else if (m.role === "user" || m.role === "system" || m.role === "developer") {
      out.push({ id: id("msg"), type: "message", role: m.role, status: "completed", content: inputContent(m) });
    }
  }
  return out;
}

/**
 * Keel keeps the conversation as chat messages, not the items' own ids: an item's id is derived
 * from its response and position (prefix, then 48 hex as Keel's own ids), so it is the same on
 * every read and `after` pages stably.
 */
function itemId(prefix: string, responseId: string, index: number): string {
  return `${prefix}_${createHash("sha256").update(`${responseId}\u0000${index}`).digest("hex").slice(0, 48)}`;
}

function inputContent(m: ChatMessage): InputMessageItem["content"] {
  if (typeof m.content === "string") return [{ type: "input_text", text: m.content }];
  const out: InputMessageItem["content"] = [];
  for (const p of m.content ?? []) {
    if (p.type === "text") out.push({ type: "input_text", text: (p as { text: string }).text });
    else if (p.type === "image_url") {
      const img = (p as { image_url: { url: string; detail?: string } }).image_url;
      out.push({ type: "input_image", detail: img.detail ?? "auto", file_id: null, image_url: img.url });
    }
  }
  return out;
}

function textOf(m: ChatMessage): string {
  if (typeof m.content === "string") return m.content;
  let text = "";
  for (const p of m.content ?? []) if (p.type === "text") text += (p as { text: string }).text;
  return text;
}

function invalid(message: string, param: string): KeelError {
  return new KeelError("invalid_request", message, { param });
}
