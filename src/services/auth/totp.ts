import { AppError } from "../../lib/errors.ts";
import { encryptSecret } from "../../lib/keys.ts";
import { audit } from "../audit/record.ts";
import type { UserCtx } from "../context.ts";
import { verifyPassword } from "./passwords.ts";
import {
  acceptTotpCode,
  checkSecondFactor,
  clearAttempts,
  replaceRecoveryCodes,
  reserveAttempt,
  type TotpState,
} from "./second-factor.ts";
import { newTotpSecret, totpUri } from "./totp-codes.ts";

/**
 * A person's own second factor: enrol (password), confirm with a first code (recovery codes are
 * shown then, once), turn off (password and a code or recovery code), new recovery codes
 * (password and a code). Every password and code checked here counts against the account's
 * second-factor attempt limit, so a stolen session cannot be used to guess either.
 */

export interface TotpEnrolment {
  /** Base32, for typing into an app by hand. */
  secret: string;
  /** `otpauth://totp/Upblit:<email>?…`, for a QR code. */
  uri: string;
}

/**
 * Starts enrolment: a new secret, stored encrypted while the second factor stays off until a
 * first code confirms it. Calling it again before confirming replaces the pending secret.
 */
export async function enrollTotp(ctx: UserCtx, input: { password: string }): Promise<TotpEnrolment> {
  const user = await loadUser(ctx);
  if (user.totp_enabled_at) throw alreadyOn();
  await reserveAttempt(ctx, user.id);
  await requirePassword(user.password_hash, input.password);
  const secret = newTotpSecret();
  await ctx.db.transaction().execute(async (tx) => {
    const now = new Date(ctx.clock.now());
    const set = await tx
      .updateTable("users")
      .set({ totp_secret: encryptSecret(ctx.keys.encryption, secret), totp_last_step: null, updated_at: now })
      .where("id", "=", user.id)
      .where("totp_enabled_at", "is", null)
      .executeTakeFirst();
    if (Number(set.numUpdatedRows) !== 1) throw alreadyOn();
    await clearAttempts(tx, user.id);
    await audit(tx, ctx, { action: "user.totp_enroll", target: { type: "user", id: user.id } });
  });
  return { secret, uri: totpUri(secret, user.email) };
}

/** Turns the second factor on with a first valid code; returns the recovery codes, shown once. */
export async function confirmTotp(ctx: UserCtx, input: { code: string }): Promise<string[]> {
  const user = await loadUser(ctx);
  if (user.totp_enabled_at) throw alreadyOn();
  if (!user.totp_secret) {
    throw new AppError("PRECONDITION_FAILED", "Start enrolment first (POST /api/v1/me/totp)");
  }
  const state = { userId: user.id, sealedSecret: user.totp_secret, lastStep: user.totp_last_step };
  await reserveAttempt(ctx, user.id);
  if (!(await acceptTotpCode(ctx, state, input.code, "pending"))) throw wrongCode("body.code");
  return ctx.db.transaction().execute(async (tx) => {
    const now = new Date(ctx.clock.now());
    const set = await tx
      .updateTable("users")
      .set({ totp_enabled_at: now, updated_at: now })
      .where("id", "=", user.id)
      .where("totp_enabled_at", "is", null)
      .where("totp_secret", "=", state.sealedSecret)
      .executeTakeFirst();
    if (Number(set.numUpdatedRows) !== 1) throw alreadyOn();
    const codes = await replaceRecoveryCodes(tx, user.id);
    await clearAttempts(tx, user.id);
    await audit(tx, ctx, {
      action: "user.totp_enable",
      target: { type: "user", id: user.id },
      summary: { recoveryCodes: codes.length },
    });
    return codes;
  });
}

/** Turns the second factor off: forgets the secret and deletes the recovery codes. */
export async function disableTotp(
  ctx: UserCtx,
  input: { password: string; code?: string | undefined; recoveryCode?: string | undefined },
): Promise<void> {
  const { user, state } = await loadEnabled(ctx);
  await reserveAttempt(ctx, user.id);
  await requirePassword(user.password_hash, input.password);
  if (!(await checkSecondFactor(ctx, state, input))) {
    throw wrongCode(input.code !== undefined ? "body.code" : "body.recoveryCode");
  }
  await ctx.db.transaction().execute(async (tx) => {
    const now = new Date(ctx.clock.now());
    await tx
      .updateTable("users")
      .set({ totp_secret: null, totp_enabled_at: null, totp_last_step: null, updated_at: now })
      .where("id", "=", user.id)
      .execute();
    await tx.deleteFrom("recovery_codes").where("user_id", "=", user.id).execute();
    await clearAttempts(tx, user.id);
    await audit(tx, ctx, {
      action: "user.totp_disable",
      target: { type: "user", id: user.id },
      summary: { confirmedWith: input.code !== undefined ? "code" : "recovery_code" },
    });
  });
}

/** Ten new recovery codes; every earlier one stops working. Returned once. */
export async function regenerateRecoveryCodes(
  ctx: UserCtx,
  input: { password: string; code: string },
): Promise<string[]> {
  const { user, state } = await loadEnabled(ctx);
  await reserveAttempt(ctx, user.id);
  await requirePassword(user.password_hash, input.password);
  if (!(await acceptTotpCode(ctx, state, input.code, "enabled"))) throw wrongCode("body.code");
  return ctx.db.transaction().execute(async (tx) => {
    const codes = await replaceRecoveryCodes(tx, user.id);
    await clearAttempts(tx, user.id);
    await audit(tx, ctx, {
      action: "user.recovery_codes_regenerate",
      target: { type: "user", id: user.id },
      summary: { recoveryCodes: codes.length },
    });
    return codes;
  });
}

async function loadUser(ctx: UserCtx) {
  return ctx.db
    .selectFrom("users")
    .select(["id", "email", "password_hash", "totp_secret", "totp_enabled_at", "totp_last_step"])
    .where("id", "=", ctx.user.id)
    .executeTakeFirstOrThrow();
}

async function loadEnabled(ctx: UserCtx) {
  const user = await loadUser(ctx);
  if (!user.totp_enabled_at || !user.totp_secret) {
    throw new AppError("CONFLICT", "The second factor is not turned on for this account");
  }
  const state: TotpState = { userId: user.id, sealedSecret: user.totp_secret, lastStep: user.totp_last_step };
  return { user, state };
}

async function requirePassword(hash: string, password: string): Promise<void> {
  if (!(await verifyPassword(hash, password))) {
    throw new AppError("FORBIDDEN", "The password is wrong", {
      errors: [{ path: "body.password", message: "is wrong" }],
    });
  }
}

function wrongCode(path: string): AppError {
  return new AppError("FORBIDDEN", "The code is wrong or was already used", {
    errors: [{ path, message: "is wrong or was already used" }],
  });
}

function alreadyOn(): AppError {
  return new AppError("CONFLICT", "The second factor is already on; turn it off first to enrol again");
}
