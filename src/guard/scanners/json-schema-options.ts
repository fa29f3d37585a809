import { z } from "zod";

export const jsonSchemaOptions = z.strictObject({});
