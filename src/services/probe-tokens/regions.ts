import { AppError } from "../../lib/errors.ts";
import type { Runtime } from "../context.ts";

/** A region's name, as monitors and `REGION` spell it. */
export const REGION_NAME = /^[a-z0-9][a-z0-9-]{0,39}$/;

/**
 * Whether probe tokens may be made for `region`. Today a region is a name; when the regions API
 * lands this asks its table (a region of kind `remote`, and whether it may reach private targets).
 */
export async function assertRemoteRegion(_rt: Runtime, region: string): Promise<void> {
  if (!REGION_NAME.test(region)) {
    throw new AppError("VALIDATION", "region must be a region's name (a-z, 0-9, dashes)", {
      errors: [{ path: "body.region", message: "must match ^[a-z0-9][a-z0-9-]{0,39}$" }],
    });
  }
}
