import { isRole, type Role } from "../../domain/permissions.ts";
import { emailDomain, roleFromGroups } from "../../domain/sso.ts";
import { newId } from "../../lib/ids.ts";
import type { Db } from "../../storage/db.ts";
import { dropMembership } from "../accounts/members.ts";
import { addMembership } from "../accounts/users.ts";
import { audit } from "../audit/record.ts";
import { normalizeEmail } from "../auth/login.ts";
import { revokeSessionRows } from "../auth/sessions.ts";
import type { Origin, Runtime, UserCtx } from "../context.ts";
import type { SsoProvider } from "./providers.ts";
import { SsoRefused } from "./refused.ts";

/** What the provider said about the person, from the verified ID token (and userinfo). */
export interface SsoPerson {
  subject: string;
  email: string | undefined;
  emailVerified: boolean;
  name: string | undefined;
  groups: string[];
}

/**
 * A password hash no password matches (argon2 cannot parse it): accounts made by single sign-on
 * have no password until the person sets one through a reset.
 */
const NO_PASSWORD = "!sso-only";

/**
 * Finds or makes the person's account and sets their membership from their groups, in one
 * transaction: the role is mapped again at every sign-in, so a group taken away at the provider
 * demotes (or removes) them here. Owners are never changed by single sign-on.
 */
export async function admitSsoPerson(
  rt: Runtime,
  provider: SsoProvider,
  person: SsoPerson,
  origin: Origin | undefined,
): Promise<{ userId: string; email: string; role: Role }> {
  const email = person.email ? normalizeEmail(person.email) : "";
  if (!email || !person.emailVerified) {
    throw new SsoRefused("email", "The provider sent no verified email address");
  }
  if (!provider.emailDomains.includes(emailDomain(email))) {
    throw new SsoRefused(
      "email",
      `The email domain ${emailDomain(email)} is not allowed for this organization`,
    );
  }
  const now = rt.clock.now();
  const orgId = provider.organizationId;
  const outcome = await rt.db.transaction().execute(async (tx) => {
    const target = roleFromGroups(provider.roleMapping, person.groups, provider.defaultRole);
    // A new account only for someone who will be a member: refusals leave no account behind.
    const user = await findOrCreateUser(tx, provider, person, email, now, target !== null && provider.jit);
    if (!user) return { ok: false as const, removed: false, notMember: target !== null };
    const ctx: UserCtx = { ...rt, user: { id: user.id, email: user.email, sessionId: null }, origin };
    const current = await tx
      .selectFrom("memberships")
      .select("role")
      .where("organization_id", "=", orgId)
      .where("user_id", "=", user.id)
      .forUpdate()
      .executeTakeFirst();
    const currentRole = current && isRole(current.role) ? current.role : null;
    if (currentRole === "owner") return { ok: true as const, user, role: "owner" as const };
    const summary = { email: user.email, source: "sso", groups: person.groups.slice(0, 50) };
    if (target === null) {
      if (currentRole) {
        const system = { ...rt, organizationId: orgId, actor: { kind: "system" as const } };
        const left = await dropMembership(tx, system, user.id);
        const ended = await revokeSessionRows(
          tx,
          { userIds: [user.id], organizationId: orgId },
          "removed by single sign-on",
          now,
        );
        await audit(tx, ctx, {
          action: "member.remove",
          organizationId: orgId,
          target: { type: "user", id: user.id },
          summary: { ...summary, role: currentRole, sessionsEnded: ended, ...left },
        });
      }
      return { ok: false as const, removed: currentRole !== null };
    }
    if (currentRole === null) {
      if (!provider.jit) return { ok: false as const, removed: false, notMember: true };
      await addMembership(tx, orgId, user.id, target, now);
      await audit(tx, ctx, {
        action: "member.add",
        organizationId: orgId,
        target: { type: "user", id: user.id },
        summary: { ...summary, role: target },
      });
    } else if (currentRole !== target) {
      await tx
        .updateTable("memberships")
        .set({ role: target })
        .where("organization_id", "=", orgId)
        .where("user_id", "=", user.id)
        .execute();
      await audit(tx, ctx, {
        action: "member.role_change",
        organizationId: orgId,
        target: { type: "user", id: user.id },
        summary: { ...summary, from: currentRole, to: target },
      });
    }
    return { ok: true as const, user, role: target };
  });
  if (!outcome.ok) {
    if ("notMember" in outcome && outcome.notMember) {
      throw new SsoRefused(
        "no-access",
        "You are not a member of this organization; ask an admin to invite you",
      );
    }
    throw new SsoRefused(
      "no-access",
      outcome.removed
        ? "None of your groups gives access to this organization any more; your membership ended"
        : "None of your groups gives access to this organization",
    );
  }
  return { userId: outcome.user.id, email: outcome.user.email, role: outcome.role };
}

/**
 * The account linked to this subject at this provider; else the account with this (verified,
 * allowed-domain) email when it is already a member of the organization, which gets linked; else a
 * new account without a password (when `mayCreate`), or null.
 */
async function findOrCreateUser(
  tx: Db,
  provider: SsoProvider,
  person: SsoPerson,
  email: string,
  now: number,
  mayCreate: boolean,
): Promise<{ id: string; email: string } | null> {
  const linked = await tx
    .selectFrom("sso_identities as i")
    .innerJoin("users as u", "u.id", "i.user_id")
    .select(["u.id", "u.email"])
    .where("i.provider_id", "=", provider.id)
    .where("i.subject", "=", person.subject)
    .executeTakeFirst();
  if (linked) {
    await tx
      .updateTable("sso_identities")
      .set({ last_login_at: new Date(now) })
      .where("provider_id", "=", provider.id)
      .where("subject", "=", person.subject)
      .execute();
    return linked;
  }
  let user = await tx
    .selectFrom("users")
    .select(["id", "email"])
    .where("email", "=", email)
    .executeTakeFirst();
  if (user) {
    // An account that exists outside this organization is not the provider's to vouch for:
    // linking it would let this organization's provider sign in to the account's other ones.
    const member = await tx
      .selectFrom("memberships")
      .select("role")
      .where("organization_id", "=", provider.organizationId)
      .where("user_id", "=", user.id)
      .executeTakeFirst();
    if (!member) {
      throw new SsoRefused(
        "no-access",
        "An account with this email exists outside this organization: ask an admin to invite it first",
      );
    }
  } else {
    if (!mayCreate) return null;
    user = { id: newId("usr"), email };
    await tx
      .insertInto("users")
      .values({
        id: user.id,
        email,
        name: (person.name ?? "").slice(0, 200),
        password_hash: NO_PASSWORD,
        password_changed_at: new Date(now),
        created_at: new Date(now),
        updated_at: new Date(now),
      })
      .execute();
  }
  await tx
    .insertInto("sso_identities")
    .values({
      provider_id: provider.id,
      subject: person.subject,
      user_id: user.id,
      created_at: new Date(now),
      last_login_at: new Date(now),
    })
    .execute();
  return user;
}
