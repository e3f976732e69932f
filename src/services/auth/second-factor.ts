import { sql } from "kysely";
import { AppError } from "../../lib/errors.ts";
import { decryptSecret } from "../../lib/keys.ts";
import type { Db } from "../../storage/db.ts";
import { audit } from "../audit/record.ts";
import type { Runtime, UserCtx } from "../context.ts";
import { MFA_TTL_SECONDS } from "./access-tokens.ts";
import { matchingStep, newRecoveryCodes, recoveryCodeHash } from "./totp-codes.ts";

/** Wrong answers (codes, or passwords in the account's second-factor settings) per window. */
export const MAX_SECOND_FACTOR_ATTEMPTS = 5;
/** The window starts at the first attempt and lasts as long as an MFA token. */
const ATTEMPT_WINDOW_MS = MFA_TTL_SECONDS * 1000;

/**
 * Takes one of the account's second-factor attempts before any code or password is checked, in
 * one conditional UPDATE: concurrent requests cannot all squeeze in under the limit, and the
 * count lives in the database, so it holds across API processes. A correct answer gives the
 * attempts back (`clearAttempts`); the sixth try within the window is refused with 429.
 */
export async function reserveAttempt(rt: Runtime, userId: string): Promise<void> {
  const now = new Date(rt.clock.now());
  const windowEnd = new Date(now.getTime() + ATTEMPT_WINDOW_MS);
  const open = sql<boolean>`totp_attempts_window_end > ${now}::timestamptz`;
  const taken = await rt.db
    .updateTable("users")
    .set({
      totp_attempts: sql<number>`CASE WHEN ${open} THEN totp_attempts + 1 ELSE 1 END`,
      totp_attempts_window_end: sql<Date>`CASE WHEN ${open} THEN totp_attempts_window_end ELSE ${windowEnd}::timestamptz END`,
    })
    .where("id", "=", userId)
    .where((eb) =>
      eb.or([
        eb("totp_attempts_window_end", "is", null),
        eb("totp_attempts_window_end", "<=", now),
        eb("totp_attempts", "<", MAX_SECOND_FACTOR_ATTEMPTS),
      ]),
    )
    .executeTakeFirst();
  if (Number(taken.numUpdatedRows) === 1) return;
  const row = await rt.db
    .selectFrom("users")
    .select("totp_attempts_window_end")
    .where("id", "=", userId)
    .executeTakeFirst();
  if (!row) throw new AppError("UNAUTHENTICATED", "Sign in again");
  const waitMs = (row.totp_attempts_window_end?.getTime() ?? now.getTime()) - now.getTime();
  const retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 1000));
  throw new AppError(
    "LIMIT_EXCEEDED",
    `Too many wrong attempts at the second factor; try again in ${retryAfterSeconds} s`,
    { retryAfterSeconds },
  );
}

/** After a correct answer the count starts over. */
export async function clearAttempts(db: Db, userId: string): Promise<void> {
  await db
    .updateTable("users")
    .set({ totp_attempts: 0, totp_attempts_window_end: null })
    .where("id", "=", userId)
    .execute();
}

export interface TotpState {
  userId: string;
  /** The encrypted secret as stored in users.totp_secret. */
  sealedSecret: string;
  lastStep: string | null;
}

/**
 * Accepts a TOTP code at most once. The step is claimed with a conditional UPDATE (only if it is
 * after the last accepted step, and only while the secret and the enrolment state are still those
 * the code was checked against), so two requests with the same code cannot both pass.
 */
export async function acceptTotpCode(
  rt: Runtime,
  state: TotpState,
  code: string,
  enrolment: "pending" | "enabled",
): Promise<boolean> {
  const secret = decryptSecret(rt.keys.encryption, state.sealedSecret);
  const lastStep = state.lastStep === null ? null : Number(state.lastStep);
  const step = matchingStep(secret, code, rt.clock.now(), lastStep);
  if (step === undefined) return false;
  const claimed = await rt.db
    .updateTable("users")
    .set({ totp_last_step: step })
    .where("id", "=", state.userId)
    .where("totp_secret", "=", state.sealedSecret)
    .where("totp_enabled_at", enrolment === "enabled" ? "is not" : "is", null)
    .where((eb) => eb.or([eb("totp_last_step", "is", null), eb("totp_last_step", "<", String(step))]))
    .executeTakeFirst();
  return Number(claimed.numUpdatedRows) === 1;
}

/**
 * Spends one recovery code of this person (single use: a conditional update of `used_at`) and
 * records it in the audit log with how many are left.
 */
export async function useRecoveryCode(ctx: UserCtx, input: string): Promise<boolean> {
  const hash = recoveryCodeHash(ctx.user.id, input);
  if (!hash) return false;
  return ctx.db.transaction().execute(async (tx) => {
    const spent = await tx
      .updateTable("recovery_codes")
      .set({ used_at: new Date(ctx.clock.now()) })
      .where("user_id", "=", ctx.user.id)
      .where("code_hash", "=", hash)
      .where("used_at", "is", null)
      .executeTakeFirst();
    if (Number(spent.numUpdatedRows) !== 1) return false;
    const left = await tx
      .selectFrom("recovery_codes")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("user_id", "=", ctx.user.id)
      .where("used_at", "is", null)
      .executeTakeFirstOrThrow();
    await audit(tx, ctx, {
      action: "user.recovery_code_use",
      target: { type: "user", id: ctx.user.id },
      summary: { remaining: Number(left.n) },
    });
    return true;
  });
}

/** A code or a recovery code, whichever was sent, checked against an enabled second factor. */
export async function checkSecondFactor(
  ctx: UserCtx,
  state: TotpState,
  input: { code?: string | undefined; recoveryCode?: string | undefined },
): Promise<boolean> {
  if (input.code !== undefined) return acceptTotpCode(ctx, state, input.code, "enabled");
  if (input.recoveryCode !== undefined) return useRecoveryCode(ctx, input.recoveryCode);
  return false;
}

/** Replaces every recovery code of the person with ten new ones; returns them (shown once). */
export async function replaceRecoveryCodes(tx: Db, userId: string): Promise<string[]> {
  const codes = newRecoveryCodes(userId);
  await tx.deleteFrom("recovery_codes").where("user_id", "=", userId).execute();
  await tx
    .insertInto("recovery_codes")
    .values(codes.map((c) => ({ user_id: userId, code_hash: c.hash, used_at: null })))
    .execute();
  return codes.map((c) => c.code);
}
