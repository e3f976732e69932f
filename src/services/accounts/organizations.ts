import { AppError, NotFoundError } from "../../lib/errors.ts";
import { newId } from "../../lib/ids.ts";
import type { Db } from "../../storage/db.ts";
import { audit } from "../audit/record.ts";
import { revokeSessionRows } from "../auth/sessions.ts";
import type { Ctx, UserCtx } from "../context.ts";
import { lockOrganization } from "./members.ts";
import { addMembership } from "./users.ts";

/** A person belongs to at most this many organizations, so nobody can create them in a loop. */
export const MAX_ORGANIZATIONS_PER_PERSON = 50;

export interface OrganizationView {
  id: string;
  name: string;
  createdAt: Date;
  memberCount: number;
}

/**
 * Creates an organization with the caller as its owner. The session keeps acting where it was;
 * the person switches to the new organization with POST /api/v1/auth/switch-organization.
 */
export async function createOrganization(
  ctx: UserCtx,
  input: { name: string },
): Promise<OrganizationView & { role: "owner" }> {
  const now = ctx.clock.now();
  const id = newId("org", now);
  await ctx.db.transaction().execute(async (tx) => {
    // Locks the person's row so two concurrent creates cannot both slip under the limit.
    await tx.selectFrom("users").select("id").where("id", "=", ctx.user.id).forUpdate().execute();
    const held = await tx
      .selectFrom("memberships")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("user_id", "=", ctx.user.id)
      .executeTakeFirstOrThrow();
    if (Number(held.n) >= MAX_ORGANIZATIONS_PER_PERSON) {
      throw new AppError(
        "LIMIT_EXCEEDED",
        `You belong to ${MAX_ORGANIZATIONS_PER_PERSON} organizations, the most one person can`,
      );
    }
    await tx
      .insertInto("organizations")
      .values({ id, name: input.name, created_at: new Date(now) })
      .execute();
    await addMembership(tx, id, ctx.user.id, "owner", now);
    await audit(tx, ctx, {
      action: "organization.create",
      target: { type: "organization", id },
      summary: { name: input.name },
      organizationId: id,
    });
  });
  return { id, name: input.name, createdAt: new Date(now), memberCount: 1, role: "owner" };
}

/** The organization the credential acts in. */
export async function getOrganization(ctx: Ctx): Promise<OrganizationView> {
  return readOrganization(ctx.db, ctx.organizationId);
}

/** Renames the caller's organization; an unchanged name writes nothing. */
export async function renameOrganization(ctx: Ctx, name: string): Promise<OrganizationView> {
  await ctx.db.transaction().execute(async (tx) => {
    const org = await lockOrganization(tx, ctx.organizationId);
    if (org.name === name) return;
    await tx.updateTable("organizations").set({ name }).where("id", "=", org.id).execute();
    await audit(tx, ctx, {
      action: "organization.rename",
      target: { type: "organization", id: org.id },
      summary: { from: org.name, to: name },
    });
  });
  return readOrganization(ctx.db, ctx.organizationId);
}

/**
 * Deletes the caller's organization and everything in it: monitors with their history, members,
 * invitations, API keys and its audit log. Only an owner, signed in as a person, can do it, and
 * `confirm` must repeat the organization's exact name. Every session acting in it ends.
 */
export async function deleteOrganization(ctx: Ctx, confirm: string): Promise<{ sessionsEnded: number }> {
  const actor = ctx.actor;
  if (actor.kind !== "user")
    throw new AppError("FORBIDDEN", "Only an owner, signed in, can delete an organization");
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (tx) => {
    const org = await lockOrganization(tx, ctx.organizationId);
    const me = await tx
      .selectFrom("memberships")
      .select("role")
      .where("organization_id", "=", org.id)
      .where("user_id", "=", actor.userId)
      .executeTakeFirst();
    if (me?.role !== "owner") throw new AppError("FORBIDDEN", "Only an owner can delete the organization");
    if (confirm !== org.name) {
      throw new AppError("VALIDATION", "Type the organization's exact name to confirm", {
        errors: [{ path: "body.confirm", message: "must repeat the organization's exact name" }],
      });
    }
    const { memberCount } = await readOrganization(tx, org.id);
    const sessionsEnded = await revokeSessionRows(
      tx,
      { organizationId: org.id },
      "organization deleted",
      now,
    );
    const monitors = await deleteMonitorHistory(tx, org.id);
    await tx.deleteFrom("idempotency_keys").where("organization_id", "=", org.id).execute();
    // Cascades: monitors (state, schedules, events, incidents), memberships, invitations, keys, audit.
    await tx.deleteFrom("organizations").where("id", "=", org.id).execute();
    // Recorded outside the organization, whose audit rows went with it: it stays in the person's history.
    const { organizationId: _gone, actor: _actor, ...rt } = ctx;
    await audit(
      tx,
      { ...rt, user: { id: actor.userId, email: actor.email, sessionId: actor.sessionId } },
      {
        action: "organization.delete",
        target: { type: "organization", id: org.id },
        summary: { name: org.name, members: memberCount, monitors, sessionsEnded },
      },
    );
    return { sessionsEnded };
  });
}

async function readOrganization(db: Db, organizationId: string): Promise<OrganizationView> {
  const row = await db
    .selectFrom("organizations as o")
    .select(["o.id", "o.name", "o.created_at"])
    .select((eb) =>
      eb
        .selectFrom("memberships as m")
        .select(eb.fn.countAll<string>().as("n"))
        .whereRef("m.organization_id", "=", "o.id")
        .as("members"),
    )
    .where("o.id", "=", organizationId)
    .executeTakeFirst();
  if (!row) throw new NotFoundError("organization", organizationId);
  return { id: row.id, name: row.name, createdAt: row.created_at, memberCount: Number(row.members) };
}

/**
 * Results and rollups have no foreign key to their monitor (they are the hot tables); they are
 * deleted through their primary key's monitor prefix. Returns how many monitors there were.
 */
async function deleteMonitorHistory(db: Db, organizationId: string): Promise<number> {
  const ids = db.selectFrom("monitors").select("id").where("organization_id", "=", organizationId);
  await db.deleteFrom("check_results").where("monitor_id", "in", ids).execute();
  await db.deleteFrom("check_result_blocks").where("monitor_id", "in", ids).execute();
  await db.deleteFrom("rollups_hourly").where("monitor_id", "in", ids).execute();
  await db.deleteFrom("rollups_daily").where("monitor_id", "in", ids).execute();
  await db.deleteFrom("rollup_blocks").where("monitor_id", "in", ids).execute();
  const row = await db
    .selectFrom("monitors")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("organization_id", "=", organizationId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
