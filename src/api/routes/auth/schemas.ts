import { z } from "zod";
import { PASSWORD_MAX } from "../../../services/auth/passwords.ts";

export const Email = z.email().max(254).meta({ example: "ada@example.com" });
/** Length is checked by the policy after parsing, so a short password gets the policy's message. */
export const Password = z.string().min(1).max(PASSWORD_MAX);

export const TokenPair = z
  .object({
    mfaRequired: z.literal(false),
    tokenType: z.literal("Bearer"),
    accessToken: z.string(),
    refreshToken: z.string(),
    expiresIn: z.number().int().meta({ description: "Seconds the access token lives" }),
  })
  .meta({ id: "TokenPair" });

export const MfaChallenge = z
  .object({
    mfaRequired: z.literal(true),
    mfaToken: z
      .string()
      .meta({ description: "Send it with a code to POST /api/v1/auth/mfa within 5 minutes" }),
  })
  .meta({ id: "MfaChallenge" });

export function tokenPair(t: { accessToken: string; refreshToken: string; expiresIn: number }) {
  return {
    mfaRequired: false as const,
    tokenType: "Bearer" as const,
    accessToken: t.accessToken,
    refreshToken: t.refreshToken,
    expiresIn: t.expiresIn,
  };
}

export const SessionResponse = z
  .object({
    id: z.string(),
    current: z.boolean(),
    organizationId: z.string().nullable(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    createdAt: z.string(),
    lastSeenAt: z.string(),
    expiresAt: z.string(),
  })
  .meta({ id: "Session" });
