import type { Role } from "../../domain/permissions.ts";
import { AppError, NotFoundError } from "../../lib/errors.ts";
import { newId } from "../../lib/ids.ts";
import type { Db } from "../../storage/db.ts";
import { audit } from "../audit/record.ts";
import { normalizeEmail } from "../auth/login.ts";
import { assertPasswordAllowed, hashPassword } from "../auth/passwords.ts";
import type { Runtime } from "../context.ts";
import { ensureDefaultOrganization } from "../organizations.ts";

export interface NewUser {
  email: string;
  password: string;
  name?: string;
}

/** Inserts a person; the email must be free. Call inside the transaction that gives them a role. */
export async function insertUser(
  db: Db,
  input: NewUser,
  nowMs: number,
): Promise<{ id: string; email: string }> {
  const email = normalizeEmail(input.email);
  assertPasswordAllowed(input.password, email);
  const taken = await db.selectFrom("users").select("id").where("email", "=", email).executeTakeFirst();
  if (taken) {
    throw new AppError("CONFLICT", "An account with this email exists", {
      errors: [{ path: "body.email", message: "is taken" }],
    });
  }
  const id = newId("usr");
  const now = new Date(nowMs);
  await db
    .insertInto("users")
    .values({
      id,
      email,
      name: input.name ?? "",
      password_hash: await hashPassword(input.password),
      password_changed_at: now,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return { id, email };
}

export async function addMembership(
  db: Db,
  organizationId: string,
  userId: string,
  role: Role,
  nowMs: number,
) {
  await db
    .insertInto("memberships")
    .values({ organization_id: organizationId, user_id: userId, role, created_at: new Date(nowMs) })
    .execute();
}

export async function countUsers(db: Db): Promise<number> {
  const row = await db
    .selectFrom("users")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Creates an account with a role, without the web (the `upblit user create` command, tests).
 * Without an organization id it joins the first organization, creating one if there is none.
 */
export async function createUserWithRole(
  rt: Runtime,
  input: NewUser & { role: Role; organizationId?: string },
): Promise<{ userId: string; organizationId: string }> {
  const now = rt.clock.now();
  return rt.db.transaction().execute(async (tx) => {
    const organizationId = input.organizationId ?? (await ensureDefaultOrganization(tx));
    const org = await tx
      .selectFrom("organizations")
      .select("id")
      .where("id", "=", organizationId)
      .executeTakeFirst();
    if (!org) throw new NotFoundError("organization", organizationId);
    const user = await insertUser(tx, input, now);
    await addMembership(tx, organizationId, user.id, input.role, now);
    // The first account ends the first-run setup: its link stops working.
    await tx.deleteFrom("user_tokens").where("kind", "=", "setup").execute();
    await audit(
      tx,
      { ...rt, organizationId, actor: { kind: "system" } },
      {
        action: "user.create",
        target: { type: "user", id: user.id },
        summary: { email: user.email, role: input.role },
      },
    );
    return { userId: user.id, organizationId };
  });
}
