import { z } from "zod";
import { SCOPES } from "../../../domain/permissions.ts";

// C0/C1 controls, DEL and bidi overrides never belong in a name shown to other people.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

export const ApiKeyId = z.object({ id: z.string().max(40).meta({ example: "key_01jd…" }) });

export const CreateApiKeyBody = z.strictObject({
  name: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .refine((s) => !UNSAFE_CHARS.test(s), "must not contain control or bidi characters")
    .meta({ example: "CI deploys" }),
  scopes: z
    .array(z.enum(SCOPES))
    .min(1)
    .max(SCOPES.length)
    .refine((s) => new Set(s).size === s.length, "must not repeat a scope")
    .meta({ example: ["monitors:read", "monitors:write"] }),
  expiresAt: z.iso
    .datetime({ offset: true })
    .transform((s) => new Date(s))
    .optional()
    .meta({ description: "When the key stops working (ISO 8601); never, when absent" }),
});
export type CreateApiKeyBody = z.infer<typeof CreateApiKeyBody>;
