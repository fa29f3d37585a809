import { createHash } from "node:crypto";
import { z } from "zod";
import { canonicalJson } from "../audit/canonical-json.js";
import type { PromptContent } from "./types.js";

/**
 * What a prompt version may contain, checked once when it is pushed. Names and labels are
 * restricted so that they are safe in URLs, headers (`x-keel-prompt: name@label`) and file paths.
 */
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*(?:\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/;
export const promptNameSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(NAME_RE, "letters, digits, . _ - and / between segments only")
  .refine((n) => !n.split("/").some((s) => s === "." || s === ".." || s.endsWith(".")), "no '.' or '..' segments");

/** Labels start with a letter, so `name@3` (a version) and `name@production` (a label) never clash. */
export const labelSchema = z.string().min(1).max(64).regex(/^[A-Za-z][A-Za-z0-9._-]*$/, "a letter, then letters, digits, . _ -");

/** `latest` always points at the newest version; nobody moves it. */
export const LATEST = "latest";

const MAX_TEXT = 1_000_000;
/** Fields the request body carries itself, or that a prompt has its own field for. */
const NOT_PARAMS = new Set(["model", "messages", "prompt", "stream", "stream_options", "tools", "response_format", "user", "metadata"]);

const config = {
  model: z.string().min(1).max(256).optional(),
  params: z
    .record(z.string().max(64), z.unknown())
    .refine((p) => Object.keys(p).every((k) => !NOT_PARAMS.has(k)), { message: `may not set ${[...NOT_PARAMS].join(", ")}` })
    .refine((p) => Object.keys(p).length <= 64, "at most 64 parameters")
    .optional(),
  tools: z.array(z.looseObject({ type: z.literal("function"), function: z.looseObject({ name: z.string().min(1).max(64) }) })).max(512).optional(),
  response_format: z.looseObject({ type: z.enum(["text", "json_object", "json_schema"]) }).optional(),
};

const messageSchema = z.strictObject({
  role: z.enum(["system", "developer", "user", "assistant"]),
  content: z.string().max(MAX_TEXT),
});

const text = { type: z.literal("text"), text: z.string().max(MAX_TEXT) };
const chat = { type: z.literal("chat"), messages: z.array(messageSchema).min(1).max(1000) };

export const promptContentSchema = z.discriminatedUnion("type", [z.strictObject({ ...text, ...config }), z.strictObject({ ...chat, ...config })]);

/** One prompt in a push: its content plus the name, the labels to point at it, and a commit message. */
const meta = {
  name: promptNameSchema,
  labels: z.array(labelSchema.refine((l) => l !== LATEST, "'latest' moves by itself")).max(32).optional(),
  message: z.string().max(2000).optional(),
};
export const pushItemSchema = z.discriminatedUnion("type", [z.strictObject({ ...text, ...config, ...meta }), z.strictObject({ ...chat, ...config, ...meta })]);
export type PushItem = z.output<typeof pushItemSchema>;

/** Empty `params` or `tools` mean the same as none: one canonical form, one hash. */
export function normalizeContent(c: z.output<typeof promptContentSchema>): PromptContent {
  const out = { ...c } as PromptContent & Record<string, unknown>;
  if (out.params && Object.keys(out.params).length === 0) delete out.params;
  if (out.tools && out.tools.length === 0) delete out.tools;
  return out as PromptContent;
}

export function contentHash(content: PromptContent): string {
  return createHash("sha256").update(canonicalJson(content)).digest("hex");
}

/** The template texts of a version, in order: the text, or each message's content. */
export function templatesOf(content: PromptContent): string[] {
  return content.type === "text" ? [content.text] : content.messages.map((m) => m.content);
}
