import type { Db } from "../../storage/db.ts";
import type { Actor } from "../context.ts";

/**
 * When an organization starts enforcing single sign-on, the password sessions its members other
 * than owners still hold are ended: from now on only the provider lets them in, and a session
 * made with a password would otherwise outlive the rule by up to SESSION_MAX_DAYS. Every password
 * session of such a person goes (any of them could switch into this organization); sessions made
 * through a provider stay, and so does the one the change is made from (the admin turning it on
 * is not signed out mid-way). Owners keep their password sessions: they are the break-glass.
 * Returns how many sessions ended.
 */
export async function endPasswordSessionsOfMembers(
  tx: Db,
  organizationId: string,
  actor: Actor,
  nowMs: number,
): Promise<number> {
  let q = tx
    .updateTable("sessions")
    .set({ revoked_at: new Date(nowMs), revoked_reason: "single sign-on enforced" })
    .where("revoked_at", "is", null)
    .where("sso_organization_id", "is", null)
    .where("user_id", "in", (eb) =>
      eb
        .selectFrom("memberships")
        .select("user_id")
        .where("organization_id", "=", organizationId)
        .where("role", "!=", "owner"),
    );
  if (actor.kind === "user" && actor.sessionId) q = q.where("id", "!=", actor.sessionId);
  const result = await q.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Whether a save turns enforcement on: enforced and enabled now, and not both before. */
export function turnsEnforcementOn(
  before: { enforce: boolean; enabled: boolean } | undefined,
  after: { enforce: boolean; enabled: boolean },
): boolean {
  return after.enforce && after.enabled && !(before?.enforce && before.enabled);
}
