import { newId } from "../lib/ids.ts";
import type { Db } from "../storage/db.ts";

/**
 * Until accounts land there is one organization; it is created on first start and every request
 * acts in it. Accounts (issue 3) replace this with the organization of the credential.
 */
export async function ensureDefaultOrganization(db: Db): Promise<string> {
  const existing = await db
    .selectFrom("organizations")
    .select("id")
    .orderBy("id")
    .limit(1)
    .executeTakeFirst();
  if (existing) return existing.id;
  const id = newId("org");
  await db.insertInto("organizations").values({ id, name: "Default" }).execute();
  return id;
}
