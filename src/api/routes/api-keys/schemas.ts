import { z } from "zod";
import { SCOPES } from "../../../domain/permissions.ts";
import { safeText } from "../../text.ts";

export const ApiKeyId = z.object({ id: z.string().max(40).meta({ example: "key_01jd…" }) });

export const CreateApiKeyBody = z.strictObject({
  name: safeText(100).meta({ example: "CI deploys" }),
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
