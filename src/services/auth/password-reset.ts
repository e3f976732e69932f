import { AppError } from "../../lib/errors.ts";
import type { Db } from "../../storage/db.ts";
import { audit } from "../audit/record.ts";
import type { Origin, Runtime } from "../context.ts";
import { deliver, tokenLink } from "../mail/messages.ts";
import { passwordResetMail } from "../mail/templates.ts";
import { normalizeEmail } from "./login.ts";
import { assertPasswordAllowed, hashPassword } from "./passwords.ts";
import { hashToken, newSecretToken } from "./secrets.ts";
import { revokeSessionRows } from "./sessions.ts";
import { replaceUserToken } from "./user-tokens.ts";

/** A reset link works once and for one hour. */
const RESET_TTL_MS = 3_600_000;

/**
 * Asks for a reset link. Returns at once, before looking the email up: the lookup, the token and
 * the mail happen in the background, so a known and an unknown email get the same answer in the
 * same time. Without SMTP the link goes to the server log (warn) for an operator, never to the caller.
 */
export function requestPasswordReset(rt: Runtime, email: string, origin: Origin | undefined): void {
  issueReset(rt, normalizeEmail(email), origin).catch((err: unknown) => {
    rt.log.error({ category: "mail", err }, "password reset request failed");
  });
}

async function issueReset(rt: Runtime, email: string, origin: Origin | undefined): Promise<void> {
  const user = await rt.db
    .selectFrom("users")
    .select(["id", "email"])
    .where("email", "=", email)
    .executeTakeFirst();
  if (!user) return;
  const token = newSecretToken();
  const now = rt.clock.now();
  await rt.db.transaction().execute(async (tx) => {
    // A new request replaces older unused links: only the newest one works.
    await replaceUserToken(tx, {
      kind: "password_reset",
      userId: user.id,
      token,
      ttlMs: RESET_TTL_MS,
      nowMs: now,
    });
    await audit(
      tx,
      { ...rt, user: { ...user, sessionId: null }, origin },
      {
        action: "user.password_reset_request",
        target: { type: "user", id: user.id },
        // Anyone can ask for a link; the row records where the request came from, not who.
        summary: { signedIn: false },
      },
    );
  });
  const url = tokenLink(rt, "reset-password", token);
  if (!rt.mailer.enabled) {
    rt.log.warn(
      { category: "mail", userId: user.id, email: user.email, resetUrl: url },
      "no SMTP server is configured: password reset link for an operator to pass on",
    );
    return;
  }
  await deliver(rt, user.email, passwordResetMail({ url, validForMs: RESET_TTL_MS }), "password_reset");
}

/**
 * Sets a new password with a reset link: the policy applies, the link is spent, every session of
 * the person ends, and pending email changes are cancelled (a thief's request dies with the reset).
 * No session is started: the person signs in, with their second factor if they have one.
 */
export async function confirmPasswordReset(
  rt: Runtime,
  input: { token: string; password: string },
  origin: Origin | undefined,
): Promise<void> {
  const tokenHash = hashToken(input.token);
  const now = rt.clock.now();
  const pending = await rt.db
    .selectFrom("user_tokens as t")
    .innerJoin("users as u", "u.id", "t.user_id")
    .select(["u.id", "u.email"])
    .where("t.token_hash", "=", tokenHash)
    .where("t.kind", "=", "password_reset")
    .where("t.used_at", "is", null)
    .where("t.expires_at", ">", new Date(now))
    .executeTakeFirst();
  if (!pending) throw invalidResetLink();
  assertPasswordAllowed(input.password, pending.email);
  const hash = await hashPassword(input.password);
  await rt.db.transaction().execute(async (tx) => {
    // Spent only if still unused: a second request racing with the same link finds nothing.
    const spent = await tx
      .updateTable("user_tokens")
      .set({ used_at: new Date(now) })
      .where("token_hash", "=", tokenHash)
      .where("used_at", "is", null)
      .returning("user_id")
      .executeTakeFirst();
    if (!spent) throw invalidResetLink();
    await tx
      .updateTable("users")
      .set({ password_hash: hash, password_changed_at: new Date(now), updated_at: new Date(now) })
      .where("id", "=", pending.id)
      .execute();
    await dropPendingTokens(tx, pending.id);
    const ended = await revokeSessionRows(tx, { userIds: [pending.id] }, "password reset", now);
    await audit(
      tx,
      { ...rt, user: { ...pending, sessionId: null }, origin },
      {
        action: "user.password_reset",
        target: { type: "user", id: pending.id },
        summary: { sessionsEnded: ended },
      },
    );
  });
}

/** Voids a person's unused reset and email-change links (spent ones stay as a record). */
export async function dropPendingTokens(db: Db, userId: string): Promise<void> {
  await db
    .deleteFrom("user_tokens")
    .where("user_id", "=", userId)
    .where("kind", "in", ["password_reset", "email_change"])
    .where("used_at", "is", null)
    .execute();
}

function invalidResetLink(): AppError {
  return new AppError("NOT_FOUND", "This reset link is not valid: it was used, replaced or has expired");
}
