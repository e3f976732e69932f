import { isRole, type Role, roleAtLeast } from "../../domain/permissions.ts";
import { AppError, NotFoundError } from "../../lib/errors.ts";
import { newId } from "../../lib/ids.ts";
import type { Db } from "../../storage/db.ts";
import { audit } from "../audit/record.ts";
import { normalizeEmail } from "../auth/login.ts";
import { hashToken, newSecretToken } from "../auth/secrets.ts";
import type { Ctx } from "../context.ts";
import { type Delivery, deliver, tokenLink } from "../mail/messages.ts";
import { invitationMail } from "../mail/templates.ts";
import { type Page, toPage } from "../page.ts";

/** An invitation link works for 7 days; resending starts the 7 days again with a new link. */
const INVITATION_TTL_MS = 7 * 86_400_000;

export type InvitationStatus = "pending" | "accepted" | "revoked" | "expired";

export interface InvitationView {
  id: string;
  email: string;
  role: Role;
  status: InvitationStatus;
  invitedBy: string | null;
  createdAt: Date;
  expiresAt: Date;
  acceptedAt: Date | null;
  acceptedBy: string | null;
  revokedAt: Date | null;
}

/**
 * What the inviter learns about the link: with mail configured it went to the invitee (`sent`,
 * or `failed`: resend it) and is never shown; without mail the inviter gets `acceptUrl` to pass on.
 */
export type InvitationLink = { mail: Delivery } | { mail: "disabled"; acceptUrl: string };

interface InvitationRow {
  id: string;
  email: string;
  role: string;
  invited_by: string | null;
  created_at: Date;
  expires_at: Date;
  accepted_at: Date | null;
  accepted_by: string | null;
  revoked_at: Date | null;
}

/**
 * Invites an email into the caller's organization. The role may be at most the inviter's own
 * (an admin cannot invite an owner); members and addresses with a pending invitation get 409.
 */
