import { z } from "zod";

/** Most inputs one moderation call screens: each is scanned under every applicable policy. */
export const MAX_MODERATION_INPUTS = 256;
const MAX_TEXT = 1_000_000;

const textInput = z.strictObject({ type: z.literal("text"), text: z.string().max(MAX_TEXT) });
const imageInput = z.strictObject({ type: z.literal("image_url"), image_url: z.strictObject({ url: z.string().max(20_000_000) }) });

/** `POST /v1/moderations` as OpenAI defines it: a string, strings, or text and image objects. */
export const moderationsRequestSchema = z.strictObject({
  input: z.union([
    z.string().max(MAX_TEXT),
    z.array(z.string().max(MAX_TEXT)).min(1).max(MAX_MODERATION_INPUTS),
    z.array(z.discriminatedUnion("type", [textInput, imageInput])).min(1).max(MAX_MODERATION_INPUTS),
  ]),
  model: z.string().min(1).max(256).optional(),
});

export type ModerationsRequest = z.output<typeof moderationsRequestSchema>;
