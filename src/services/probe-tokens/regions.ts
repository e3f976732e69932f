import { AppError } from "../../lib/errors.ts";
import type { Ctx } from "../context.ts";

/**
 * Probe tokens are made for a region the organization declared with kind `remote`
 * (docs/regions.md): a `local` region is checked by this installation's own probes.
 */
export async function assertRemoteRegion(ctx: Ctx, region: string): Promise<void> {
  const row = await ctx.db
    .selectFrom("regions")
    .select("kind")
    .where("organization_id", "=", ctx.organizationId)
    .where("name", "=", region)
    .executeTakeFirst();
  if (row?.kind === "remote") return;
  throw new AppError(
    "PRECONDITION_FAILED",
    row
      ? `Region ${region} is local: probe tokens are for remote regions`
      : `Region ${region} is not declared`,
    {
      errors: [
        {
          path: "body.region",
          message: row
            ? "must be a region of kind remote"
            : "must be a region declared in this organization with kind remote (POST /api/v1/regions)",
        },
      ],
    },
  );
}
