import { AppError } from "../../lib/errors.ts";
import { newId } from "../../lib/ids.ts";
import type { Origin, Runtime } from "../context.ts";
import { passwordLoginBlocked } from "../sso/discover.ts";
import { signToken } from "./access-tokens.ts";
import { verifyPassword } from "./passwords.ts";
import { createSession, type SessionTokens } from "./sessions.ts";

export type LoginResult =
  | ({ mfaRequired: false; userId: string } & SessionTokens)
  | { mfaRequired: true; userId: string; mfaToken: string };

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * Email and password. Unknown email and wrong password take the same time and give the same
 * answer. With a second factor enabled, no session is made yet: the caller gets a 5-minute token
 * to complete with a code.
 */
export async function login(
  rt: Runtime,
  input: { email: string; password: string },
  origin: Origin | undefined,
): Promise<LoginResult> {
  const user = await rt.db
    .selectFrom("users")
    .select(["id", "password_hash", "totp_enabled_at"])
    .where("email", "=", normalizeEmail(input.email))
    .executeTakeFirst();
  const ok = await verifyPassword(user?.password_hash, input.password);
  if (!user || !ok) throw new AppError("UNAUTHENTICATED", "The email or the password is wrong");
  // Asked only after a right password, so it tells a stranger nothing about the account.
  if (await passwordLoginBlocked(rt.db, user.id)) {
    throw new AppError("FORBIDDEN", "Your organization signs in with single sign-on: use “Sign in with SSO”");
  }
  if (user.totp_enabled_at) {
    const mfaToken = await signToken(rt.keys.jwt, "mfa", { sub: user.id, sid: newId("ses") }, rt.clock.now());
    return { mfaRequired: true, userId: user.id, mfaToken };
  }
  return { mfaRequired: false, userId: user.id, ...(await startSessionFor(rt, user.id, origin)) };
}

/** A session in the person's first organization (the oldest membership), or in none yet. */
export async function startSessionFor(
  rt: Runtime,
  userId: string,
  origin: Origin | undefined,
): Promise<SessionTokens> {
  const first = await rt.db
    .selectFrom("memberships")
    .select("organization_id")
    .where("user_id", "=", userId)
    .orderBy("created_at")
    .orderBy("organization_id")
    .limit(1)
    .executeTakeFirst();
  return createSession(rt, { id: userId, organizationId: first?.organization_id ?? null }, origin);
}
