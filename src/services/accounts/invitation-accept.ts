import { isRole, type Role } from "../../domain/permissions.ts";
import { AppError } from "../../lib/errors.ts";
import type { Db } from "../../storage/db.ts";
import { audit } from "../audit/record.ts";
import { normalizeEmail } from "../auth/login.ts";
import { hashToken } from "../auth/secrets.ts";
import { createSession, type SessionTokens } from "../auth/sessions.ts";
import type { Origin, Runtime, UserCtx } from "../context.ts";
import { addMembership, insertUser } from "./users.ts";

/**
 * The one answer for an unknown, accepted, revoked or expired invitation token: which of these it
 * is stays hidden, so a leaked old link tells its finder nothing.
 */
function invalidInvitation(): AppError {
  return new AppError("NOT_FOUND", "This invitation link is not valid: it was used, revoked or has expired");
}

export interface InvitationLookup {
  organizationName: string;
  email: string;
  role: Role;
  expiresAt: Date;
  /** True when the invited email already has an account: the page then asks them to sign in. */
  accountExists: boolean;
}

/** What the accept page shows before the person decides; only for a link that still works. */
export async function lookupInvitation(rt: Runtime, token: string): Promise<InvitationLookup> {
  const row = await rt.db
    .selectFrom("invitations as i")
    .innerJoin("organizations as o", "o.id", "i.organization_id")
    .leftJoin("users as u", "u.email", "i.email")
    .select(["o.name", "i.email", "i.role", "i.expires_at", "u.id as user_id"])
    .where("i.token_hash", "=", hashToken(token))
    .where("i.accepted_at", "is", null)
    .where("i.revoked_at", "is", null)
    .where("i.expires_at", ">", new Date(rt.clock.now()))
    .executeTakeFirst();
  if (!row || !isRole(row.role)) throw invalidInvitation();
  return {
    organizationName: row.name,
    email: row.email,
    role: row.role,
    expiresAt: row.expires_at,
    accountExists: row.user_id !== null,
  };
}

/**
 * A new person accepts: creates their account with the invited email (the password policy
 * applies), adds the membership and signs them in to that organization. An email that already has
 * an account gets 409 and must sign in first; the link then still works.
 */
export async function acceptInvitationAsNewUser(
  rt: Runtime,
  input: { token: string; password: string; name?: string },
  origin: Origin | undefined,
): Promise<{ userId: string; organizationId: string; tokens: SessionTokens }> {
  const now = rt.clock.now();
  const done = await rt.db.transaction().execute(async (tx) => {
    const inv = await spendInvitation(tx, input.token, now);
    const existing = await tx
      .selectFrom("users")
      .select("id")
      .where("email", "=", inv.email)
      .executeTakeFirst();
    if (existing) {
      throw new AppError(
        "CONFLICT",
        "An account with the invited email exists: sign in first, then accept the invitation from your account",
      );
    }
    const user = await insertUser(tx, { email: inv.email, password: input.password, name: input.name }, now);
    await join(tx, { ...rt, user: { ...user, sessionId: null }, origin }, inv, now, true);
    return { userId: user.id, organizationId: inv.organizationId };
  });
  const tokens = await createSession(rt, { id: done.userId, organizationId: done.organizationId }, origin);
  return { ...done, tokens };
}

/**
 * A signed-in person accepts: the invitation binds to the invited email, so only the account
 * with that email may use it (403 otherwise). Their session stays where it acts; they switch.
 */
export async function acceptInvitationAsExistingUser(
  ctx: UserCtx,
  token: string,
): Promise<{ organizationId: string; role: Role }> {
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (tx) => {
    const inv = await spendInvitation(tx, token, now);
    if (normalizeEmail(ctx.user.email) !== inv.email) {
      throw new AppError(
        "FORBIDDEN",
        "This invitation is for another email address; sign in with the invited address",
      );
    }
    const member = await tx
      .selectFrom("memberships")
      .select("role")
      .where("organization_id", "=", inv.organizationId)
      .where("user_id", "=", ctx.user.id)
      .executeTakeFirst();
    if (member) throw new AppError("CONFLICT", "You are already a member of this organization");
    await join(tx, ctx, inv, now, false);
    return { organizationId: inv.organizationId, role: inv.role };
  });
}

interface SpentInvitation {
  id: string;
  organizationId: string;
  email: string;
  role: Role;
}

/**
 * Marks the invitation accepted if, and only if, it is still pending: one conditional UPDATE, so
 * two people racing with the same link cannot both get in. The caller's transaction may roll it back.
 */
async function spendInvitation(db: Db, token: string, now: number): Promise<SpentInvitation> {
  const row = await db
    .updateTable("invitations")
    .set({ accepted_at: new Date(now) })
    .where("token_hash", "=", hashToken(token))
    .where("accepted_at", "is", null)
    .where("revoked_at", "is", null)
    .where("expires_at", ">", new Date(now))
    .returning(["id", "organization_id", "email", "role"])
    .executeTakeFirst();
  if (!row || !isRole(row.role)) throw invalidInvitation();
  return { id: row.id, organizationId: row.organization_id, email: row.email, role: row.role };
}

async function join(db: Db, ctx: UserCtx, inv: SpentInvitation, now: number, newAccount: boolean) {
  await addMembership(db, inv.organizationId, ctx.user.id, inv.role, now);
  await db.updateTable("invitations").set({ accepted_by: ctx.user.id }).where("id", "=", inv.id).execute();
  await audit(db, ctx, {
    action: "invitation.accept",
    organizationId: inv.organizationId,
    target: { type: "invitation", id: inv.id },
    summary: { email: inv.email, role: inv.role, newAccount },
  });
}
