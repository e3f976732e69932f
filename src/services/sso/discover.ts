import { sql } from "kysely";
import { emailDomain } from "../../domain/sso.ts";
import type { Db } from "../../storage/db.ts";
import type { Runtime } from "../context.ts";

export interface SsoChoice {
  providerId: string;
  displayName: string;
  organizationName: string;
}

/**
 * The sign-in page's question "does this email sign in with SSO?": the enabled providers whose
 * allowed domains include the email's domain. Several organizations may list one domain, so the
 * answer is a list (each button names its organization). It says nothing about accounts.
 */
export async function ssoChoicesForEmail(rt: Runtime, email: string): Promise<SsoChoice[]> {
  const domain = emailDomain(email);
  if (!domain) return [];
  const rows = await rt.db
    .selectFrom("sso_providers as p")
    .innerJoin("organizations as o", "o.id", "p.organization_id")
    .select(["p.id", "p.display_name", "o.name"])
    .where("p.enabled", "=", true)
    .where(sql<boolean>`p.email_domains @> ${JSON.stringify([domain])}::jsonb`)
    .orderBy("o.name")
    .limit(20)
    .execute();
  return rows.map((r) => ({ providerId: r.id, displayName: r.display_name, organizationName: r.name }));
}

/**
 * Whether a person must sign in with SSO rather than a password: they are a member, other than
 * owner, of an organization whose enabled provider enforces it. Owners keep their password as
 * the way in when the provider is down (break-glass).
 */
export async function passwordLoginBlocked(db: Db, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom("memberships as m")
    .innerJoin("sso_providers as p", "p.organization_id", "m.organization_id")
    .select("m.organization_id")
    .where("m.user_id", "=", userId)
    .where("m.role", "!=", "owner")
    .where("p.enforce", "=", true)
    .where("p.enabled", "=", true)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
