import type { Kysely } from "kysely";
import { execStatements } from "./exec.ts";

/**
 * Remote probes, second slice (issue 17): a remote region says whether its probes may check
 * loopback and private-network targets (docs/remote-probes.md). Off unless an admin turns it on;
 * a probe's own flag can only narrow it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execStatements(
    db,
    `ALTER TABLE regions ADD COLUMN allow_private_targets boolean NOT NULL DEFAULT false`,
  );
}
