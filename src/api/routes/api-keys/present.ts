import { z } from "zod";
import type { ApiKeyView } from "../../../services/api-keys/api-keys.ts";

/** A key as the API shows it: the lookup prefix, never the token or its hash. */
export function presentApiKey(k: ApiKeyView) {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    scopes: k.scopes,
    createdBy: { id: k.createdBy.id, email: k.createdBy.email },
    createdAt: k.createdAt.toISOString(),
    expiresAt: k.expiresAt?.toISOString() ?? null,
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    lastUsedIp: k.lastUsedIp,
    revokedAt: k.revokedAt?.toISOString() ?? null,
    status: k.status,
  };
}

export const ApiKeyResponse = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string().meta({ description: "The token's first 12 characters, to recognise it" }),
    scopes: z.array(z.string()),
    createdBy: z.object({ id: z.string(), email: z.string() }),
    createdAt: z.string(),
    expiresAt: z.string().nullable(),
    lastUsedAt: z.string().nullable().meta({ description: "Updated at most once a minute" }),
    lastUsedIp: z.string().nullable(),
    revokedAt: z.string().nullable(),
    status: z.enum(["active", "expired", "revoked"]),
  })
  .meta({ id: "ApiKey" });

export const NewApiKeyResponse = ApiKeyResponse.extend({
  token: z.string().meta({ description: "The secret, shown this once; store it now", example: "upb_…" }),
}).meta({ id: "NewApiKey" });
