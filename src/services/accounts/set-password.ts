import { AppError } from "../../lib/errors.ts";
import { audit } from "../audit/record.ts";
import { normalizeEmail } from "../auth/login.ts";
import { assertPasswordAllowed, hashPassword } from "../auth/passwords.ts";
import { revokeSessionRows } from "../auth/sessions.ts";
import type { Runtime } from "../context.ts";

/**
 * An operator sets a person's password without the web (`upblit user reset-password`): the policy
 * applies, every session of the person ends, pending emailed reset links die, and each of their
 * organizations gets an audit row naming the system as the actor.
 */
export async function setPasswordAsSystem(
  rt: Runtime,
  input: { email: string; password: string },
): Promise<{ userId: string; sessionsEnded: number }> {
  const email = normalizeEmail(input.email);
  const user = await rt.db.selectFrom("users").select("id").where("email", "=", email).executeTakeFirst();
  if (!user) {
    throw new AppError("NOT_FOUND", `No account with the email ${email}`, {
      errors: [{ path: "email", message: "has no account" }],
    });
  }
  assertPasswordAllowed(input.password, email, "password");
  const hash = await hashPassword(input.password);
  const now = rt.clock.now();
  return rt.db.transaction().execute(async (tx) => {
    await tx
      .updateTable("users")
      .set({ password_hash: hash, password_changed_at: new Date(now), updated_at: new Date(now) })
      .where("id", "=", user.id)
      .execute();
    const sessionsEnded = await revokeSessionRows(
      tx,
      { userIds: [user.id] },
      "password reset by an operator",
      now,
    );
    await tx
      .deleteFrom("user_tokens")
      .where("user_id", "=", user.id)
      .where("kind", "=", "password_reset")
      .execute();
    const memberships = await tx
      .selectFrom("memberships")
      .select("organization_id")
      .where("user_id", "=", user.id)
      .execute();
    for (const m of memberships) {
      await audit(
        tx,
        { ...rt, organizationId: m.organization_id, actor: { kind: "system" } },
        {
          action: "user.password_reset",
          target: { type: "user", id: user.id },
          summary: { email, by: "cli", sessionsEnded },
        },
      );
    }
    return { userId: user.id, sessionsEnded };
  });
}
