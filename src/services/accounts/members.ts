import {
  isRole,
  keyPermissions,
  type Permission,
  ROLE_PERMISSIONS,
  type Role,
} from "../../domain/permissions.ts";
import { AppError, NotFoundError } from "../../lib/errors.ts";
import type { Db } from "../../storage/db.ts";
import { audit } from "../audit/record.ts";
import { revokeSessionRows } from "../auth/sessions.ts";
import type { Ctx } from "../context.ts";
import type { Page } from "../page.ts";
import { toPage } from "../page.ts";

export interface MemberView {
  userId: string;
  email: string;
  name: string;
  role: string;
  joinedAt: Date;
}

/** Members of the caller's organization, oldest account first (keyset on the user id). */
export async function listMembers(
  ctx: Ctx,
  page: { after?: string; limit: number },
): Promise<Page<MemberView>> {
  let q = memberQuery(ctx.db, ctx.organizationId);
  if (page.after) q = q.where("m.user_id", ">", page.after);
  const rows = await q
    .orderBy("m.user_id")
    .limit(page.limit + 1)
    .execute();
  return toPage(rows, page.limit, toView, (r) => r.user_id);
}

/**
 * Gives a member another role. Nobody changes their own role; only an owner makes or unmakes an
 * owner; an admin sets roles up to admin; the organization always keeps an owner. The person's
 * sessions acting here end at once; their API keys follow the new role on their next request.
 */
export async function changeMemberRole(ctx: Ctx, userId: string, role: Role): Promise<MemberView> {
  return ctx.db.transaction().execute(async (tx) => {
    const standing = await lockAndStanding(tx, ctx);
    const target = await findMember(tx, ctx.organizationId, userId);
    if (target.user_id === standing.personId) {
      throw new AppError("FORBIDDEN", "Nobody can change their own role; ask another admin or owner");
    }
    if ((target.role === "owner" || role === "owner") && !standing.mayOwn) {
      throw new AppError("FORBIDDEN", "Only an owner can make someone owner or change an owner's role", {
        permission: "org:owner",
      });
    }
    if (target.role === role) return toView(target);
    if (target.role === "owner") await assertAnotherOwner(tx, ctx.organizationId);
    await tx
      .updateTable("memberships")
      .set({ role })
      .where("organization_id", "=", ctx.organizationId)
      .where("user_id", "=", userId)
      .execute();
    const ended = await revokeSessionRows(
      tx,
      { userIds: [userId], organizationId: ctx.organizationId },
      "role changed",
      ctx.clock.now(),
    );
    await audit(tx, ctx, {
      action: "member.role_change",
      target: { type: "user", id: userId },
      summary: { email: target.email, from: target.role, to: role, sessionsEnded: ended },
    });
    return toView({ ...target, role });
  });
}

/**
 * Hands the ownership to another member in one step: they become owner, the caller (an owner,
 * signed in as a person) becomes admin. Other owners stay owners. The new owner's sessions here
 * end, as with any role change; the caller's go on with the admin role from the next request.
 */
export async function transferOwnership(ctx: Ctx, userId: string): Promise<MemberView> {
  const actor = ctx.actor;
  if (actor.kind !== "user") {
    throw new AppError("FORBIDDEN", "Only a person can hand over ownership, not an API key");
  }
  return ctx.db.transaction().execute(async (tx) => {
    const standing = await lockAndStanding(tx, ctx);
    if (!standing.mayOwn) {
      throw new AppError("FORBIDDEN", "Only an owner can hand over ownership", { permission: "org:owner" });
    }
    const target = await findMember(tx, ctx.organizationId, userId);
    if (target.user_id === actor.userId) {
      throw new AppError("CONFLICT", "You already own the organization; pick another member");
    }
    await tx
      .updateTable("memberships")
      .set({ role: "owner" })
      .where("organization_id", "=", ctx.organizationId)
      .where("user_id", "=", userId)
      .execute();
    await tx
      .updateTable("memberships")
      .set({ role: "admin" })
      .where("organization_id", "=", ctx.organizationId)
      .where("user_id", "=", actor.userId)
      .execute();
    const ended = await revokeSessionRows(
      tx,
      { userIds: [userId], organizationId: ctx.organizationId },
      "role changed",
      ctx.clock.now(),
    );
    await audit(tx, ctx, {
      action: "member.ownership_transfer",
      target: { type: "user", id: userId },
      summary: { email: target.email, from: target.role, previousOwnerNowAdmin: true, sessionsEnded: ended },
    });
    return toView({ ...target, role: "owner" });
  });
}

/**
 * Takes a member out of the organization (owners only by an owner; never the last one). Their
 * sessions acting here end, their API keys here are revoked and the invitations they sent and
 * nobody accepted yet stop working.
 */
export async function removeMember(ctx: Ctx, userId: string): Promise<void> {
  await ctx.db.transaction().execute(async (tx) => {
    const standing = await lockAndStanding(tx, ctx);
    const target = await findMember(tx, ctx.organizationId, userId);
    if (target.user_id === standing.personId) {
      throw new AppError("FORBIDDEN", "You cannot remove yourself; leave with POST /api/v1/members/me/leave");
    }
    if (target.role === "owner" && !standing.mayOwn) {
      throw new AppError("FORBIDDEN", "Only an owner can remove an owner", { permission: "org:owner" });
    }
    if (target.role === "owner") await assertAnotherOwner(tx, ctx.organizationId);
    const left = await dropMembership(tx, ctx, userId);
    const ended = await revokeSessionRows(
      tx,
      { userIds: [userId], organizationId: ctx.organizationId },
      "removed from the organization",
      ctx.clock.now(),
    );
    await audit(tx, ctx, {
      action: "member.remove",
      target: { type: "user", id: userId },
      summary: { email: target.email, role: target.role, sessionsEnded: ended, ...left },
    });
  });
}

