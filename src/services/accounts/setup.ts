import { AppError } from "../../lib/errors.ts";
import { audit } from "../audit/record.ts";
import { hashToken, newSecretToken } from "../auth/secrets.ts";
import { createSession, type SessionTokens } from "../auth/sessions.ts";
import type { Origin, Runtime } from "../context.ts";
import { ensureDefaultOrganization } from "../organizations.ts";
import { addMembership, countUsers, insertUser } from "./users.ts";

/** A setup link works for a day; every start without users makes a new one. */
const SETUP_TTL_MS = 24 * 3_600_000;

/**
 * First run: while nobody has an account, makes a fresh single-use setup link (older ones stop
 * working) and returns its URL; returns undefined once someone has set Upblit up.
 */
export async function createSetupLink(rt: Runtime): Promise<string | undefined> {
  if ((await countUsers(rt.db)) > 0) return undefined;
  const token = newSecretToken();
  const now = rt.clock.now();
  await rt.db.transaction().execute(async (tx) => {
    await tx.deleteFrom("user_tokens").where("kind", "=", "setup").execute();
    await tx
      .insertInto("user_tokens")
      .values({
        token_hash: hashToken(token),
        kind: "setup",
        user_id: null,
        created_at: new Date(now),
        expires_at: new Date(now + SETUP_TTL_MS),
      })
      .execute();
  });
  return `${rt.auth.publicUrl}/setup?token=${token}`;
}

export interface SetupInput {
  token: string;
  email: string;
  password: string;
  name?: string;
  organizationName: string;
}

/**
 * Spends the setup token: creates the owner and makes them owner of the first organization (the
 * default one the foundation created, renamed), then signs them in.
 */
export async function completeSetup(
  rt: Runtime,
  input: SetupInput,
  origin: Origin | undefined,
): Promise<{ userId: string; organizationId: string; tokens: SessionTokens }> {
  const now = rt.clock.now();
  const done = await rt.db.transaction().execute(async (tx) => {
    const spent = await tx
      .updateTable("user_tokens")
      .set({ used_at: new Date(now) })
      .where("token_hash", "=", hashToken(input.token))
      .where("kind", "=", "setup")
      .where("used_at", "is", null)
      .where("expires_at", ">", new Date(now))
      .returning("token_hash")
      .executeTakeFirst();
    if (!spent || (await countUsers(tx)) > 0) {
      throw new AppError(
        "UNAUTHENTICATED",
        "The setup link is not valid: it was used, it expired or setup is done",
      );
    }
    const user = await insertUser(tx, input, now);
    const organizationId = await ensureDefaultOrganization(tx);
    await tx
      .updateTable("organizations")
      .set({ name: input.organizationName })
      .where("id", "=", organizationId)
      .execute();
    await addMembership(tx, organizationId, user.id, "owner", now);
    await audit(
      tx,
      { ...rt, user: { ...user, sessionId: null }, origin },
      {
        action: "setup.complete",
        organizationId,
        target: { type: "user", id: user.id },
        summary: { email: user.email },
      },
    );
    return { userId: user.id, organizationId };
  });
  const tokens = await createSession(rt, { id: done.userId, organizationId: done.organizationId }, origin);
  return { ...done, tokens };
}
