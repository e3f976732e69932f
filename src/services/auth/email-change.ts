import { AppError } from "../../lib/errors.ts";
import type { Db } from "../../storage/db.ts";
import { audit } from "../audit/record.ts";
import type { Origin, Runtime, UserCtx } from "../context.ts";
import { deliver, pageLink, tokenLink } from "../mail/messages.ts";
import { emailChangeConfirmMail, emailChangeNoticeMail } from "../mail/templates.ts";
import { normalizeEmail } from "./login.ts";
import { dropPendingTokens } from "./password-reset.ts";
import { verifyPassword } from "./passwords.ts";
import { hashToken, newSecretToken } from "./secrets.ts";
import { revokeSessionRows } from "./sessions.ts";
import { replaceUserToken } from "./user-tokens.ts";

/** A confirmation link works once and for one hour. */
const EMAIL_CHANGE_TTL_MS = 3_600_000;

/** With mail, the link went to the new address; without, the signed-in person gets it here. */
export type EmailChangeLink = { mail: "sent" } | { mail: "disabled"; confirmUrl: string };

/**
 * Starts an email change for the signed-in person, who proves it with their current password. The
 * confirmation link goes to the NEW address (only its reader can finish) and a notice to the old
 * one. A newer request replaces an older pending one.
 */
export async function requestEmailChange(
  ctx: UserCtx,
  input: { newEmail: string; currentPassword: string },
): Promise<EmailChangeLink> {
  const user = await ctx.db
    .selectFrom("users")
    .select(["email", "password_hash"])
    .where("id", "=", ctx.user.id)
    .executeTakeFirstOrThrow();
  if (!(await verifyPassword(user.password_hash, input.currentPassword))) {
    throw new AppError("FORBIDDEN", "The current password is wrong", {
      errors: [{ path: "body.currentPassword", message: "is wrong" }],
    });
  }
  const newEmail = normalizeEmail(input.newEmail);
  if (newEmail === user.email) {
    throw new AppError("VALIDATION", "This is already your email address", {
      errors: [{ path: "body.newEmail", message: "is your current address" }],
    });
  }
  if (await emailTaken(ctx.db, newEmail)) throw emailTakenError(["body.newEmail"]);
  const token = newSecretToken();
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (tx) => {
    await replaceUserToken(tx, {
      kind: "email_change",
      userId: ctx.user.id,
      token,
      ttlMs: EMAIL_CHANGE_TTL_MS,
      nowMs: now,
      payload: { email: newEmail },
    });
    await audit(tx, ctx, {
      action: "user.email_change_request",
      target: { type: "user", id: ctx.user.id },
      summary: { from: user.email, to: newEmail },
    });
  });
  const confirmUrl = tokenLink(ctx, "confirm-email", token);
  if (!ctx.mailer.enabled) return { mail: "disabled", confirmUrl };
  const confirm = emailChangeConfirmMail({ newEmail, url: confirmUrl, validForMs: EMAIL_CHANGE_TTL_MS });
  if ((await deliver(ctx, newEmail, confirm, "email_change_confirm")) === "failed") {
    throw new AppError("UNAVAILABLE", "The confirmation mail could not be sent; try again later");
  }
  const notice = emailChangeNoticeMail({ newEmail, resetUrl: pageLink(ctx, "reset-password") });
  await deliver(ctx, user.email, notice, "email_change_notice");
  return { mail: "sent" };
}

/**
 * Finishes an email change with the link from the new address. Someone who took the address in
 * the meantime wins (409). Every session ends, and links mailed to the old address stop working.
 */
export async function confirmEmailChange(
  rt: Runtime,
  token: string,
  origin: Origin | undefined,
): Promise<{ email: string }> {
  const now = rt.clock.now();
  try {
    return await rt.db.transaction().execute(async (tx) => {
      const spent = await tx
        .updateTable("user_tokens")
        .set({ used_at: new Date(now) })
        .where("token_hash", "=", hashToken(token))
        .where("kind", "=", "email_change")
        .where("used_at", "is", null)
        .where("expires_at", ">", new Date(now))
        .returning(["user_id", "payload"])
        .executeTakeFirst();
      const newEmail = spent?.payload.email;
      if (!spent?.user_id || typeof newEmail !== "string") throw invalidConfirmLink();
      if (await emailTaken(tx, newEmail)) throw emailTakenError([]);
      const user = await tx
        .selectFrom("users")
        .select(["id", "email"])
        .where("id", "=", spent.user_id)
        .executeTakeFirstOrThrow();
      await tx
        .updateTable("users")
        .set({ email: newEmail, updated_at: new Date(now) })
        .where("id", "=", user.id)
        .execute();
      await dropPendingTokens(tx, user.id);
      const ended = await revokeSessionRows(tx, { userIds: [user.id] }, "email changed", now);
      await audit(
        tx,
        { ...rt, user: { id: user.id, email: newEmail, sessionId: null }, origin },
        {
          action: "user.email_change",
          target: { type: "user", id: user.id },
          summary: { from: user.email, to: newEmail, sessionsEnded: ended },
        },
      );
      return { email: newEmail };
    });
  } catch (err) {
    // Two confirmations racing for one address: the unique index decides, the loser gets 409.
    if ((err as { code?: unknown }).code === "23505") throw emailTakenError([]);
    throw err;
  }
}

async function emailTaken(db: Db, email: string): Promise<boolean> {
  const row = await db.selectFrom("users").select("id").where("email", "=", email).executeTakeFirst();
  return row !== undefined;
}

function emailTakenError(paths: string[]): AppError {
  return new AppError("CONFLICT", "Another account uses this email address", {
    errors: paths.map((path) => ({ path, message: "is taken" })),
  });
}

function invalidConfirmLink(): AppError {
  return new AppError(
    "NOT_FOUND",
    "This confirmation link is not valid: it was used, replaced or has expired",
  );
}