/**
 * The caller leaves the organization. Only a person can leave (an API key cannot take its
 * creator out), and the last owner cannot. Their sessions acting here stay signed in but act in
 * no organization until they switch to another one.
 */
export async function leaveOrganization(ctx: Ctx): Promise<void> {
  const actor = ctx.actor;
  if (actor.kind !== "user") {
    throw new AppError("FORBIDDEN", "Only a person can leave an organization, not an API key");
  }
  await ctx.db.transaction().execute(async (tx) => {
    await lockOrganization(tx, ctx.organizationId);
    const me = await findMember(tx, ctx.organizationId, actor.userId);
    if (me.role === "owner") await assertAnotherOwner(tx, ctx.organizationId);
    const left = await dropMembership(tx, ctx, actor.userId);
    await tx
      .updateTable("sessions")
      .set({ organization_id: null })
      .where("user_id", "=", actor.userId)
      .where("organization_id", "=", ctx.organizationId)
      .execute();
    await audit(tx, ctx, {
      action: "member.leave",
      target: { type: "user", id: actor.userId },
      summary: { email: me.email, role: me.role, ...left },
    });
  });
}

function memberQuery(db: Db, organizationId: string) {
  return db
    .selectFrom("memberships as m")
    .innerJoin("users as u", "u.id", "m.user_id")
    .select(["m.user_id", "m.role", "m.created_at", "u.email", "u.name"])
    .where("m.organization_id", "=", organizationId);
}

type MemberRow = { user_id: string; role: string; created_at: Date; email: string; name: string };

function toView(r: MemberRow): MemberView {
  return { userId: r.user_id, email: r.email, name: r.name, role: r.role, joinedAt: r.created_at };
}

/** A member of this organization; someone elsewhere and nobody at all both give 404. */
async function findMember(db: Db, organizationId: string, userId: string): Promise<MemberRow> {
  const row = await memberQuery(db, organizationId).where("m.user_id", "=", userId).executeTakeFirst();
  if (!row) throw new NotFoundError("member", userId);
  return row;
}

/**
 * Membership changes of one organization run one at a time: two owners demoting each other at
 * once must not leave it with none.
 */
export async function lockOrganization(
  db: Db,
  organizationId: string,
): Promise<{ id: string; name: string }> {
  const org = await db
    .selectFrom("organizations")
    .select(["id", "name"])
    .where("id", "=", organizationId)
    .forUpdate()
    .executeTakeFirst();
  if (!org) throw new NotFoundError("organization", organizationId);
  return org;
}

/**
 * Locks the organization, then reads what the caller may do now: the role may have changed
 * since the request was authenticated. A key acts for its creator (`personId`) and never as owner.
 */
async function lockAndStanding(db: Db, ctx: Ctx): Promise<{ personId: string | null; mayOwn: boolean }> {
  await lockOrganization(db, ctx.organizationId);
  const actor = ctx.actor;
  if (actor.kind === "system") return { personId: null, mayOwn: true };
  const personId = actor.kind === "user" ? actor.userId : actor.createdBy;
  const row = await db
    .selectFrom("memberships")
    .select("role")
    .where("organization_id", "=", ctx.organizationId)
    .where("user_id", "=", personId)
    .executeTakeFirst();
  const role = row && isRole(row.role) ? row.role : null;
  let permissions: ReadonlySet<Permission> = new Set();
  if (actor.kind === "apiKey") permissions = keyPermissions([...actor.permissions], role);
  else if (role) permissions = ROLE_PERMISSIONS[role];
  if (!permissions.has("org:admin")) throw new AppError("FORBIDDEN", "This needs the org:admin permission");
  return { personId, mayOwn: permissions.has("org:owner") };
}

/** The organization must keep at least one owner after the change being made. */
async function assertAnotherOwner(db: Db, organizationId: string): Promise<void> {
  const row = await db
    .selectFrom("memberships")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("organization_id", "=", organizationId)
    .where("role", "=", "owner")
    .executeTakeFirstOrThrow();
  if (Number(row.n) <= 1) {
    throw new AppError(
      "CONFLICT",
      "The organization's last owner cannot be demoted, removed or leave; make another member owner first",
    );
  }
}

/**
 * Deletes the membership and what hangs on it here: the person's API keys (revoked, so they stay
 * dead if the person joins again) and their pending invitations.
 */
async function dropMembership(
  db: Db,
  ctx: Ctx,
  userId: string,
): Promise<{ apiKeysRevoked: number; invitationsRevoked: number }> {
  const at = new Date(ctx.clock.now());
  await db
    .deleteFrom("memberships")
    .where("organization_id", "=", ctx.organizationId)
    .where("user_id", "=", userId)
    .execute();
  const keys = await db
    .updateTable("api_keys")
    .set({ revoked_at: at })
    .where("organization_id", "=", ctx.organizationId)
    .where("created_by", "=", userId)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  const invitations = await db
    .updateTable("invitations")
    .set({ revoked_at: at })
    .where("organization_id", "=", ctx.organizationId)
    .where("invited_by", "=", userId)
    .where("accepted_at", "is", null)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return {
    apiKeysRevoked: Number(keys.numUpdatedRows),
    invitationsRevoked: Number(invitations.numUpdatedRows),
  };
}