export async function createInvitation(
  ctx: Ctx,
  input: { email: string; role: Role },
): Promise<{ invitation: InvitationView } & InvitationLink> {
  const email = normalizeEmail(input.email);
  const inviter = await inviterOf(ctx);
  assertMayGrant(inviter.role, input.role, "invite someone as");
  const token = newSecretToken();
  const now = ctx.clock.now();
  const row = await ctx.db.transaction().execute(async (tx) => {
    await assertNotMember(tx, ctx.organizationId, email);
    await assertNoOtherPending(tx, ctx.organizationId, email, now, null);
    const inserted = await tx
      .insertInto("invitations")
      .values({
        id: newId("inv"),
        organization_id: ctx.organizationId,
        email,
        role: input.role,
        invited_by: inviter.userId,
        token_hash: hashToken(token),
        created_at: new Date(now),
        expires_at: new Date(now + INVITATION_TTL_MS),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit(tx, ctx, {
      action: "invitation.create",
      target: { type: "invitation", id: inserted.id },
      summary: { email, role: input.role },
    });
    return inserted;
  });
  return { invitation: toView(row, now), ...(await sendLink(ctx, row, token)) };
}

/** The organization's invitations, newest first, optionally only those with one status. */
export async function listInvitations(
  ctx: Ctx,
  filter: { status?: InvitationStatus },
  page: { cursor?: string; limit: number },
): Promise<Page<InvitationView>> {
  const now = new Date(ctx.clock.now());
  let q = ctx.db
    .selectFrom("invitations")
    .selectAll()
    .where("organization_id", "=", ctx.organizationId)
    .orderBy("id", "desc")
    .limit(page.limit + 1);
  if (page.cursor) q = q.where("id", "<", page.cursor);
  if (filter.status === "accepted") q = q.where("accepted_at", "is not", null);
  if (filter.status === "revoked") q = q.where("revoked_at", "is not", null);
  if (filter.status === "pending" || filter.status === "expired") {
    q = q
      .where("accepted_at", "is", null)
      .where("revoked_at", "is", null)
      .where("expires_at", filter.status === "pending" ? ">" : "<=", now);
  }
  const rows = await q.execute();
  return toPage(
    rows,
    page.limit,
    (r) => toView(r, now.getTime()),
    (r) => r.id,
  );
}

/** One invitation of the caller's organization; another organization's looks like none. */
export async function getInvitation(ctx: Ctx, id: string): Promise<InvitationView> {
  const row = await findRow(ctx.db, ctx.organizationId, id);
  if (!row) throw new NotFoundError("invitation", id);
  return toView(row, ctx.clock.now());
}

/** Revokes a pending (or expired) invitation: its link stops working at once. */
export async function revokeInvitation(ctx: Ctx, id: string): Promise<InvitationView> {
  const now = ctx.clock.now();
  const inviter = await inviterOf(ctx);
  return ctx.db.transaction().execute(async (tx) => {
    const row = await lockOpenInvitation(tx, ctx.organizationId, id);
    assertMayGrant(inviter.role, roleOf(row), "revoke an invitation as");
    const updated = await tx
      .updateTable("invitations")
      .set({ revoked_at: new Date(now) })
      .where("id", "=", id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit(tx, ctx, {
      action: "invitation.revoke",
      target: { type: "invitation", id },
      summary: { email: row.email, role: row.role },
    });
    return toView(updated, now);
  });
}

/**
 * Sends a pending or expired invitation again with a NEW link: the old link stops working and the
 * 7 days start again. The role ceiling and the membership check are applied again.
 */
export async function resendInvitation(
  ctx: Ctx,
  id: string,
): Promise<{ invitation: InvitationView } & InvitationLink> {
  const token = newSecretToken();
  const now = ctx.clock.now();
  const inviter = await inviterOf(ctx);
  const row = await ctx.db.transaction().execute(async (tx) => {
    const open = await lockOpenInvitation(tx, ctx.organizationId, id);
    assertMayGrant(inviter.role, roleOf(open), "resend an invitation as");
    await assertNotMember(tx, ctx.organizationId, open.email);
    await assertNoOtherPending(tx, ctx.organizationId, open.email, now, id);
    const updated = await tx
      .updateTable("invitations")
      .set({
        token_hash: hashToken(token),
        expires_at: new Date(now + INVITATION_TTL_MS),
        invited_by: inviter.userId,
      })
      .where("id", "=", id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit(tx, ctx, {
      action: "invitation.resend",
      target: { type: "invitation", id },
      summary: { email: open.email, role: open.role },
    });
    return updated;
  });
  return { invitation: toView(row, now), ...(await sendLink(ctx, row, token)) };
}

async function sendLink(
  ctx: Ctx,
  row: { email: string; role: string },
  token: string,
): Promise<InvitationLink> {
  const acceptUrl = tokenLink(ctx, "invite", token);
  if (!ctx.mailer.enabled) return { mail: "disabled", acceptUrl };
  const org = await ctx.db
    .selectFrom("organizations")
    .select("name")
    .where("id", "=", ctx.organizationId)
    .executeTakeFirstOrThrow();
  const mail = invitationMail({
    organizationName: org.name,
    inviter: inviterLabel(ctx),
    role: row.role,
    url: acceptUrl,
    validForMs: INVITATION_TTL_MS,
  });
  return { mail: await deliver(ctx, row.email, mail, "invitation") };
}

function inviterLabel(ctx: Ctx): string {
  if (ctx.actor.kind === "user") return ctx.actor.email;
  return "An administrator";
}

/**
 * Who invites, and with which role as the ceiling. A person's role is on the actor; an API key
 * invites on behalf of its creator, so its ceiling is the creator's current role here.
 */
async function inviterOf(ctx: Ctx): Promise<{ userId: string | null; role: Role }> {
  const actor = ctx.actor;
  if (actor.kind === "user") return { userId: actor.userId, role: actor.role };
  if (actor.kind === "system") return { userId: null, role: "owner" };
  const m = await ctx.db
    .selectFrom("memberships")
    .select("role")
    .where("organization_id", "=", ctx.organizationId)
    .where("user_id", "=", actor.createdBy)
    .executeTakeFirst();
  if (!m || !isRole(m.role)) throw new AppError("FORBIDDEN", "The API key's creator is no longer a member");
  return { userId: actor.createdBy, role: m.role };
}

/** Invitations carry at most the inviter's role; revoking or resending one needs the same rank. */
function assertMayGrant(inviterRole: Role, role: Role, what: string): void {
  if (!roleAtLeast(inviterRole, role)) {
    throw new AppError("FORBIDDEN", `Your role (${inviterRole}) cannot ${what} ${role}`, {
      errors: [{ path: "body.role", message: `is higher than your role (${inviterRole})` }],
    });
  }
}

async function assertNotMember(db: Db, organizationId: string, email: string): Promise<void> {
  const member = await db
    .selectFrom("memberships as m")
    .innerJoin("users as u", "u.id", "m.user_id")
    .select("u.id")
    .where("m.organization_id", "=", organizationId)
    .where("u.email", "=", email)
    .executeTakeFirst();
  if (member) {
    throw new AppError("CONFLICT", `${email} is already a member of this organization`, {
      errors: [{ path: "body.email", message: "is already a member" }],
    });
  }
}

/** One pending invitation per address: a second would leave two live links with maybe two roles. */
async function assertNoOtherPending(
  db: Db,
  organizationId: string,
  email: string,
  now: number,
  exceptId: string | null,
): Promise<void> {
  let q = db
    .selectFrom("invitations")
    .select("id")
    .where("organization_id", "=", organizationId)
    .where("email", "=", email)
    .where("accepted_at", "is", null)
    .where("revoked_at", "is", null)
    .where("expires_at", ">", new Date(now));
  if (exceptId) q = q.where("id", "!=", exceptId);
  if (await q.executeTakeFirst()) {
    throw new AppError("CONFLICT", `${email} already has a pending invitation; resend or revoke it`, {
      errors: [{ path: "body.email", message: "has a pending invitation" }],
    });
  }
}

async function findRow(db: Db, organizationId: string, id: string) {
  return db
    .selectFrom("invitations")
    .selectAll()
    .where("organization_id", "=", organizationId)
    .where("id", "=", id)
    .executeTakeFirst();
}

/** The invitation, locked, unless it is missing (404) or already accepted or revoked (409). */
async function lockOpenInvitation(db: Db, organizationId: string, id: string): Promise<InvitationRow> {
  const row = await db
    .selectFrom("invitations")
    .selectAll()
    .where("organization_id", "=", organizationId)
    .where("id", "=", id)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw new NotFoundError("invitation", id);
  if (row.accepted_at) throw new AppError("CONFLICT", "The invitation was already accepted");
  if (row.revoked_at) throw new AppError("CONFLICT", "The invitation was revoked; invite again");
  return row;
}

/** The column has a CHECK constraint on the four roles; anything else is a broken invariant. */
function roleOf(row: { role: string }): Role {
  if (!isRole(row.role)) throw new Error(`invitation with unknown role ${row.role}`);
  return row.role;
}

/** The status is derived, not stored, so an invitation expires without anyone writing to it. */
function statusOf(row: InvitationRow, nowMs: number): InvitationStatus {
  if (row.accepted_at) return "accepted";
  if (row.revoked_at) return "revoked";
  return row.expires_at.getTime() <= nowMs ? "expired" : "pending";
}

function toView(row: InvitationRow, nowMs: number): InvitationView {
  return {
    id: row.id,
    email: row.email,
    role: roleOf(row),
    status: statusOf(row, nowMs),
    invitedBy: row.invited_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    acceptedAt: row.accepted_at,
    acceptedBy: row.accepted_by,
    revokedAt: row.revoked_at,
  };
}
