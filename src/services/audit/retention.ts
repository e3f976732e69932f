import type { Runtime } from "../context.ts";

const DAY = 86_400_000;
/** Rows per delete statement, so a first run over a large backlog never holds the table long. */
const ROWS_PER_CHUNK = 5_000;

/**
 * Deletes audit entries older than `days` (AUDIT_RETENTION_DAYS), across every organization.
 * Runs with the other retention jobs in the evaluator role; returns how many rows went.
 */
export async function applyAuditRetention(rt: Runtime, days: number): Promise<number> {
  const before = new Date(rt.clock.now() - days * DAY);
  let removed = 0;
  for (;;) {
    const res = await rt.db
      .deleteFrom("audit_log")
      .where("id", "in", (eb) =>
        eb.selectFrom("audit_log").select("id").where("at", "<", before).limit(ROWS_PER_CHUNK),
      )
      .executeTakeFirst();
    const n = Number(res.numDeletedRows);
    removed += n;
    if (n < ROWS_PER_CHUNK) return removed;
  }
}
