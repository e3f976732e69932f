import { AppError } from "../../lib/errors.ts";
import type { Origin, Runtime, UserCtx } from "../context.ts";
import { verifyToken } from "./access-tokens.ts";
import { startSessionFor } from "./login.ts";
import { checkSecondFactor, clearAttempts, reserveAttempt } from "./second-factor.ts";
import type { SessionTokens } from "./sessions.ts";

export interface MfaLoginInput {
  /** The 5-minute token `login()` returned instead of a session. */
  mfaToken: string;
  code?: string | undefined;
  recoveryCode?: string | undefined;
}

/**
 * The second half of a sign-in with a second factor: the MFA token from the password step, then a
 * code (or a recovery code), and only then a session. An access token is refused here (other
 * audience), and wrong codes count against the account's attempt limit (5 per 5 minutes), which
 * holds across MFA tokens so signing in again does not buy more guesses.
 */
export async function completeMfaLogin(
  rt: Runtime,
  input: MfaLoginInput,
  origin: Origin | undefined,
): Promise<SessionTokens> {
  const claims = await verifyToken(rt.keys.jwt, "mfa", input.mfaToken, rt.clock.now());
  const user = await rt.db
    .selectFrom("users")
    .select(["id", "email", "totp_secret", "totp_enabled_at", "totp_last_step"])
    .where("id", "=", claims.sub)
    .executeTakeFirst();
  // The factor was turned off (or the account deleted) since the password step: start over.
  if (!user?.totp_enabled_at || !user.totp_secret) throw new AppError("UNAUTHENTICATED", "Sign in again");
  await reserveAttempt(rt, user.id);
  const ctx: UserCtx = { ...rt, user: { id: user.id, email: user.email, sessionId: null }, origin };
  const state = { userId: user.id, sealedSecret: user.totp_secret, lastStep: user.totp_last_step };
  if (!(await checkSecondFactor(ctx, state, input))) {
    const path = input.code !== undefined ? "body.code" : "body.recoveryCode";
    throw new AppError("UNAUTHENTICATED", "The code is wrong or was already used", {
      errors: [{ path, message: "is wrong or was already used" }],
    });
  }
  await clearAttempts(rt.db, user.id);
  return startSessionFor(rt, user.id, origin);
}
