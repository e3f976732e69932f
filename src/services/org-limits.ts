import { AppError } from "../lib/errors.ts";
import type { Db } from "../storage/db.ts";
import { lockOrganization } from "./accounts/members.ts";

/** Tables whose rows count against a per-organization limit. */
type CountedPerOrg = "alert_rules" | "maintenance_windows" | "status_pages";

/**
 * Makes room for one more row of `table` in the organization, inside the creating transaction:
 * locks the organization row, so concurrent creations wait for each other and cannot pass the
 * limit together, then refuses with LIMIT_EXCEEDED (429) when it already holds `max`.
 */
export async function reserveOrgSlot(
  tx: Db,
  organizationId: string,
  limit: { table: CountedPerOrg; max: number; what: string },
): Promise<void> {
  await lockOrganization(tx, organizationId);
  const { count } = await tx
    .selectFrom(limit.table)
    .select((eb) => eb.fn.countAll<string>().as("count"))
    .where("organization_id", "=", organizationId)
    .executeTakeFirstOrThrow();
  if (Number(count) >= limit.max) {
    throw new AppError(
      "LIMIT_EXCEEDED",
      `This organization has reached its limit of ${limit.max} ${limit.what}`,
    );
  }
}
