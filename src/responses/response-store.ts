import type { ChatMessage } from "../api/chat-types.js";
import type { ResponseObject } from "./response-object.js";

/** One stored response (`store` not false): what `GET /v1/responses/{id}` answers and `previous_response_id` continues. */
export interface StoredResponse {
  /** `resp_…`. */
  id: string;
  /** The virtual key that created it: only that key may read, continue or delete it. */
  keyId: string;
  /** Epoch ms. */
  createdAt: number;
  /** The Response object exactly as the client received it. */
  response: ResponseObject;
  /**
   * The conversation up to and including this response's answer, in Keel's internal chat
   * messages, without the instructions (OpenAI does not carry them to the next turn).
   */
  conversation: ChatMessage[];
}

/**
 * Stored Responses API responses (docs/decisions/0026-stored-responses.md). Backend-neutral:
 * SQLite today (sqlite-response-store.ts), held to response-store.contract.ts.
 */
export interface ResponseStore {
  /** Inserts or replaces by id (a repeated write of the same id keeps the last). */
  put(r: StoredResponse): void;
  /** Puts each, in order, as one write (one transaction in SQLite): how queued responses are flushed. */
  putBatch(rs: readonly StoredResponse[]): void;
  /** The response when it exists and belongs to `keyId`; null otherwise (another key's id reads as missing). */
  get(id: string, keyId: string): StoredResponse | null;
  /** Deletes the key's response; false when there was none for that key (another key's stays). */
  delete(id: string, keyId: string): boolean;
  /** Deletes responses created before `before` (epoch ms), at most `limit` of them (oldest first); returns how many. */
  deleteBefore(before: number, limit: number): number;
}
