import { AppError, NotFoundError } from "../../lib/errors.ts";
import { audit } from "../audit/record.ts";
import type { UserCtx } from "../context.ts";
import { dropPendingTokens } from "./password-reset.ts";
import { assertPasswordAllowed, hashPassword, verifyPassword } from "./passwords.ts";
import { revokeSessionRows } from "./sessions.ts";

/** A signed-in person's own account: profile, organizations, sessions, password. */
export async function getMe(ctx: UserCtx) {
  const user = await ctx.db
    .selectFrom("users")
    .select(["id", "email", "name", "totp_enabled_at", "created_at"])
    .where("id", "=", ctx.user.id)
    .executeTakeFirstOrThrow();
  const organizations = await ctx.db
    .selectFrom("memberships as m")
    .innerJoin("organizations as o", "o.id", "m.organization_id")
    .select(["o.id", "o.name", "m.role"])
    .where("m.user_id", "=", ctx.user.id)
    .orderBy("m.created_at")
    .execute();
  const session = ctx.user.sessionId
    ? await ctx.db
        .selectFrom("sessions")
        .select("organization_id")
        .where("id", "=", ctx.user.sessionId)
        .executeTakeFirst()
    : undefined;
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    totpEnabled: user.totp_enabled_at !== null,
    createdAt: user.created_at,
    currentOrganizationId: session?.organization_id ?? null,
    organizations,
  };
}

export async function logout(ctx: UserCtx): Promise<void> {
  if (!ctx.user.sessionId) return;
  await revokeSessionRows(ctx.db, { sessionIds: [ctx.user.sessionId] }, "logout", ctx.clock.now());
}

/** Ends every session of this person, this one included. */
export async function logoutEverywhere(ctx: UserCtx): Promise<number> {
  return ctx.db.transaction().execute(async (tx) => {
    const n = await revokeSessionRows(tx, { userIds: [ctx.user.id] }, "logout everywhere", ctx.clock.now());
    await audit(tx, ctx, {
      action: "user.logout_everywhere",
      target: { type: "user", id: ctx.user.id },
      summary: { sessions: n },
    });
    return n;
  });
}

export async function revokeOwnSession(ctx: UserCtx, sessionId: string): Promise<void> {
  const n = await ctx.db
    .updateTable("sessions")
    .set({ revoked_at: new Date(ctx.clock.now()), revoked_reason: "revoked by its owner" })
    .where("id", "=", sessionId)
    .where("user_id", "=", ctx.user.id)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  if (Number(n.numUpdatedRows) === 0) throw new NotFoundError("session", sessionId);
}

/** Makes this session act in another of the person's organizations. Not a member: 404. */
export async function switchOrganization(ctx: UserCtx, organizationId: string) {
  const membership = await ctx.db
    .selectFrom("memberships")
    .select("role")
    .where("user_id", "=", ctx.user.id)
    .where("organization_id", "=", organizationId)
    .executeTakeFirst();
  if (!membership || !ctx.user.sessionId) throw new NotFoundError("organization", organizationId);
  const session = await ctx.db
    .selectFrom("sessions")
    .select("sso_organization_id")
    .where("id", "=", ctx.user.sessionId)
    .executeTakeFirst();
  if (session?.sso_organization_id && session.sso_organization_id !== organizationId) {
    throw new AppError(
      "FORBIDDEN",
      "This session was made by single sign-on for one organization; sign in again to act in another",
    );
  }
  await ctx.db
    .updateTable("sessions")
    .set({ organization_id: organizationId })
    .where("id", "=", ctx.user.sessionId)
    .execute();
  return { organizationId, role: membership.role };
}

/**
 * Changes the password after checking the current one, and ends every other session of the person
 * (this one stays, so whoever changed it is not thrown out).
 */
export async function changePassword(ctx: UserCtx, input: { currentPassword: string; newPassword: string }) {
  const user = await ctx.db
    .selectFrom("users")
    .select(["password_hash", "email"])
    .where("id", "=", ctx.user.id)
    .executeTakeFirstOrThrow();
  if (!(await verifyPassword(user.password_hash, input.currentPassword))) {
    throw new AppError("FORBIDDEN", "The current password is wrong", {
      errors: [{ path: "body.currentPassword", message: "is wrong" }],
    });
  }
  assertPasswordAllowed(input.newPassword, user.email, "body.newPassword");
  const hash = await hashPassword(input.newPassword);
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (tx) => {
    await tx
      .updateTable("users")
      .set({ password_hash: hash, password_changed_at: new Date(now), updated_at: new Date(now) })
      .where("id", "=", ctx.user.id)
      .execute();
    // Reset and email-change links sent before the change die with the old password.
    await dropPendingTokens(tx, ctx.user.id);
    const ended = await revokeSessionRows(
      tx,
      { userIds: [ctx.user.id], exceptSessionId: ctx.user.sessionId },
      "password changed",
      now,
    );
    await audit(tx, ctx, {
      action: "user.password_change",
      target: { type: "user", id: ctx.user.id },
      summary: { sessionsEnded: ended },
    });
  });
}
